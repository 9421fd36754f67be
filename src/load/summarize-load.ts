/** LoadResult → the figures a person reads (CLI table, progress, run summaries). Pure. */
import { decodeHistogram, type LatencyStats, latencyStats, percentileMs } from '../metrics/histogram.ts';
import type { Lateness, LoadResult } from './types.ts';

export interface LoadSummary {
  requests: LoadResult['requests'];
  achievedRps: number;
  /** The schedule's rate (open model), or undefined (closed model). */
  targetRps?: number;
  /** Errors / completed requests (0..1). Skipped requests are not in it (see `skipped`). */
  errorRate: number;
  errors: number;
  skipped: number;
  /** Sent, then cut off unanswered because the run was stopped (not in `errors`). */
  aborted: number;
  /** Successes from the intended start: the honest figure. */
  latency: LatencyStats;
  /** Successes from the actual start (hides stalls; for comparison). */
  latencyActual: LatencyStats;
  /** Error responses and socket errors from the intended start. */
  latencyErrors: LatencyStats;
  /** Count per error class: HTTP status codes ("503"), "timeout", "reset", "refused", "other:CODE". */
  errorsByClass: Record<string, number>;
  scheduleLagP50Ms: number;
  scheduleLagP99Ms: number;
  maxLagMs: number;
  /** Late or never-sent requests by cause and the generator's own lag (paced engine only). */
  lateness?: {
    lateMs: number;
    backpressure: number;
    generator: number;
    generatorLagP99Ms: number;
    generatorLagMaxMs: number;
    generatorLate: number;
  };
  workers: number;
  incomplete: boolean;
  notes: string[];
}

/**
 * Errors by class, the one key scheme of every summary, report and threshold: 'http_503', 'timeout',
 * 'reset', 'refused', 'other_ECONNABORTED' (classes with no error left out), sorted by key.
 */
export function errorClasses(outcomes: LoadResult['outcomes']): Record<string, number> {
  const byClass: Record<string, number> = {};
  const add = (k: string, n: number) => {
    if (n > 0) byClass[k] = (byClass[k] ?? 0) + n;
  };
  for (const [code, n] of Object.entries(outcomes.status)) add(`http_${code}`, n);
  add('timeout', outcomes.timeout);
  add('reset', outcomes.reset);
  add('refused', outcomes.refused);
  for (const [code, n] of Object.entries(outcomes.other)) add(`other_${code}`, n);
  return Object.fromEntries(Object.entries(byClass).sort(([a], [b]) => a.localeCompare(b)));
}

function latenessOf(l: Lateness): NonNullable<LoadSummary['lateness']> {
  const lag = latencyStats(decodeHistogram(l.generatorLag));
  return {
    lateMs: l.lateMs,
    backpressure: l.backpressure,
    generator: l.generator,
    generatorLagP99Ms: lag.p99Ms,
    generatorLagMaxMs: lag.maxMs,
    generatorLate: l.generatorLate,
  };
}

export function summarizeLoad(result: LoadResult): LoadSummary {
  const errorsByClass = errorClasses(result.outcomes);
  const errors = Object.values(errorsByClass).reduce((a, b) => a + b, 0);
  const lag = decodeHistogram(result.scheduleLag);
  const completed = result.requests.completed;
  return {
    requests: result.requests,
    achievedRps: result.achievedRps,
    targetRps: result.schedule.model === 'open' ? result.schedule.rate : undefined,
    errorRate: completed > 0 ? errors / completed : 0,
    errors,
    skipped: result.outcomes.skipped,
    aborted: result.outcomes.aborted ?? 0,
    latency: latencyStats(decodeHistogram(result.latency.intended)),
    latencyActual: latencyStats(decodeHistogram(result.latency.actual)),
    latencyErrors: latencyStats(decodeHistogram(result.latency.errors)),
    errorsByClass,
    scheduleLagP50Ms: percentileMs(lag, 50),
    scheduleLagP99Ms: percentileMs(lag, 99),
    maxLagMs: result.engine.maxLagMs,
    ...(result.lateness ? { lateness: latenessOf(result.lateness) } : {}),
    workers: result.engine.workers,
    incomplete: result.incomplete ?? false,
    notes: result.engine.notes,
  };
}
