/**
 * A share of a schedule that never ran (a failed worker thread or load agent): its requests are counted as due
 * (intended or warm-up) but never sent or completed, and the tally is marked incomplete, so they do not
 * silently vanish from the counts. Pure.
 */
import { nominalAt, pacing } from './paced-engine.ts';
import { type EngineTally, TallyRecorder } from './tally.ts';
import type { LoadSchedule } from './types.ts';

export function unsentShareTally(
  schedule: LoadSchedule,
  indices: readonly number[],
  startAt: number,
  why: string,
): EngineTally {
  const rec = new TallyRecorder(startAt, schedule.warmupMs, false);
  const endAt = startAt + schedule.durationMs;
  const { interval, phase } = pacing(schedule);
  let n = 0;
  // The engine's own request times, so the counts match what the share would have sent.
  if ((schedule.rate ?? 0) > 0)
    for (const i of indices) {
      const p = phase(i);
      for (let k = 0; nominalAt(startAt, p, interval, k) < endAt; k++) {
        rec.due(nominalAt(startAt, p, interval, k));
        n++;
      }
    }
  const note = `${why}; its ${n} scheduled requests are counted as due but not sent`;
  return { ...rec.toTally(0, [note]), incomplete: true };
}
