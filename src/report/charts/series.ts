/** Per-second series for charts, merged across repeats by second (pure). */
import { mergeEncoded, percentileMs } from '../../metrics/histogram.ts';
import type { RunResult } from '../../result/types.ts';
import { drainWithPauses } from '../drain.ts';

export interface SecondPoint {
  /** Seconds since the variant's load started (tenant offset added). */
  t: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errorRate: number | null;
  warmup: boolean;
}

/**
 * Most points a chart line gets: a long run's seconds are merged into buckets of whole seconds (histograms
 * merged exactly, so a bucket's p99 is the p99 of its requests, not an average of p99s). A 36 h run has
 * 130k seconds per line; drawn one by one they took minutes and showed nothing a 1000-point line does not.
 */
export const MAX_CHART_POINTS = 1000;

/** Bucket width in whole seconds for a line of `span` seconds. */
export function bucketSeconds(span: number): number {
  return Math.max(1, Math.ceil(span / MAX_CHART_POINTS));
}

/**
 * One tenant's seconds in one variant, repeats merged exactly (histograms) and summed (counts), in buckets
 * of bucketSeconds(). A generator that yields between buckets, so a caller can stay responsive (signals)
 * while a long run is merged; tenantSeconds drains it at once.
 */
export function* tenantSecondsSteps(
  result: RunResult,
  variant: string,
  tenant: string,
): Generator<void, SecondPoint[]> {
  const loads = result.variants
    .filter((v) => v.name === variant)
    .flatMap((v) => v.tenants.filter((t) => t.tenant === tenant).map((t) => t.load));
  let last = 0;
  for (const load of loads) for (const s of load.series) last = Math.max(last, s.t);
  const width = bucketSeconds(last + 1);
  const byBucket = new Map<
    number,
    { hists: string[]; ok: number; errors: number; warmup: boolean; offset: number }
  >();
  for (const load of loads) {
    for (const s of load.series) {
      const b = Math.floor(s.t / width);
      const e = byBucket.get(b) ?? {
        hists: [],
        ok: 0,
        errors: 0,
        warmup: true,
        offset: load.schedule.startOffsetMs / 1000,
      };
      e.hists.push(s.histogram);
      e.ok += s.ok;
      e.errors += s.errors;
      // A bucket is warm-up only if all of it is.
      e.warmup &&= s.warmup;
      byBucket.set(b, e);
    }
  }
  const points: SecondPoint[] = [];
  for (const [b, e] of [...byBucket.entries()].sort(([x], [y]) => x - y)) {
    // Two percentiles only: the full statistics (mean, stddev) walk every bucket, ~5 ms a second of series.
    const h = mergeEncoded(e.hists);
    const total = e.ok + e.errors;
    points.push({
      t: b * width + e.offset + width / 2,
      p50Ms: h.totalCount ? percentileMs(h, 50) : null,
      p99Ms: h.totalCount ? percentileMs(h, 99) : null,
      errorRate: total ? e.errors / total : null,
      warmup: e.warmup,
    });
    yield;
  }
  return points;
}

/** tenantSecondsSteps, drained at once. */
export function tenantSeconds(result: RunResult, variant: string, tenant: string): SecondPoint[] {
  const steps = tenantSecondsSteps(result, variant, tenant);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Every variant × tenant line, merged with a pause for the event loop every few buckets (signals stay live). */
export async function collectTenantSeconds(
  result: RunResult,
  lines: ReadonlyArray<{ variant: string; tenant: string }>,
): Promise<Map<string, SecondPoint[]>> {
  const out = new Map<string, SecondPoint[]>();
  for (const { variant, tenant } of lines)
    out.set(
      secondsKey(variant, tenant),
      await drainWithPauses(tenantSecondsSteps(result, variant, tenant), 64),
    );
  return out;
}

export const secondsKey = (variant: string, tenant: string) => JSON.stringify([variant, tenant]);

/** A waypoint's cores per second in one variant, averaged across repeats by second (and over a bucket's seconds). */
export function waypointSeconds(
  result: RunResult,
  variant: string,
  component: string,
): Array<{ t: number; cores: number }> {
  const series = result.variants
    .filter((x) => x.name === variant)
    .flatMap((v) => v.cpu.filter((x) => x.component === component));
  let last = 0;
  for (const c of series) for (const p of c.points) last = Math.max(last, Math.round(p.t));
  const width = bucketSeconds(last + 1);
  const byT = new Map<number, { sum: number; n: number }>();
  for (const c of series) {
    for (const p of c.points) {
      // Repeats sample at different instants: pool them by whole second (or bucket of seconds).
      const b = Math.floor(Math.round(p.t) / width);
      const e = byT.get(b) ?? { sum: 0, n: 0 };
      e.sum += p.cores;
      e.n++;
      byT.set(b, e);
    }
  }
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([b, e]) => ({ t: width === 1 ? b : b * width + width / 2, cores: e.sum / e.n }));
}

/** Percentile spectrum points: x = 1/(1−q) (the HdrHistogram log axis), y = latency in ms. */
export function spectrum(encoded: string): Array<{ x: number; y: number }> {
  const h = mergeEncoded([encoded]);
  const n = h.totalCount;
  if (n === 0) return [];
  const points: Array<{ x: number; y: number }> = [];
  for (let k = 0; k <= 60; k++) {
    const q = 1 - 10 ** (-k / 12);
    // Beyond 1 − 1/n the histogram has no more resolution; the max closes the line.
    if (q > 1 - 1 / n) break;
    points.push({ x: 1 / (1 - q), y: h.getValueAtPercentile(q * 100) / 1000 });
  }
  points.push({ x: Math.max(n, points.at(-1)?.x ?? 1), y: h.maxValue / 1000 });
  return points;
}
