/** CPU and stats series from cumulative samples (pure). */
import type { Sample } from '../platform/types.ts';
import type { CpuSeries, StatsSeries } from '../result/types.ts';

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The samples that cover [from, to]: the last one at or before `from` (the baseline the first
 * interval is measured against), those inside, and the first one at or after `to`. Preparation
 * before the load and the drain after it stay out of the series.
 */
export function sampleWindow(samples: readonly Sample[], from: number, to: number): Sample[] {
  let first = 0;
  for (let i = 0; i < samples.length; i++) if (samples[i].at <= from) first = i;
  let last = samples.length - 1;
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i].at >= to) last = i;
  return samples.slice(first, last + 1);
}

/** Per-component CPU series: cores per interval from differences of cumulative readings. */
export function buildCpuSeries(samples: readonly Sample[], t0: number): CpuSeries[] {
  const out = new Map<string, CpuSeries>();
  const prev = new Map<
    string,
    { at: number; cpu: number; periods?: number; throttled?: number; throttledSec?: number }
  >();
  const first = new Map<string, { periods?: number; throttled?: number }>();
  for (const s of samples) {
    for (const r of s.cpu) {
      let series = out.get(r.component);
      if (!series) {
        series = {
          component: r.component,
          kind: r.kind,
          namespace: r.namespace,
          limitCores: r.limitCores,
          enforcement: r.enforcement,
          points: [],
        };
        out.set(r.component, series);
        first.set(r.component, { periods: r.periods, throttled: r.throttledPeriods });
      }
      const p = prev.get(r.component);
      if (p && s.at > p.at) {
        const dt = (s.at - p.at) / 1000;
        const dPeriods =
          r.periods !== undefined && p.periods !== undefined ? Math.max(0, r.periods - p.periods) : undefined;
        const dThrottled =
          r.throttledPeriods !== undefined && p.throttled !== undefined
            ? Math.max(0, r.throttledPeriods - p.throttled)
            : undefined;
        series.points.push({
          t: round((s.at - t0) / 1000, 3),
          cores: round(Math.max(0, r.cpuSeconds - p.cpu) / dt),
          throttledRatio:
            dPeriods && dThrottled !== undefined
              ? round(Math.min(1, dThrottled / dPeriods))
              : dPeriods === 0
                ? 0
                : undefined,
          throttledSeconds:
            r.throttledSeconds !== undefined && p.throttledSec !== undefined
              ? round(Math.max(0, r.throttledSeconds - p.throttledSec))
              : undefined,
          memoryBytes: r.memoryBytes,
        });
      }
      prev.set(r.component, {
        at: s.at,
        cpu: r.cpuSeconds,
        periods: r.periods,
        throttled: r.throttledPeriods,
        throttledSec: r.throttledSeconds,
      });
      const f = first.get(r.component)!;
      // Cumulative counters summed over replicas can step back (a pod restarts, a replica is missing
      // from one reading): never a negative count.
      if (r.periods !== undefined && f.periods !== undefined)
        series.periods = Math.max(0, r.periods - f.periods);
      if (r.throttledPeriods !== undefined && f.throttled !== undefined)
        series.throttledPeriods = Math.max(0, r.throttledPeriods - f.throttled);
    }
  }
  return [...out.values()];
}

/** Per-component counter increases over the variant and per interval (only counters that moved). */
export function buildStatsSeries(samples: readonly Sample[], t0: number): StatsSeries[] {
  const out = new Map<string, StatsSeries>();
  const firstSeen = new Map<string, Record<string, number>>();
  const prev = new Map<string, Record<string, number>>();
  for (const s of samples) {
    for (const r of s.stats) {
      let series = out.get(r.component);
      if (!series) {
        series = { component: r.component, deltas: {}, points: [] };
        out.set(r.component, series);
        firstSeen.set(r.component, r.counters);
      }
      const p = prev.get(r.component);
      if (p) {
        const moved: Record<string, number> = {};
        for (const [k, v] of Object.entries(r.counters)) {
          const d = v - (p[k] ?? 0);
          if (d !== 0) moved[k] = d;
        }
        if (Object.keys(moved).length > 0)
          series.points.push({ t: round((s.at - t0) / 1000, 3), counters: moved });
      }
      prev.set(r.component, r.counters);
      const f = firstSeen.get(r.component)!;
      series.deltas = Object.fromEntries(Object.entries(r.counters).map(([k, v]) => [k, v - (f[k] ?? 0)]));
    }
  }
  return [...out.values()];
}
