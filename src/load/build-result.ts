/** EngineTally → LoadResult. Pure. */
import { type EngineTally, GENERATOR_LATE_MS, LATE_MS } from './tally.ts';
import type { Lateness, LoadResult, LoadSchedule } from './types.ts';

function latenessOf(tally: EngineTally): Lateness {
  return {
    lateMs: LATE_MS,
    backpressure: tally.lateBackpressure,
    generator: tally.lateGenerator,
    generatorLateMs: GENERATOR_LATE_MS,
    generatorLate: tally.generatorLate,
    generatorUnsent: tally.generatorUnsent,
    generatorLag: tally.generatorLagHist,
  };
}

export function buildLoadResult(input: {
  schedule: LoadSchedule;
  driver: LoadResult['driver'];
  tally: EngineTally;
  startedAt: number;
  endedAt: number;
  incomplete: boolean;
}): LoadResult {
  const { schedule, tally, startedAt, endedAt, incomplete } = input;
  const measuredFrom = startedAt + schedule.warmupMs;
  const fullMs = schedule.durationMs - schedule.warmupMs;
  const measuredMs = incomplete ? Math.max(0, Math.min(fullMs, endedAt - measuredFrom)) : fullMs;
  const notes = [...tally.notes];
  if (tally.unsentAtEnd > 0)
    notes.push(`${tally.unsentAtEnd} requests were still due at the end (engine behind); counted as skipped`);
  const result: LoadResult = {
    schedule,
    driver: input.driver,
    startedAt,
    endedAt,
    measuredMs,
    requests: {
      intended: tally.intended,
      sent: tally.sent,
      completed: tally.completed,
      warmup: tally.warmup,
    },
    outcomes: tally.outcomes,
    achievedRps: measuredMs > 0 ? (tally.completed * 1000) / measuredMs : 0,
    latency: { intended: tally.intendedHist, actual: tally.actualHist, errors: tally.errorsHist },
    scheduleLag: tally.lagHist,
    // A closed loop has no schedule to fall behind: its intended start is its actual start.
    ...(schedule.model === 'open' ? { lateness: latenessOf(tally) } : {}),
    // Warm-up only when the whole second is: the second the warm-up ends in holds measured requests too.
    series: tally.series.map((s) => ({ ...s, warmup: (s.t + 1) * 1000 <= schedule.warmupMs })),
    engine: { workers: tally.workers, maxLagMs: Math.round(tally.maxLagMs * 1000) / 1000, notes },
  };
  if (incomplete) result.incomplete = true;
  return result;
}
