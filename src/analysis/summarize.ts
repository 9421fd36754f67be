/**
 * summarizeRun: result.json → RunSummary (pure). Repeats merge histograms exactly (the right
 * statistic for percentiles) and keep per-repeat values for their spread.
 */
import { errorClasses } from '../load/summarize-load.ts';
import type { Lateness, LoadResult } from '../load/types.ts';
import { type EncodedHistogram, encodeHistogram, latencyStats, mergeEncoded } from '../metrics/histogram.ts';
import type { CpuSeries, RunResult, StatsSeries, VariantResult } from '../result/types.ts';
import { type WaypointRef, waypointFor, waypointKey } from '../topology/model.ts';
import { spreadOf } from './spread.ts';
import { evaluateValidity, mergeValidity } from './validity.ts';
import type {
  ErrorSummary,
  GeneratorLagSummary,
  LagSummary,
  RequestCounts,
  RunSummary,
  SpreadKey,
  TenantFigures,
  TenantSummary,
  VariantSummary,
  WaypointFigures,
  WaypointSummary,
} from './summary-types.ts';

/** Envoy circuit-breaker counters that mean "the waypoint turned work away". */
export const OVERFLOW_COUNTERS = ['upstream_cx_overflow', 'upstream_rq_pending_overflow'] as const;

export function summarizeErrors(load: LoadResult): ErrorSummary {
  const byClass = errorClasses(load.outcomes);
  const count = Object.values(byClass).reduce((a, b) => a + b, 0);
  const total = load.outcomes.ok + count;
  return { count, rate: total === 0 ? 0 : count / total, byClass };
}

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
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
    return {
      tenant,
      namespace: entries[0].t.namespace,
      waypoint,
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
  };
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
  const variants = variantNames.flatMap((name) => {
    const runs = result.variants.filter((v) => v.name === name);
    return runs.length ? [summarizeVariant(result, name, runs, tenants)] : [];
  });
  return {
    suite: result.meta.suite.name,
    runId: result.meta.id,
    platform: result.meta.platform,
    complete: result.meta.complete,
    tenants,
    variantNames,
    variants,
  };
}
