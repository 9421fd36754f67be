/**
 * summarizeRun: result.json → RunSummary (pure). Repeats merge histograms exactly (the right
 * statistic for percentiles) and keep per-repeat values for their spread.
 */
import { type Isolation, isolationScore } from './isolation.ts';
import { encodeHistogram, mergeEncoded } from '../metrics/histogram.ts';
import type { CpuSeries, RunResult, StatsSeries, VariantResult } from '../result/types.ts';
import { type WaypointRef, waypointFor, waypointKey } from '../topology/model.ts';
import { spreadOf } from './spread.ts';
import { mergeLoads, sortKeys, summarizeLoad } from './tenant-figures.ts';
import { costPer1k, tenantCost } from './tenant-cost.ts';
import { type SearchSummary, summarizeSearches } from './search-summary.ts';

export { mergeLoads, summarizeErrors, summarizeLoad } from './tenant-figures.ts';
import type {
  RunSummary,
  SpreadKey,
  TenantSummary,
  VariantSummary,
  WaypointFigures,
  WaypointSummary,
} from './summary-types.ts';

/** Envoy circuit-breaker counters that mean "the waypoint turned work away". */
export const OVERFLOW_COUNTERS = ['upstream_cx_overflow', 'upstream_rq_pending_overflow'] as const;

function overflowOf(stats: readonly StatsSeries[]): { overflow: number; byCounter: Record<string, number> } {
  const byCounter: Record<string, number> = {};
  for (const s of stats) {
    for (const c of OVERFLOW_COUNTERS) {
      // A total under the bare name wins; per-cluster copies ('cluster.<name>.<counter>') would count twice.
      const n =
        c in s.deltas
          ? s.deltas[c]
          : Object.entries(s.deltas)
              .filter(([name]) => name.endsWith(`.${c}`))
              .reduce((a, [, x]) => a + x, 0);
      if (n > 0) byCounter[c] = (byCounter[c] ?? 0) + n;
    }
  }
  return { overflow: Object.values(byCounter).reduce((a, b) => a + b, 0), byCounter: sortKeys(byCounter) };
}

/**
 * A CPU series cut to the seconds the load was measured (the first warm-up end to the last end of the
 * tenants the waypoint serves, else of all), so a waypoint's average is its load, not its idle start
 * and tail.
 */
function measuredCpu(
  c: CpuSeries,
  v: Pick<VariantResult, 'tenants'>,
  served?: Map<string, string>,
): CpuSeries {
  const own = v.tenants.filter((t) => served?.get(t.tenant) === c.component);
  const tenants = own.length ? own : v.tenants;
  if (tenants.length === 0) return c;
  const s = tenants.map((t) => t.load.schedule);
  const fromS = Math.min(...s.map((x) => x.startOffsetMs + x.warmupMs)) / 1000;
  const toS = Math.max(...s.map((x) => x.startOffsetMs + x.durationMs)) / 1000;
  const points = c.points.filter((p) => p.t >= fromS && p.t <= toS);
  return points.length ? { ...c, points } : c;
}

export function summarizeWaypoint(cpu: readonly CpuSeries[], stats: readonly StatsSeries[]): WaypointFigures {
  const cores = cpu.flatMap((c) => c.points.map((p) => p.cores));
  const periods = cpu.reduce((a, c) => a + (c.periods ?? 0), 0);
  const throttledPeriods = cpu.reduce((a, c) => a + (c.throttledPeriods ?? 0), 0);
  const ratios = cpu.flatMap((c) =>
    c.points.flatMap((p) => (p.throttledRatio === undefined ? [] : [p.throttledRatio])),
  );
  const throttledRatio =
    periods > 0
      ? throttledPeriods / periods
      : ratios.length
        ? ratios.reduce((a, b) => a + b, 0) / ratios.length
        : undefined;
  const { overflow, byCounter } = overflowOf(stats);
  return {
    avgCores: cores.length ? cores.reduce((a, b) => a + b, 0) / cores.length : 0,
    // A loop, not Math.max(...cores): a 36 h run's ~130,000 points overflow the call stack as arguments.
    maxCores: cores.reduce((m, c) => Math.max(m, c), 0),
    throttledRatio,
    overflow,
    overflowByCounter: byCounter,
  };
}

/** Does a sampled component name the waypoint `ref`? ('ns/name', '<prefix> ns/name', or namespace + name token). */
export function isWaypointComponent(
  c: { component: string; namespace?: string },
  ref: WaypointRef,
  loose = false,
): boolean {
  const key = waypointKey(ref);
  if (c.component === key) return true;
  // 'waypoint ns-1/waypoint' (local platform), never 'ns-1/productpage-waypoint' for 'ns-1/waypoint'.
  if (c.component.endsWith(key) && /[\s:@]$/.test(c.component.slice(0, -key.length))) return true;
  return loose && c.namespace === ref.namespace && c.component.split(/[\s/@:]+/).includes(ref.name);
}

function statsFor(v: VariantResult, component: string, namespace?: string): StatsSeries[] {
  const exact = v.stats.filter((s) => s.component === component);
  if (exact.length || !namespace) return exact;
  return v.stats.filter((s) => s.component.includes(namespace) && s.component.includes('waypoint'));
}

/** The waypoint component serving each tenant in one variant run. */
function tenantWaypoints(result: RunResult, v: VariantResult): Map<string, string> {
  const out = new Map<string, string>();
  const waypointCpu = v.cpu.filter((c) => c.kind === 'waypoint');
  const plan = result.plan.variants.find((p) => p.name === v.name && p.repeat === v.repeat);
  for (const t of v.tenants) {
    const tenantPlan = result.plan.tenants.find((p) => p.name === t.tenant);
    const ref = plan ? waypointFor(plan.topology, t.namespace, tenantPlan?.service ?? 'productpage') : null;
    const hit = ref
      ? (waypointCpu.find((c) => isWaypointComponent(c, ref)) ??
        waypointCpu.find((c) => isWaypointComponent(c, ref, true)))
      : plan
        ? undefined
        : (waypointCpu.find((c) => c.namespace === t.namespace) ??
          (waypointCpu.length === 1 ? waypointCpu[0] : undefined));
    if (hit) out.set(t.tenant, hit.component);
  }
  return out;
}

function orderedUnion(first: readonly string[], rest: readonly string[]): string[] {
  const out = [...first];
  for (const x of rest) if (!out.includes(x)) out.push(x);
  return out;
}

function summarizeVariant(
  result: RunResult,
  name: string,
  runs: VariantResult[],
  tenantOrder: string[],
): VariantSummary {
  runs.sort((a, b) => a.repeat - b.repeat);
  const served = runs.map((v) => tenantWaypoints(result, v));
  const components = orderedUnion(
    [],
    runs.flatMap((v) => v.cpu.filter((c) => c.kind === 'waypoint').map((c) => c.component)),
  );
  const waypoints: WaypointSummary[] = components.map((component) => {
    const series = runs.flatMap((v, i) =>
      v.cpu.filter((c) => c.component === component).map((c) => measuredCpu(c, v, served[i])),
    );
    const first = series[0];
    const perRepeat = runs.map((v, i) => {
      const cpu = v.cpu.filter((c) => c.component === component).map((c) => measuredCpu(c, v, served[i]));
      return { repeat: v.repeat, ...summarizeWaypoint(cpu, statsFor(v, component, cpu[0]?.namespace)) };
    });
    const allStats = runs.flatMap((v) => statsFor(v, component, first?.namespace));
    const tenants = orderedUnion(
      [],
      served.flatMap((m) => [...m.entries()].filter(([, c]) => c === component).map(([t]) => t)),
    );
    return {
      component,
      namespace: first?.namespace,
      limitCores: first?.limitCores,
      enforcement: first?.enforcement,
      tenants: tenantOrder
        .filter((t) => tenants.includes(t))
        .concat(tenants.filter((t) => !tenantOrder.includes(t))),
      merged: summarizeWaypoint(series, allStats),
      coresPoints: series.flatMap((c) => c.points.map((p) => p.cores)),
      perRepeat,
    };
  });

  const tenantNames = orderedUnion(
    tenantOrder.filter((t) => runs.some((v) => v.tenants.some((x) => x.tenant === t))),
    runs.flatMap((v) => v.tenants.map((t) => t.tenant)),
  );
  const tenants: TenantSummary[] = tenantNames.map((tenant) => {
    const entries = runs.flatMap((v, i) => {
      const t = v.tenants.find((x) => x.tenant === tenant);
      return t ? [{ v, t, waypoint: served[i].get(tenant) }] : [];
    });
    const loads = entries.map((e) => e.t.load);
    const waypoint = entries.find((e) => e.waypoint)?.waypoint;
    const perRepeat = entries.map((e) => ({
      repeat: e.v.repeat,
      incomplete: Boolean(e.t.load.incomplete) || !e.v.complete,
      ...summarizeLoad(e.t.load),
    }));
    const wpRepeats = entries.map((e) =>
      e.waypoint
        ? waypoints.find((w) => w.component === e.waypoint)?.perRepeat.find((r) => r.repeat === e.v.repeat)
        : undefined,
    );
    const values: Record<SpreadKey, number[]> = {
      'latency.avg': perRepeat.map((r) => r.latency.avgMs),
      'latency.p50': perRepeat.map((r) => r.latency.p50Ms),
      'latency.p90': perRepeat.map((r) => r.latency.p90Ms),
      'latency.p99': perRepeat.map((r) => r.latency.p99Ms),
      'latency.p999': perRepeat.map((r) => r.latency.p999Ms),
      'latency.max': perRepeat.map((r) => r.latency.maxMs),
      'latency_actual.avg': perRepeat.map((r) => r.latencyActual.avgMs),
      'latency_actual.p50': perRepeat.map((r) => r.latencyActual.p50Ms),
      'latency_actual.p99': perRepeat.map((r) => r.latencyActual.p99Ms),
      'errors.rate': perRepeat.map((r) => r.errors.rate),
      'errors.count': perRepeat.map((r) => r.errors.count),
      rps: perRepeat.map((r) => r.rps.achieved),
      'lag.p99': perRepeat.map((r) => r.scheduleLag.p99Ms),
      'waypoint_cpu.avg': wpRepeats.flatMap((w) => (w ? [w.avgCores] : [])),
      'waypoint_cpu.max': wpRepeats.flatMap((w) => (w ? [w.maxCores] : [])),
      'throttled.rate': wpRepeats.flatMap((w) => (w?.throttledRatio === undefined ? [] : [w.throttledRatio])),
      'overflow.count': wpRepeats.flatMap((w) => (w ? [w.overflow] : [])),
    };
    const spread = Object.fromEntries(
      Object.entries(values)
        .filter(([, xs]) => xs.length > 0)
        .map(([k, xs]) => [k, spreadOf(xs)]),
    );
    const costs = entries.flatMap((e) => {
      const i = runs.indexOf(e.v);
      const cpu = e.waypoint ? e.v.cpu.find((c) => c.component === e.waypoint) : undefined;
      if (!cpu) return [];
      const servedNamespaces = e.v.tenants
        .filter((x) => served[i].get(x.tenant) === e.waypoint)
        .map((x) => x.namespace);
      const c = tenantCost({
        run: e.v,
        tenant,
        cpu,
        stats: statsFor(e.v, cpu.component, cpu.namespace)[0],
        servedNamespaces,
      });
      return c ? [c] : [];
    });
    const per1k = costPer1k(costs);
    return {
      tenant,
      namespace: entries[0].t.namespace,
      waypoint,
      ...(per1k === undefined
        ? {}
        : {
            cost: {
              cpuMsPer1k: per1k,
              share: costs.reduce((a, c) => a + c.share, 0) / costs.length,
            },
          }),
      merged: mergeLoads(
        loads,
        entries.map((e) => e.v.repeat),
      ),
      histograms: {
        intended: encodeHistogram(mergeEncoded(loads.map((l) => l.latency.intended))),
        actual: encodeHistogram(mergeEncoded(loads.map((l) => l.latency.actual))),
      },
      perRepeat,
      spread,
      incomplete: perRepeat.some((r) => r.incomplete),
    };
  });

  return {
    name,
    kind: runs[0].kind,
    repeats: runs.map((v) => v.repeat),
    complete: runs.every((v) => v.complete),
    tenants,
    waypoints,
    errors: runs.flatMap((v) => (v.error ? [`repeat ${v.repeat}: ${v.error.code} ${v.error.message}`] : [])),
    isolation: variantIsolation(result, runs),
  };
}

/**
 * The variant's isolation score: the earliest-starting tenant against the next to start (issue #15), from
 * the repeats that measured both.
 */
function variantIsolation(result: RunResult, runs: readonly VariantResult[]): Isolation {
  const offsets = [...new Set(result.plan.tenants.map((t) => t.startOffsetMs))].sort((a, b) => a - b);
  if (offsets.length < 2)
    return { unavailable: 'the tenants start together: there is no time before the later one' };
  const earlier = result.plan.tenants.find((t) => t.startOffsetMs === offsets[0])!.name;
  const later = result.plan.tenants.find((t) => t.startOffsetMs === offsets[1])!.name;
  const repeats = runs.flatMap((v) => {
    const e = v.tenants.find((t) => t.tenant === earlier)?.load;
    const l = v.tenants.find((t) => t.tenant === later)?.load;
    return e && l ? [{ series: e.series, laterStartS: (l.startedAt - e.startedAt) / 1000 }] : [];
  });
  return isolationScore({ earlier, later, repeats });
}

export function summarizeRun(result: RunResult): RunSummary {
  const planVariants = orderedUnion(
    [],
    result.plan.variants.map((v) => v.name),
  );
  const variantNames = orderedUnion(
    planVariants,
    result.variants.map((v) => v.name),
  );
  const tenants = orderedUnion(
    result.plan.tenants.map((t) => t.name),
    result.variants.flatMap((v) => v.tenants.map((t) => t.tenant)),
  );
  const searches = summarizeSearches(result);
  const primary = primaryRuns(result, searches);
  const variants = variantNames.flatMap((name) => {
    const runs = primary.runs.filter((v) => v.name === name);
    return runs.length ? [summarizeVariant(result, name, runs, tenants)] : [];
  });
  const sweep = result.plan.sweep
    ? variantNames.flatMap((name) => {
        const steps = result.plan.sweep!.steps.flatMap((step, i) => {
          const runs = result.variants.filter((v) => v.name === name && v.load?.step === i);
          return runs.length
            ? [{ step: i, ...step, summary: summarizeVariant(result, name, runs, tenants) }]
            : [];
        });
        return steps.length ? [{ variant: name, steps }] : [];
      })
    : undefined;
  return {
    suite: result.meta.suite.name,
    runId: result.meta.id,
    platform: result.meta.platform,
    complete: result.meta.complete,
    tenants,
    variantNames,
    variants,
    ...(primary.words ? { primaryLoad: primary.words } : {}),
    ...(sweep ? { sweep } : {}),
    ...(searches ? { searches } : {}),
  };
}

/** The result as the main tables see it: only the runs they read (charts over time use this). */
export function primaryView(result: RunResult): RunResult {
  if (!result.plan.sweep && !result.plan.search) return result;
  return { ...result, variants: primaryRuns(result, summarizeSearches(result)).runs };
}

const perTenant = (rate: number | undefined, connections: number) =>
  `${rate === undefined ? '' : `${rate} req/s over `}${connections} connections per tenant`;

/**
 * The runs the main tables and thresholds read: the suite's own load; for a sweep, the step nearest it; for a
 * search, each variant at its breaking point (the passing run there, the confirmation first).
 */
function primaryRuns(
  result: RunResult,
  searches: readonly SearchSummary[] | undefined,
): { runs: VariantResult[]; words?: string } {
  const { sweep } = result.plan;
  if (sweep) {
    const s = sweep.steps[sweep.reference];
    return {
      runs: result.variants.filter((v) => v.load?.step === sweep.reference),
      words: `the tables below are the sweep step nearest the suite's load: ${perTenant(s.rate, s.connections)} (${s.factor}×)`,
    };
  }
  if (searches) {
    const runs = searches.flatMap((s) => {
      if (!s.capacity) return [];
      const at = result.variants.filter(
        (v) =>
          v.name === s.variant &&
          v.repeat === s.repeat &&
          v.load?.probe !== undefined &&
          v.load.factor === s.capacity!.factor,
      );
      const best = at.find((v) => v.load?.confirm) ?? at[at.length - 1];
      return best ? [best] : [];
    });
    return {
      runs,
      words:
        "the tables below are each variant at its breaking point (the search's confirmation run), so the variants' loads differ",
    };
  }
  return { runs: result.variants.filter((v) => !v.load) };
}
