/**
 * Findings from a waypoint's recorded CPU and Envoy counters: which limit it reached and when, or how far
 * below its CPU limit it stayed (pure). Times are seconds since the tenants' common start.
 */
import type { CpuSeries, StatsSeries, VariantResult } from '../result/types.ts';
import type { Finding } from './finding.ts';
import {
  fmtCoresWords,
  fmtCount,
  fmtShare,
  fmtT,
  listWords,
  waypointName,
  waypointWords,
} from './explain-words.ts';
import { OVERFLOW_COUNTERS } from './summarize.ts';
import type { VariantSummary } from './summary-types.ts';

/** A second counts as "at the limit" from this share of the CPU limit on … */
export const CPU_LIMIT_SHARE = 0.95;
/** … or when at least this share of its CFS periods was throttled. */
export const THROTTLED_AT_LIMIT = 0.5;
/** Consecutive samples at the limit before it counts as reached (one busy second is no limit). */
export const SUSTAINED_SAMPLES = 2;

/** Seconds (since the common start) at which the first tenant's measured window opens. */
export function measuredFromSeconds(v: Pick<VariantResult, 'tenants'>): number {
  const starts = v.tenants.map((t) => (t.load.schedule.startOffsetMs + t.load.schedule.warmupMs) / 1000);
  return starts.length ? Math.min(...starts) : 0;
}

export interface CpuLimitHit {
  /** First sample of the first sustained stretch at the limit that reaches into the measured window. */
  t: number;
  limitCores?: number;
  /** The limit is the local model's (Envoy's CPU charged per request), not the process's own. */
  modelled?: boolean;
  /** Share of CFS periods throttled: from `t` on (per-second ratios) or over the whole variant (totals). */
  throttled?: { share: number; over: 'since' | 'variant' };
}

/** Rule cpu-limit over one waypoint's CPU series; undefined when it never stayed at its limit. */
export function cpuLimitOf(series: CpuSeries, measuredFromS = 0): CpuLimitHit | undefined {
  const limit = series.limitCores !== undefined && series.limitCores > 0 ? series.limitCores : undefined;
  const atLimit = (p: CpuSeries['points'][number]) =>
    (limit !== undefined && p.cores >= CPU_LIMIT_SHARE * limit) ||
    (p.throttledRatio ?? 0) >= THROTTLED_AT_LIMIT;
  const points = [...series.points].sort((a, b) => a.t - b.t);
  for (let i = 0; i < points.length; ) {
    if (!atLimit(points[i])) {
      i++;
      continue;
    }
    let end = i;
    while (end + 1 < points.length && atLimit(points[end + 1])) end++;
    // A point's t is the end of its second: a stretch ending after the warm-up overlaps the measured window.
    if (end - i + 1 >= SUSTAINED_SAMPLES && points[end].t > measuredFromS) {
      const ratios = points
        .slice(i)
        .flatMap((p) => (p.throttledRatio === undefined ? [] : [p.throttledRatio]));
      const throttled = ratios.length
        ? { share: ratios.reduce((a, b) => a + b, 0) / ratios.length, over: 'since' as const }
        : series.periods
          ? { share: (series.throttledPeriods ?? 0) / series.periods, over: 'variant' as const }
          : undefined;
      return {
        t: points[i].t,
        limitCores: limit,
        throttled,
        ...(series.enforcement === 'modelled' ? { modelled: true } : {}),
      };
    }
    i = end + 1;
  }
  return undefined;
}

type OverflowCounterName = (typeof OVERFLOW_COUNTERS)[number];

/**
 * Reads an overflow counter's name in the forms the platforms record: 'upstream_cx_overflow' (total),
 * 'cluster.main_internal.upstream_cx_overflow' (local), 'main_internal.upstream_cx_overflow' (Kubernetes)
 * and 'envoy_cluster_upstream_cx_overflow{cluster_name="main_internal"}' (Prometheus). Undefined for others.
 */
export function parseOverflowCounter(
  name: string,
): { counter: OverflowCounterName; cluster?: string } | undefined {
  const alternatives = OVERFLOW_COUNTERS.join('|');
  const prom = new RegExp(`^(?:envoy_cluster_)?(${alternatives})(?:\\{(.*)\\})?$`).exec(name);
  if (prom) {
    const cluster = /(?:^|,)\s*(?:envoy_)?cluster_name="([^"]*)"/.exec(prom[2] ?? '')?.[1];
    return { counter: prom[1] as OverflowCounterName, ...(cluster ? { cluster } : {}) };
  }
  const dotted = new RegExp(`^(?:cluster\\.)?(.+)\\.(${alternatives})$`).exec(name);
  return dotted ? { counter: dotted[2] as OverflowCounterName, cluster: dotted[1] } : undefined;
}

export interface ConnectionLimitHit {
  /** First second an overflow counter increased; undefined when only the variant's totals show overflows. */
  t?: number;
  /** The cluster that overflowed most at `t`, when the counters name clusters. */
  cluster?: string;
  /** Overflows over the variant. */
  overflows: number;
}

/** Overflow increases in one set of counters: the total and the largest per-cluster one. */
function overflowIn(counters: Record<string, number>): { total: number; cluster?: string } {
  let bare = 0;
  let perCluster = 0;
  let top: { cluster: string; n: number } | undefined;
  for (const [name, n] of Object.entries(counters)) {
    const c = parseOverflowCounter(name);
    if (!c || !(n > 0)) continue;
    if (c.cluster === undefined) bare += n;
    else {
      perCluster += n;
      if (!top || n > top.n || (n === top.n && c.cluster < top.cluster)) top = { cluster: c.cluster, n };
    }
  }
  // Totals and per-cluster copies describe the same overflows: count them once.
  return { total: bare > 0 ? bare : perCluster, cluster: top?.cluster };
}

/** Rule connection-limit over one waypoint's counters; undefined when nothing overflowed after the warm-up. */
export function connectionLimitOf(stats: StatsSeries, measuredFromS = 0): ConnectionLimitHit | undefined {
  const overall = overflowIn(stats.deltas);
  const moved = [...stats.points]
    .sort((a, b) => a.t - b.t)
    .map((p) => ({ t: p.t, ...overflowIn(p.counters) }))
    .filter((p) => p.total > 0);
  if (moved.length === 0)
    return overall.total > 0 ? { cluster: overall.cluster, overflows: overall.total } : undefined;
  if (!moved.some((p) => p.t > measuredFromS)) return undefined;
  return {
    t: moved[0].t,
    cluster: moved[0].cluster ?? overall.cluster,
    overflows: Math.max(
      overall.total,
      moved.reduce((a, p) => a + p.total, 0),
    ),
  };
}

function cpuPhrase(hit: CpuLimitHit): string {
  const limit = hit.limitCores === undefined ? '' : ` (${fmtCoresWords(hit.limitCores)} cores)`;
  const throttled = !hit.throttled
    ? ''
    : hit.throttled.over === 'since'
      ? ` (throttled in ${fmtShare(hit.throttled.share)} of periods from then on)`
      : ` (throttled in ${fmtShare(hit.throttled.share)} of all its periods)`;
  return `its ${hit.modelled ? 'modelled ' : ''}CPU limit${limit} at t=${fmtT(hit.t)} s${throttled}`;
}

function connectionPhrase(hit: ConnectionLimitHit): string {
  const limit =
    hit.cluster === undefined
      ? 'its connection limit'
      : hit.cluster === 'main_internal'
        ? `its internal connection limit (${hit.cluster})`
        : `its upstream connection limit (${hit.cluster})`;
  return hit.t === undefined
    ? `${limit} (${fmtCount(hit.overflows)} overflows over the variant)`
    : `${limit} at t=${fmtT(hit.t)} s`;
}

/**
 * Rules cpu-limit and connection-limit for one repeat of a variant: one finding per waypoint, one sentence
 * ('cpu-and-connection-limit') when it reached both.
 */
export function explainLimits(v: VariantResult, repeat?: number): Finding[] {
  const from = measuredFromSeconds(v);
  const names: string[] = [];
  for (const c of [...v.cpu.filter((x) => x.kind === 'waypoint'), ...v.stats]) {
    const name = waypointName(c.component);
    if (!names.includes(name)) names.push(name);
  }
  return names.flatMap((name): Finding[] => {
    const cpu = v.cpu
      .filter((c) => c.kind === 'waypoint' && waypointName(c.component) === name)
      .map((c) => cpuLimitOf(c, from))
      .find((hit) => hit !== undefined);
    const cx = v.stats
      .filter((s) => waypointName(s.component) === name)
      .map((s) => connectionLimitOf(s, from))
      .find((hit) => hit !== undefined);
    if (!cpu && !cx) return [];
    const who = `${waypointWords(v.kind)} ${name} reached`;
    const [rule, text] =
      cpu && cx
        ? ['cpu-and-connection-limit', `${who} ${cpuPhrase(cpu)} and ${connectionPhrase(cx)}`]
        : cpu
          ? ['cpu-limit', `${who} ${cpuPhrase(cpu)}`]
          : ['connection-limit', `${who} ${connectionPhrase(cx!)}`];
    return [{ variant: v.name, ...(repeat === undefined ? {} : { repeat }), rule, severity: 'limit', text }];
  });
}

/** Rule cpu-headroom: when no waypoint of the variant reached its CPU limit, how close each came. */
export function explainCpuHeadroom(summary: VariantSummary, runs: readonly VariantResult[]): Finding[] {
  const limited = runs.some((run) =>
    run.cpu.some((c) => c.kind === 'waypoint' && cpuLimitOf(c, measuredFromSeconds(run)) !== undefined),
  );
  const sampled = summary.waypoints.filter((w) => w.coresPoints.length > 0);
  if (limited || sampled.length === 0) return [];
  const anyLimit = sampled.some((w) => w.limitCores !== undefined);
  const items = sampled.map((w) => {
    const name = waypointName(w.component);
    if (w.limitCores === undefined)
      return `${name} at most ${fmtCoresWords(w.merged.maxCores)} cores${anyLimit ? ' (no CPU limit set)' : ''}`;
    const throttled =
      w.merged.throttledRatio === undefined
        ? ''
        : ` (throttled in ${fmtShare(w.merged.throttledRatio)} of periods)`;
    return `${name} at most ${fmtCoresWords(w.merged.maxCores)} of ${fmtCoresWords(w.limitCores)} cores${throttled}`;
  });
  const head = anyLimit
    ? `stayed below ${sampled.length === 1 ? 'its' : 'their'} CPU limit`
    : `had no CPU limit`;
  return [
    {
      variant: summary.name,
      rule: 'cpu-headroom',
      severity: 'info',
      text: `${waypointWords(summary.kind, sampled.length)} ${head}: ${listWords(items)}`,
    },
  ];
}
