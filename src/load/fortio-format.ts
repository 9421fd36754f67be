/**
 * LoadResult → Fortio's JSON result format (fortio `-json`), so Fortio's report UI and istio/tools'
 * plotter can read meshbench runs. Pure. Durations in seconds, like Fortio.
 */
import { decodeHistogram, type Histogram, mergeHistograms } from '../metrics/histogram.ts';
import { recordedValues } from '../metrics/histogram-values.ts';
import type { LoadResult } from './types.ts';

export interface FortioBucket {
  /** Bucket start, seconds. */
  Start: number;
  /** Bucket end, seconds. */
  End: number;
  /** Cumulative percent of all samples up to this bucket's end. */
  Percent: number;
  Count: number;
}

export interface FortioHistogram {
  Count: number;
  Min: number;
  Max: number;
  Sum: number;
  Avg: number;
  StdDev: number;
  Data: FortioBucket[];
  Percentiles?: { Percentile: number; Value: number }[];
}

export interface FortioResult {
  RunType: 'HTTP';
  Labels: string;
  StartTime: string;
  RequestedQPS: string;
  RequestedDuration: string;
  ActualQPS: number;
  /** Nanoseconds, like Go's time.Duration. */
  ActualDuration: number;
  NumThreads: number;
  Version: string;
  DurationHistogram: FortioHistogram;
  ErrorsDurationHistogram: FortioHistogram;
  Exactly: number;
  Jitter: boolean;
  Uniform: boolean;
  NoCatchUp: boolean;
  RunID: number;
  AccessLoggerInfo: string;
  ID: string;
  /** HTTP status → count; -1 counts socket errors (timeouts, resets, refused, other). */
  RetCodes: Record<string, number>;
  IPCountMap: Record<string, number>;
  Sizes: FortioHistogram;
  HeaderSizes: FortioHistogram;
  URL: string;
  SocketCount: number;
  AbortOn: number;
  /** meshbench extension: requests the skip policy dropped (Fortio has no such field). */
  MeshbenchSkipped: number;
  /** meshbench extension: which latency the histograms hold. */
  MeshbenchLatencyFrom: 'intended-start';
}

/** Fortio's default reported percentiles. */
export const FORTIO_PERCENTILES = [50, 75, 90, 99, 99.9];

/**
 * Fortio's bucket boundaries (histogram.go), here in units of 100 µs (like `fortio load -r 0.0001`):
 * fine enough for millisecond latencies, up to 10 s; anything above lands in a last bucket ending at Max.
 */
const BOUNDS_100US = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120,
  140, 160, 180, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 7500,
  10000, 20000, 30000, 40000, 50000, 75000, 100000,
];
const UNIT_US = 100;

function emptyHistogram(): FortioHistogram {
  return { Count: 0, Min: 0, Max: 0, Sum: 0, Avg: 0, StdDev: 0, Data: [] };
}

/** A µs HdrHistogram as Fortio's histogram JSON (seconds), with buckets and percentiles. */
export function buildFortioHistogram(h: Histogram, percentiles = FORTIO_PERCENTILES): FortioHistogram {
  const n = h.totalCount;
  if (n === 0) return { ...emptyHistogram(), Percentiles: [] };
  const s = (us: number) => us / 1e6;
  const min = h.minNonZeroValue;
  const max = h.maxValue;
  const counts = new Map<number, number>();
  for (const { valueUs, count } of recordedValues(h)) {
    const v = Math.min(valueUs, max) / UNIT_US;
    // Index of the first bound > v, i.e. the bucket [bounds[i-1], bounds[i]).
    let i = BOUNDS_100US.findIndex((b) => b > v);
    if (i === -1) i = BOUNDS_100US.length;
    counts.set(i, (counts.get(i) ?? 0) + count);
  }
  const data: FortioBucket[] = [];
  let cumulative = 0;
  for (const i of [...counts.keys()].sort((a, b) => a - b)) {
    const count = counts.get(i) ?? 0;
    cumulative += count;
    const lo = BOUNDS_100US[i - 1] * UNIT_US;
    const hi = i < BOUNDS_100US.length ? BOUNDS_100US[i] * UNIT_US : max;
    data.push({
      Start: s(Math.max(lo, min)),
      End: s(Math.min(hi, max)),
      Percent: (100 * cumulative) / n,
      Count: count,
    });
  }
  return {
    Count: n,
    Min: s(min),
    Max: s(max),
    Sum: s(h.mean * n),
    Avg: s(h.mean),
    StdDev: s(h.stdDeviation),
    Data: data,
    Percentiles: percentiles.map((p) => ({ Percentile: p, Value: s(h.getValueAtPercentile(p)) })),
  };
}

function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Fortio's result for one tenant's LoadResult. DurationHistogram holds every completed request (successes
 * and errors, as Fortio does), measured from the intended start; ErrorsDurationHistogram the errors only.
 */
export function buildFortioResult(result: LoadResult, labels = ''): FortioResult {
  const { schedule, outcomes } = result;
  const ok = decodeHistogram(result.latency.intended);
  const errors = decodeHistogram(result.latency.errors);
  const retCodes: Record<string, number> = {};
  const okByStatus = outcomes.okByStatus;
  if (okByStatus && Object.keys(okByStatus).length > 0) Object.assign(retCodes, okByStatus);
  else if (outcomes.ok > 0) retCodes['200'] = outcomes.ok;
  for (const [code, n] of Object.entries(outcomes.status)) retCodes[code] = (retCodes[code] ?? 0) + n;
  const socketErrors =
    outcomes.timeout +
    outcomes.reset +
    outcomes.refused +
    Object.values(outcomes.other).reduce((a, b) => a + b, 0);
  if (socketErrors > 0) retCodes['-1'] = socketErrors;
  return {
    RunType: 'HTTP',
    Labels: labels,
    StartTime: new Date(result.startedAt).toISOString(),
    RequestedQPS: schedule.model === 'open' && schedule.rate !== undefined ? String(schedule.rate) : 'max',
    RequestedDuration: goDuration(schedule.durationMs),
    ActualQPS: result.achievedRps,
    ActualDuration: Math.round(result.measuredMs * 1e6),
    NumThreads: schedule.connections,
    Version: 'meshbench',
    DurationHistogram: buildFortioHistogram(mergeHistograms([ok, errors])),
    ErrorsDurationHistogram: buildFortioHistogram(errors),
    Exactly: 0,
    Jitter: schedule.jitter > 0,
    Uniform: schedule.model === 'open',
    NoCatchUp: schedule.behindSchedule === 'skip',
    RunID: 0,
    AccessLoggerInfo: '',
    ID: '',
    RetCodes: retCodes,
    IPCountMap: {},
    Sizes: emptyHistogram(),
    HeaderSizes: emptyHistogram(),
    URL: schedule.url,
    SocketCount: schedule.connections,
    AbortOn: 0,
    MeshbenchSkipped: outcomes.skipped,
    MeshbenchLatencyFrom: 'intended-start',
  };
}
