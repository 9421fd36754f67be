/**
 * One tenant's load spread over several agents, and put back together (pure). Agent k of N drives the
 * connections i with i mod N = k, each at its global phase, so the agents together send exactly the one-agent
 * schedule; their results merge exactly: counts add, the encoded HDR histograms add bucket for bucket, the
 * per-second series add by second (each agent's seconds count from the same common start). An agent that left
 * no result has its share counted as due but never sent, and the tenant's result is marked incomplete.
 */
import { decodeHistogram, percentileMs } from '../metrics/histogram.ts';
import { buildLoadResult } from './build-result.ts';
import { connectionIndices } from './check-schedule.ts';
import { type EngineTally, mergeTallies } from './tally.ts';
import type { AgentFacts, LoadResult, LoadSchedule } from './types.ts';
import { unsentShareTally } from './unsent-share.ts';

/** Agent `index`'s copy of a tenant's schedule. */
export function agentSchedule(schedule: LoadSchedule, index: number): LoadSchedule {
  const of = schedule.agents ?? 1;
  return { ...schedule, shard: { index, of } };
}

/** A LoadResult read back as the tally it was built from (buildLoadResult's inverse, up to notes). */
function tallyOf(r: LoadResult): EngineTally {
  return {
    intended: r.requests.intended,
    sent: r.requests.sent,
    completed: r.requests.completed,
    warmup: r.requests.warmup,
    outcomes: r.outcomes,
    intendedHist: r.latency.intended,
    actualHist: r.latency.actual,
    errorsHist: r.latency.errors,
    lagHist: r.scheduleLag,
    series: r.series.map((s) => ({
      t: s.t,
      completed: s.completed,
      measured: s.measured ?? (s.warmup ? 0 : s.completed),
      ok: s.ok,
      errors: s.errors,
      histogram: s.histogram,
    })),
    maxLagMs: r.engine.maxLagMs,
    // Already a note in r.engine.notes; counting it again would add the note twice.
    unsentAtEnd: 0,
    generatorLagHist: r.lateness?.generatorLag ?? r.scheduleLag,
    lateBackpressure: r.lateness?.backpressure ?? 0,
    lateGenerator: r.lateness?.generator ?? 0,
    generatorLate: r.lateness?.generatorLate ?? 0,
    generatorUnsent: r.lateness?.generatorUnsent ?? 0,
    workers: r.engine.workers,
    notes: r.engine.notes,
    ...(r.incomplete ? { incomplete: true } : {}),
  };
}

export type AgentOutcome = { index: number; result: LoadResult } | { index: number; failed: string };

function factsOf(schedule: LoadSchedule, o: AgentOutcome, startAt: number): AgentFacts {
  const share = agentSchedule(schedule, o.index);
  const connections = connectionIndices(share).length;
  const rate = schedule.rate === undefined ? undefined : (schedule.rate * connections) / schedule.connections;
  if ('failed' in o)
    return {
      index: o.index,
      connections,
      ...(rate === undefined ? {} : { rate }),
      achievedRps: 0,
      completed: 0,
      errors: 0,
      startedAt: startAt,
      lagP99Ms: 0,
      maxLagMs: 0,
      failed: o.failed,
    };
  const r = o.result;
  return {
    index: o.index,
    connections,
    ...(rate === undefined ? {} : { rate }),
    achievedRps: r.achievedRps,
    completed: r.requests.completed,
    errors: r.requests.completed - r.outcomes.ok,
    startedAt: r.startedAt,
    lagP99Ms: percentileMs(decodeHistogram(r.scheduleLag), 99),
    maxLagMs: r.engine.maxLagMs,
  };
}

/**
 * The tenant's LoadResult from its agents' outcomes (one per agent index, 0..N-1). `startAt` is when the
 * tenant's first request was due (the common start plus its offset), for the share of an agent that failed.
 * Throws when no agent left a result: there is nothing measured to keep.
 */
export function mergeAgentResults(
  schedule: LoadSchedule,
  outcomes: readonly AgentOutcome[],
  startAt: number,
): LoadResult {
  const ok = outcomes.filter((o): o is { index: number; result: LoadResult } => 'result' in o);
  if (ok.length === 0)
    throw new Error(
      `every load agent failed: ${outcomes.map((o) => ('failed' in o ? `agent ${o.index}: ${o.failed}` : '')).join('; ')}`,
    );
  const { shard: _shard, ...tenant } = schedule;
  const tallies = outcomes.map((o) =>
    'result' in o
      ? tallyOf(o.result)
      : unsentShareTally(
          tenant,
          connectionIndices(agentSchedule(tenant, o.index)),
          startAt,
          `load agent ${o.index} failed: ${o.failed}`,
        ),
  );
  const merged = mergeTallies(tallies);
  // A failed agent's share is unsent and marks its tally incomplete, as does an agent cut short.
  const incomplete = merged.incomplete === true;
  const result = buildLoadResult({
    schedule: tenant,
    driver: ok[0].result.driver,
    tally: merged,
    startedAt: Math.min(...ok.map((o) => o.result.startedAt)),
    endedAt: Math.max(...ok.map((o) => o.result.endedAt)),
    incomplete,
  });
  // An incomplete merge's measured window: the agents that ran cover the whole of it unless stopped early.
  if (incomplete && ok.every((o) => !o.result.incomplete)) {
    result.measuredMs = Math.max(...ok.map((o) => o.result.measuredMs));
    result.achievedRps = result.measuredMs > 0 ? (merged.completed * 1000) / result.measuredMs : 0;
  }
  result.agents = [...outcomes].sort((a, b) => a.index - b.index).map((o) => factsOf(tenant, o, startAt));
  // Each agent's first request is due at the common start by its own clock; one that started late shows it
  // as schedule lag (agents[].lagP99Ms / maxLagMs), not as a later startedAt.
  result.engine.notes.push(
    `${outcomes.length} load agents from one common start; ${ok.length < outcomes.length ? `${outcomes.length - ok.length} failed` : 'all reported'}`,
  );
  return result;
}
