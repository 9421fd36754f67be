/**
 * The figures of the reference benchmark (pure): one run's result.json → its figures, the figures flattened to
 * named scalars, and their spread across runs. bench/reference.ts does the running and the reading.
 */
import { spreadOf } from '../src/analysis/spread.ts';
import { summarizeRun } from '../src/analysis/summarize.ts';
import type { RunResult } from '../src/result/types.ts';

/** One tenant in one variant of one run (merged over the suite's own repeats, if it has several). */
export interface TenantRunFigures {
  variant: string;
  tenant: string;
  /** Latency from each request's intended start (the schedule), ms. */
  avgMs: number;
  p50Ms: number;
  /** Latency from each request's actual start (what Fortio reports), ms. */
  avgActualMs: number;
  p50ActualMs: number;
  errorRate: number;
  skipped: number;
  valid: boolean;
  invalidReasons: string[];
}

/** One waypoint in one variant of one run. */
export interface WaypointRunFigures {
  variant: string;
  component: string;
  avgCores: number;
  limitCores: number | null;
  /** avgCores / limitCores; null without a limit. */
  utilization: number | null;
  /** Share of CFS periods throttled; null when not measured. */
  throttledShare: number | null;
}

export interface CalibrationFigures {
  method: string;
  quotaCores: number;
  demandCores: number | null;
  utilization: number;
}

export interface RunFigures {
  /** 1-based index of the run in this benchmark. */
  run: number;
  /** Exit code of `meshbench run`; null when it did not exit by itself (killed). */
  exitCode: number | null;
  /** The run's results folder, when one was found. */
  dir: string | null;
  /** result.json says the run completed every variant. */
  complete: boolean;
  /** Why the run has no figures (no result.json, unreadable), when it has none. */
  error?: string;
  tenants: TenantRunFigures[];
  waypoints: WaypointRunFigures[];
  /** Shared ns-1 average ÷ dedicated ns-1 average, per latency definition; null when either is missing. */
  sharedNs1AvgRatio: { intended: number | null; actual: number | null };
  sharedNs2ErrorRate: number | null;
  /** Larger ÷ smaller of the dedicated tenants' averages (intended start); null without two tenants. */
  dedicatedAvgSpread: number | null;
  /** Tenants whose figures the load generator's own lag invalidates. */
  invalid: Array<{ variant: string; tenant: string; reasons: string[] }>;
  calibration: CalibrationFigures | null;
}

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || !(b > 0) ? null : a / b;

/** The figures of a run that left no usable result.json. */
export function emptyRunFigures(input: {
  run: number;
  exitCode: number | null;
  dir: string | null;
  error: string;
}): RunFigures {
  return {
    ...input,
    complete: false,
    tenants: [],
    waypoints: [],
    sharedNs1AvgRatio: { intended: null, actual: null },
    sharedNs2ErrorRate: null,
    dedicatedAvgSpread: null,
    invalid: [],
    calibration: null,
  };
}

/** result.json of one run → its figures. */
export function extractRunFigures(input: {
  run: number;
  exitCode: number | null;
  dir: string | null;
  result: RunResult;
}): RunFigures {
  const { result } = input;
  const summary = summarizeRun(result);
  const tenants: TenantRunFigures[] = summary.variants.flatMap((v) =>
    v.tenants.map((t) => ({
      variant: v.name,
      tenant: t.tenant,
      avgMs: t.merged.latency.avgMs,
      p50Ms: t.merged.latency.p50Ms,
      avgActualMs: t.merged.latencyActual.avgMs,
      p50ActualMs: t.merged.latencyActual.p50Ms,
      errorRate: t.merged.errors.rate,
      skipped: t.merged.requests.skipped,
      valid: t.merged.validity.valid,
      invalidReasons: t.merged.validity.reasons,
    })),
  );
  const waypoints: WaypointRunFigures[] = summary.variants.flatMap((v) =>
    v.waypoints.map((w) => ({
      variant: v.name,
      component: w.component,
      avgCores: w.merged.avgCores,
      limitCores: w.limitCores ?? null,
      utilization: ratio(w.merged.avgCores, w.limitCores),
      throttledShare: w.merged.throttledRatio ?? null,
    })),
  );
  const find = (variant: string, tenant: string) =>
    tenants.find((t) => t.variant === variant && t.tenant === tenant);
  const dedicated = tenants.filter((t) => t.variant === 'dedicated');
  const dedicatedAvgs = dedicated.map((t) => t.avgMs);
  const cal = result.meta.calibration;
  return {
    run: input.run,
    exitCode: input.exitCode,
    dir: input.dir,
    complete: result.meta.complete,
    tenants,
    waypoints,
    sharedNs1AvgRatio: {
      intended: ratio(find('shared', 'ns-1')?.avgMs, find('dedicated', 'ns-1')?.avgMs),
      actual: ratio(find('shared', 'ns-1')?.avgActualMs, find('dedicated', 'ns-1')?.avgActualMs),
    },
    sharedNs2ErrorRate: find('shared', 'ns-2')?.errorRate ?? null,
    dedicatedAvgSpread:
      dedicated.length >= 2 ? ratio(Math.max(...dedicatedAvgs), Math.min(...dedicatedAvgs)) : null,
    invalid: tenants
      .filter((t) => !t.valid)
      .map((t) => ({ variant: t.variant, tenant: t.tenant, reasons: t.invalidReasons })),
    calibration: cal
      ? {
          method: cal.method,
          quotaCores: cal.quotaCores,
          demandCores: cal.demandCores ?? null,
          utilization: cal.utilization,
        }
      : null,
  };
}

/** How a figure reads: ms, a share shown as %, a plain ratio, cores, or a count. */
export type FigureUnit = 'ms' | 'share' | 'ratio' | 'cores' | 'count';

/** One named scalar of one run. */
export interface Figure {
  key: string;
  unit: FigureUnit;
  value: number | null;
}

/** A run's figures as named scalars, in a stable order (keys 'variant/tenant/figure', 'variant/component/figure'). */
export function flattenFigures(f: RunFigures): Figure[] {
  const out: Figure[] = [];
  const add = (key: string, unit: FigureUnit, value: number | null) => out.push({ key, unit, value });
  for (const t of f.tenants) {
    const k = `${t.variant}/${t.tenant}`;
    add(`${k}/latency.avg`, 'ms', t.avgMs);
    add(`${k}/latency.p50`, 'ms', t.p50Ms);
    add(`${k}/latency_actual.avg`, 'ms', t.avgActualMs);
    add(`${k}/latency_actual.p50`, 'ms', t.p50ActualMs);
    add(`${k}/errors.rate`, 'share', t.errorRate);
    add(`${k}/skipped`, 'count', t.skipped);
  }
  for (const w of f.waypoints) {
    const k = `${w.variant}/${w.component}`;
    add(`${k}/cores`, 'cores', w.avgCores);
    add(`${k}/utilization`, 'ratio', w.utilization);
    add(`${k}/throttled`, 'share', w.throttledShare);
  }
  // The reference comparisons, only where the suite has the variants and tenants they compare.
  const derived: Array<[string, number | null]> = [
    ['shared/ns-1/latency.avg ÷ dedicated', f.sharedNs1AvgRatio.intended],
    ['shared/ns-1/latency_actual.avg ÷ dedicated', f.sharedNs1AvgRatio.actual],
    ['dedicated/latency.avg max÷min', f.dedicatedAvgSpread],
  ];
  for (const [key, value] of derived) if (value !== null) add(key, 'ratio', value);
  if (f.calibration) {
    add('calibration/quotaCores', 'cores', f.calibration.quotaCores);
    add('calibration/demandCores', 'cores', f.calibration.demandCores);
    add('calibration/utilization', 'ratio', f.calibration.utilization);
  }
  return out;
}

/** The spread of one figure across runs; `cv` = sample stdev ÷ mean, null when the mean is 0 or n < 2. */
export interface FigureSpread {
  n: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  cv: number | null;
}

export function spreadAcross(values: ReadonlyArray<number | null>): FigureSpread | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const s = spreadOf(xs);
  return {
    n: s.n,
    min: s.min,
    max: s.max,
    mean: s.mean,
    stddev: s.stddev,
    cv: s.n >= 2 && s.mean !== 0 ? s.stddev / Math.abs(s.mean) : null,
  };
}

/** One figure over every run: its value per run (null where the run lacks it) and its spread. */
export interface FigureAcrossRuns {
  key: string;
  unit: FigureUnit;
  values: Array<number | null>;
  spread: FigureSpread | null;
}

/** Every figure any run has, in first-seen order, with its per-run values and spread. */
export function figuresAcrossRuns(runs: readonly RunFigures[]): FigureAcrossRuns[] {
  const flat = runs.map(flattenFigures);
  const order: Array<{ key: string; unit: FigureUnit }> = [];
  for (const fs of flat)
    for (const f of fs) if (!order.some((o) => o.key === f.key)) order.push({ key: f.key, unit: f.unit });
  return order.map(({ key, unit }) => {
    const values = flat.map((fs) => fs.find((f) => f.key === key)?.value ?? null);
    return { key, unit, values, spread: spreadAcross(values) };
  });
}
