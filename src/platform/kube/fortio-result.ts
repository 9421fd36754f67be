/**
 * Fortio's JSON result (`fortio load -json -`) → LoadResult (pure), so Fortio Jobs report like our engine.
 *
 * What is lost: Fortio measures from the actual send (no coordinated-omission correction), so
 * `latency.intended` is the same histogram as `latency.actual`; its histogram has fixed buckets, so each
 * bucket's count is spread evenly over the bucket (resolution = bucket width); there is no per-second
 * series, no schedule lag and no warm-up exclusion; socket errors (-1) are not split into timeout / reset /
 * refused.
 */
import type { FortioHistogram, FortioResult } from '../../load/fortio-format.ts';
import { emptyOutcomes } from '../../load/tally.ts';
import type { LoadResult, LoadSchedule, OutcomeCounts } from '../../load/types.ts';
import { createHistogram, encodeHistogram, type Histogram } from '../../metrics/histogram.ts';

/** Points per bucket the count is spread over (bounded so a huge count stays cheap). */
const POINTS_PER_BUCKET = 16;

/** Rebuilds an HdrHistogram (µs) from Fortio's buckets (seconds). */
export function histogramFromFortio(h: FortioHistogram | undefined): Histogram {
  const out = createHistogram();
  for (const b of h?.Data ?? []) {
    if (!(b.Count > 0)) continue;
    const lo = Math.max(1, b.Start * 1e6);
    const hi = Math.max(lo, b.End * 1e6);
    const points = Math.min(POINTS_PER_BUCKET, b.Count);
    const base = Math.floor(b.Count / points);
    let rest = b.Count - base * points;
    for (let i = 0; i < points; i++) {
      const n = base + (rest-- > 0 ? 1 : 0);
      const v = points === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * (i + 0.5)) / points;
      out.recordValueWithCount(Math.max(1, Math.round(v)), n);
    }
  }
  return out;
}

/** Fortio's RetCodes (status → count, -1 = socket error) as our outcome classes. */
export function outcomesFromFortio(retCodes: Record<string, number> | undefined): OutcomeCounts {
  const o = emptyOutcomes();
  for (const [code, n] of Object.entries(retCodes ?? {})) {
    const c = Number(code);
    if (c === -1) o.other.socket = (o.other.socket ?? 0) + n;
    else if (c >= 200 && c < 300) {
      o.ok += n;
      o.okByStatus![code] = (o.okByStatus![code] ?? 0) + n;
    } else o.status[code] = (o.status[code] ?? 0) + n;
  }
  return o;
}

/** Finds Fortio's JSON object in a pod log that also holds its log lines (stderr and stdout interleave). */
export function extractFortioJson(log: string): FortioResult | undefined {
  const lines = log.split('\n');
  const start = lines.indexOf('{');
  let end = -1;
  for (let i = lines.length - 1; i > start; i--)
    if (lines[i] === '}') {
      end = i;
      break;
    }
  if (start < 0 || end < 0) return undefined;
  try {
    return JSON.parse(lines.slice(start, end + 1).join('\n')) as FortioResult;
  } catch {
    return undefined;
  }
}

export function buildLoadResultFromFortio(input: {
  fortio: FortioResult;
  schedule: LoadSchedule;
  /** Epoch ms the run was due to start (coordinated start + offset). */
  startedAt: number;
}): LoadResult {
  const f = input.fortio;
  const durationMs = Math.round((f.ActualDuration ?? 0) / 1e6);
  const started = f.StartTime ? Date.parse(f.StartTime) : Number.NaN;
  const startedAt = Number.isFinite(started) ? started : input.startedAt;
  // DurationHistogram holds every request; successes are the whole minus the errors' buckets.
  const success = histogramFromFortio(f.DurationHistogram);
  const completed = f.DurationHistogram?.Count ?? success.totalCount;
  const errors = histogramFromFortio(f.ErrorsDurationHistogram);
  if (errors.totalCount > 0 && errors.totalCount <= success.totalCount) success.subtract(errors);
  const encodedSuccess = encodeHistogram(success);
  const outcomes = outcomesFromFortio(f.RetCodes);
  return {
    schedule: input.schedule,
    driver: 'fortio',
    startedAt,
    endedAt: startedAt + durationMs,
    measuredMs: durationMs,
    requests: {
      intended: input.schedule.rate ? Math.round((input.schedule.rate * durationMs) / 1000) : completed,
      sent: completed,
      completed,
      warmup: 0,
    },
    outcomes,
    achievedRps: f.ActualQPS ?? (durationMs > 0 ? (completed * 1000) / durationMs : 0),
    latency: { intended: encodedSuccess, actual: encodedSuccess, errors: encodeHistogram(errors) },
    scheduleLag: encodeHistogram(createHistogram()),
    series: [],
    engine: {
      workers: f.NumThreads ?? input.schedule.connections,
      maxLagMs: 0,
      notes: [
        `fortio ${f.Version ?? '?'}: latency from the actual send (no coordinated-omission correction); intended = actual`,
        'fortio histogram buckets spread evenly inside each bucket; no per-second series, schedule lag or warm-up exclusion',
      ],
    },
  };
}
