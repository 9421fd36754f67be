/**
 * A suite's runs over time (pure): one series per metric × variant × tenant, each point a run (its repeats
 * the within-run samples), change points found in each (change-points.ts), and the gate's verdict. The
 * figures are the ones every report shows (summarizeRun), so a history never disagrees with a run's report.
 */
import {
  CHANGE_POINT_DEFAULTS,
  type ChangePoint,
  type ChangePointOptions,
  findChangePoints,
} from './change-points.ts';
import type { RunSummary, TenantSummary, VariantSummary } from './summary-types.ts';

export interface HistoryRun {
  id: string;
  /** ISO time the run started. */
  startedAt: string;
  git?: string;
  platform: string;
  summary: RunSummary;
}

/** Metrics a history follows, with the direction that is worse. */
export const HISTORY_METRICS = {
  'latency.avg': { label: 'average latency (ms, intended start)', worse: 'up' },
  'latency.p50': { label: 'p50 latency (ms, intended start)', worse: 'up' },
  'latency.p90': { label: 'p90 latency (ms, intended start)', worse: 'up' },
  'latency.p99': { label: 'p99 latency (ms, intended start)', worse: 'up' },
  'latency.p999': { label: 'p99.9 latency (ms, intended start)', worse: 'up' },
  'errors.rate': { label: 'error rate', worse: 'up' },
  rps: { label: 'achieved rate (req/s)', worse: 'down' },
  'waypoint_cpu.avg': { label: 'waypoint CPU (cores)', worse: 'up' },
  isolation: { label: 'isolation score (p99 after ÷ before)', worse: 'up' },
  capacity: { label: 'breaking point (req/s per tenant)', worse: 'down' },
} as const;
export type HistoryMetric = keyof typeof HISTORY_METRICS;

/**
 * Changes smaller than this in absolute terms are not reported, whatever their relative size: an error rate
 * from 0 to 0.01% is infinitely larger, and nothing.
 */
const MIN_ABSOLUTE: Partial<Record<HistoryMetric, number>> = { 'errors.rate': 0.005 };

export interface HistoryPoint {
  /** Index into HistoryReport.runs. */
  run: number;
  /** The run's figure (repeats merged as in its report). */
  value: number;
  /** One per repeat (the within-run noise), or the value alone. */
  samples: number[];
}

export interface HistoryChange extends ChangePoint {
  /** The first run after the change, and the last before it. */
  runId: string;
  previousRunId: string;
  regression: boolean;
}

export interface HistorySeries {
  metric: HistoryMetric;
  variant: string;
  /** Absent for variant-level metrics (isolation, capacity). */
  tenant?: string;
  points: HistoryPoint[];
  changes: HistoryChange[];
}

export interface HistoryReport {
  suite: string;
  runs: Array<Omit<HistoryRun, 'summary'>>;
  series: HistorySeries[];
  options: ChangePointOptions;
  /** The gate: series whose latest change is a regression the newest run still shows. */
  regressions: Array<{ series: HistorySeries; change: HistoryChange }>;
}

type TenantValue = (t: TenantSummary, v: VariantSummary) => { value: number; samples: number[] } | undefined;

const latency =
  (stat: 'avgMs' | 'p50Ms' | 'p90Ms' | 'p99Ms' | 'p999Ms'): TenantValue =>
  (t) => ({
    value: t.merged.latency[stat],
    samples: t.perRepeat.map((r) => r.latency[stat]),
  });

const TENANT_METRICS: Array<[HistoryMetric, TenantValue]> = [
  ['latency.avg', latency('avgMs')],
  ['latency.p50', latency('p50Ms')],
  ['latency.p90', latency('p90Ms')],
  ['latency.p99', latency('p99Ms')],
  ['latency.p999', latency('p999Ms')],
  ['errors.rate', (t) => ({ value: t.merged.errors.rate, samples: t.perRepeat.map((r) => r.errors.rate) })],
  ['rps', (t) => ({ value: t.merged.rps.achieved, samples: t.perRepeat.map((r) => r.rps.achieved) })],
  [
    'waypoint_cpu.avg',
    (t, v) => {
      const w = v.waypoints.find((x) => x.component === t.waypoint);
      return w ? { value: w.merged.avgCores, samples: w.perRepeat.map((r) => r.avgCores) } : undefined;
    },
  ],
];

function variantValue(metric: 'isolation' | 'capacity', s: RunSummary, variant: string) {
  if (metric === 'isolation') {
    const iso = s.variants.find((v) => v.name === variant)?.isolation;
    return iso && !('unavailable' in iso) ? { value: iso.score, samples: [iso.score] } : undefined;
  }
  const searches = (s.searches ?? []).filter((x) => x.variant === variant);
  if (searches.length === 0) return undefined;
  const samples = searches.map((x) => x.capacity?.rate ?? 0);
  return { value: samples.reduce((a, b) => a + b, 0) / samples.length, samples };
}

/** One figure of a run: a metric of a variant (and tenant), merged and per repeat. */
export interface RunFigure {
  metric: HistoryMetric;
  variant: string;
  tenant?: string;
  value: number;
  samples: number[];
}

/** Every figure a history follows, from one run's summary (also what the CI exports publish). */
export function runFigures(summary: RunSummary): RunFigure[] {
  const out: RunFigure[] = [];
  const push = (
    metric: HistoryMetric,
    variant: string,
    tenant: string | undefined,
    got?: { value: number; samples: number[] },
  ) => {
    if (!got || !Number.isFinite(got.value)) return;
    const samples = got.samples.filter(Number.isFinite);
    out.push({
      metric,
      variant,
      ...(tenant === undefined ? {} : { tenant }),
      value: got.value,
      samples: samples.length ? samples : [got.value],
    });
  };
  for (const v of summary.variants) {
    for (const t of v.tenants) for (const [m, f] of TENANT_METRICS) push(m, v.name, t.tenant, f(t, v));
    push('isolation', v.name, undefined, variantValue('isolation', summary, v.name));
  }
  for (const name of [...new Set((summary.searches ?? []).map((x) => x.variant))])
    push('capacity', name, undefined, variantValue('capacity', summary, name));
  return out;
}

const keyOf = (f: Pick<RunFigure, 'metric' | 'variant' | 'tenant'>) =>
  `${f.metric}\u0000${f.variant}\u0000${f.tenant ?? ''}`;

/** `runs` in any order; they are put in time order by start. */
export function buildHistory(
  suite: string,
  runs: readonly HistoryRun[],
  options: Partial<ChangePointOptions> = {},
): HistoryReport {
  const ordered = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const o: ChangePointOptions = { ...CHANGE_POINT_DEFAULTS, ...options };
  const figures = ordered.map((r) => new Map(runFigures(r.summary).map((f) => [keyOf(f), f])));
  const keys = new Map<string, Omit<HistorySeries, 'points' | 'changes'>>();
  for (const m of figures)
    for (const [k, f] of m)
      if (!keys.has(k))
        keys.set(k, {
          metric: f.metric,
          variant: f.variant,
          ...(f.tenant === undefined ? {} : { tenant: f.tenant }),
        });

  const series = [...keys.entries()].map(([key, k]): HistorySeries => {
    const points = figures.flatMap((m, run): HistoryPoint[] => {
      const f = m.get(key);
      return f ? [{ run, value: f.value, samples: f.samples }] : [];
    });
    const worse = HISTORY_METRICS[k.metric].worse;
    const floor = MIN_ABSOLUTE[k.metric] ?? 0;
    const changes = findChangePoints(
      points.map((p) => p.samples),
      o,
    )
      .filter((c) => Math.abs(c.after - c.before) >= floor)
      .map((c) => ({
        ...c,
        runId: ordered[points[c.index].run].id,
        previousRunId: ordered[points[c.index - 1].run].id,
        regression: worse === 'up' ? c.after > c.before : c.after < c.before,
      }));
    return { ...k, points, changes };
  });

  const newest = ordered.length - 1;
  // The gate: a series whose latest change is a regression, with the newest run in it (after the change).
  const regressions = series.flatMap((s) => {
    const last = s.changes.at(-1);
    return last?.regression && s.points.at(-1)?.run === newest ? [{ series: s, change: last }] : [];
  });
  return {
    suite,
    runs: ordered.map(({ summary: _, ...r }) => r),
    series,
    options: o,
    regressions,
  };
}

/** "p99 latency (ms, intended start) · shared · ns-1". */
export function seriesLabel(s: Pick<HistorySeries, 'metric' | 'variant' | 'tenant'>): string {
  return [HISTORY_METRICS[s.metric].label, s.variant, ...(s.tenant === undefined ? [] : [s.tenant])].join(
    ' · ',
  );
}
