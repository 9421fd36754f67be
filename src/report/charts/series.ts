/** Per-second series for charts, merged across repeats by second (pure). */
import { latencyStats, mergeEncoded } from '../../metrics/histogram.ts';
import type { RunResult } from '../../run/result.ts';

export interface SecondPoint {
  /** Seconds since the variant's load started (tenant offset added). */
  t: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errorRate: number | null;
  warmup: boolean;
}

/** One tenant's seconds in one variant; repeats merged exactly (histograms) and summed (counts). */
export function tenantSeconds(result: RunResult, variant: string, tenant: string): SecondPoint[] {
  const loads = result.variants
    .filter((v) => v.name === variant)
    .flatMap((v) => v.tenants.filter((t) => t.tenant === tenant).map((t) => t.load));
  const byT = new Map<
    number,
    { hists: string[]; ok: number; errors: number; warmup: boolean; offset: number }
  >();
  for (const load of loads) {
    for (const s of load.series) {
      const e = byT.get(s.t) ?? {
        hists: [],
        ok: 0,
        errors: 0,
        warmup: s.warmup,
        offset: load.schedule.startOffsetMs / 1000,
      };
      e.hists.push(s.histogram);
      e.ok += s.ok;
      e.errors += s.errors;
      byT.set(s.t, e);
    }
  }
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, e]) => {
      const stats = latencyStats(mergeEncoded(e.hists));
      const total = e.ok + e.errors;
      return {
        t: t + e.offset + 0.5,
        p50Ms: stats.count ? stats.p50Ms : null,
        p99Ms: stats.count ? stats.p99Ms : null,
        errorRate: total ? e.errors / total : null,
        warmup: e.warmup,
      };
    });
}

/** A waypoint's cores per second in one variant, averaged across repeats by second. */
export function waypointSeconds(
  result: RunResult,
  variant: string,
  component: string,
): Array<{ t: number; cores: number }> {
  const byT = new Map<number, number[]>();
  for (const v of result.variants.filter((x) => x.name === variant)) {
    for (const c of v.cpu.filter((x) => x.component === component)) {
      for (const p of c.points) {
        // Repeats sample at different instants: pool them by whole second.
        const t = Math.round(p.t);
        byT.set(t, [...(byT.get(t) ?? []), p.cores]);
      }
    }
  }
  return [...byT.entries()]
    .sort(([a], [b]) => a - b)
    .map(([t, xs]) => ({ t, cores: xs.reduce((a, b) => a + b, 0) / xs.length }));
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
