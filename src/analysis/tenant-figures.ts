/**
 * One tenant's figures from its load results (pure): counts, latency, errors, rate, lag and validity, for
 * one repeat or merged over several (histograms exactly, counts summed).
 */
import { errorClasses } from '../load/summarize-load.ts';
import type { Lateness, LoadResult } from '../load/types.ts';
import { type EncodedHistogram, latencyStats, mergeEncoded } from '../metrics/histogram.ts';
import { evaluateValidity, mergeValidity } from './validity.ts';
import type {
  ErrorSummary,
  GeneratorLagSummary,
  LagSummary,
  RequestCounts,
  TenantFigures,
} from './summary-types.ts';

export function summarizeErrors(load: LoadResult): ErrorSummary {
  const byClass = errorClasses(load.outcomes);
  const count = Object.values(byClass).reduce((a, b) => a + b, 0);
  const total = load.outcomes.ok + count;
  return { count, rate: total === 0 ? 0 : count / total, byClass };
}

export function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)));
}

function lagOf(encoded: readonly EncodedHistogram[]): LagSummary {
  const s = latencyStats(mergeEncoded(encoded));
  return { avgMs: s.avgMs, p99Ms: s.p99Ms, maxMs: s.maxMs };
}

/** The loads that split their lateness by cause (the paced engine's), with what the figures need. */
function measuredLateness(loads: readonly LoadResult[]): Array<{ lateness: Lateness; sent: number }> {
  return loads.flatMap((l) => (l.lateness ? [{ lateness: l.lateness, sent: l.requests.sent }] : []));
}

/** The generator's lag over loads that measured it; undefined when none did. */
function generatorLagOf(loads: readonly LoadResult[]): GeneratorLagSummary | undefined {
  const measured = measuredLateness(loads);
  if (measured.length === 0) return undefined;
  const s = latencyStats(mergeEncoded(measured.map((m) => m.lateness.generatorLag)));
  let late = 0;
  let requests = 0;
  for (const m of measured) {
    late += m.lateness.generatorLate;
    requests += m.sent + (m.lateness.generatorUnsent ?? 0);
  }
  return { p99Ms: s.p99Ms, maxMs: s.maxMs, lateShare: requests > 0 ? late / requests : 0, late, requests };
}

/** Late or never-sent requests by cause, summed over the loads that split them. */
function lateOf(loads: readonly LoadResult[]): TenantFigures['late'] {
  const measured = measuredLateness(loads);
  if (measured.length === 0) return undefined;
  return {
    backpressure: measured.reduce((a, m) => a + m.lateness.backpressure, 0),
    generator: measured.reduce((a, m) => a + m.lateness.generator, 0),
  };
}

/** Failures of the generator's own machine, not the target's: out of file descriptors. */
const HARNESS_ERROR_CODES = ['EMFILE', 'ENFILE'];

function harnessErrorsOf(load: LoadResult): Record<string, number> {
  const other = load.outcomes.other ?? {};
  return Object.fromEntries(HARNESS_ERROR_CODES.flatMap((c) => (other[c] ? [[c, other[c]]] : [])));
}

/** generatorLag, late and validity of loads, the optional figures left out when not measured. */
function latenessFigures(
  loads: readonly LoadResult[],
  repeats?: readonly number[],
): Pick<TenantFigures, 'generatorLag' | 'late' | 'validity'> {
  const generatorLag = generatorLagOf(loads);
  const late = lateOf(loads);
  const validity = mergeValidity(
    loads.map((l, i) => ({
      repeat: repeats?.[i],
      validity: evaluateValidity(generatorLagOf([l]), {
        completed: l.requests.completed,
        incomplete: l.incomplete,
        harnessErrors: harnessErrorsOf(l),
      }),
    })),
  );
  return { ...(generatorLag ? { generatorLag } : {}), ...(late ? { late } : {}), validity };
}

function requestsOf(load: LoadResult, errors: ErrorSummary): RequestCounts {
  return {
    intended: load.requests.intended,
    sent: load.requests.sent,
    completed: load.requests.completed,
    ok: load.outcomes.ok,
    errors: errors.count,
    skipped: load.outcomes.skipped,
    warmup: load.requests.warmup,
  };
}

function targetRate(load: LoadResult): number | undefined {
  return load.schedule.model === 'open' ? load.schedule.rate : undefined;
}

export function summarizeLoad(load: LoadResult): TenantFigures {
  const errors = summarizeErrors(load);
  const target = targetRate(load);
  return {
    requests: requestsOf(load, errors),
    latency: latencyStats(mergeEncoded([load.latency.intended])),
    latencyActual: latencyStats(mergeEncoded([load.latency.actual])),
    errors,
    rps: {
      achieved: load.achievedRps,
      target,
      ratio: target ? load.achievedRps / target : undefined,
    },
    scheduleLag: lagOf([load.scheduleLag]),
    ...latenessFigures([load]),
  };
}

/**
 * Merges loads of several repeats: histograms exactly, counts summed, the rate averaged; valid only if every
 * repeat is (`repeats`, the loads' repeat indices, label the reasons).
 */
export function mergeLoads(loads: readonly LoadResult[], repeats?: readonly number[]): TenantFigures {
  const byClass: Record<string, number> = {};
  const requests: RequestCounts = {
    intended: 0,
    sent: 0,
    completed: 0,
    ok: 0,
    errors: 0,
    skipped: 0,
    warmup: 0,
  };
  for (const load of loads) {
    const e = summarizeErrors(load);
    for (const [k, n] of Object.entries(e.byClass)) byClass[k] = (byClass[k] ?? 0) + n;
    const r = requestsOf(load, e);
    for (const k of Object.keys(requests) as Array<keyof RequestCounts>) requests[k] += r[k];
  }
  const total = requests.ok + requests.errors;
  const achieved = loads.length ? loads.reduce((a, l) => a + l.achievedRps, 0) / loads.length : 0;
  const target = loads.length ? targetRate(loads[0]) : undefined;
  return {
    requests,
    latency: latencyStats(mergeEncoded(loads.map((l) => l.latency.intended))),
    latencyActual: latencyStats(mergeEncoded(loads.map((l) => l.latency.actual))),
    errors: {
      count: requests.errors,
      rate: total === 0 ? 0 : requests.errors / total,
      byClass: sortKeys(byClass),
    },
    rps: { achieved, target, ratio: target ? achieved / target : undefined },
    scheduleLag: lagOf(loads.map((l) => l.scheduleLag)),
    ...latenessFigures(loads, repeats),
  };
}
