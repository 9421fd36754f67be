/**
 * compareRuns: baseline × candidate result → per variant × tenant × metric deltas and regression flags
 * (pure). A change beyond tolerance whose repeat ranges overlap (or that lies within two combined standard
 * deviations) is run-to-run noise, not a regression.
 */
import type { RunResult } from '../result/types.ts';
import type { Spread } from './spread.ts';
import { summarizeRun } from './summarize.ts';
import type { RunSummary, SpreadKey, TenantSummary, VariantSummary } from './summary-types.ts';

export type Direction = 'up-is-bad' | 'down-is-bad' | 'info';
export type DeltaStatus = 'ok' | 'improved' | 'regression' | 'noise' | 'missing' | 'new' | 'info';

export interface ComparedMetric {
  key: SpreadKey;
  label: string;
  unit: string;
  direction: Direction;
  /** Smallest absolute change that can count (keeps 0.02 ms → 0.03 ms from being "+50%"). */
  floor: number;
  value(t: TenantSummary, v: VariantSummary): number | undefined;
}

/** Latency of successes; none when nothing succeeded (0 ms would read as an improvement). */
const latencyOf = (t: TenantSummary, k: 'avgMs' | 'p50Ms' | 'p90Ms' | 'p99Ms' | 'p999Ms') =>
  t.merged.latency.count > 0 ? t.merged.latency[k] : undefined;

/** Whether any request of the tenant completed in the measured window (an answer or an error). */
const measuredAnything = (t: TenantSummary) => t.merged.requests.completed > 0;

const wp = (t: TenantSummary, v: VariantSummary) => v.waypoints.find((w) => w.component === t.waypoint);

export const COMPARED_METRICS: ComparedMetric[] = [
  {
    key: 'latency.avg',
    label: 'avg',
    unit: 'ms',
    direction: 'up-is-bad',
    floor: 0.1,
    value: (t) => latencyOf(t, 'avgMs'),
  },
  {
    key: 'latency.p50',
    label: 'p50',
    unit: 'ms',
    direction: 'up-is-bad',
    floor: 0.1,
    value: (t) => latencyOf(t, 'p50Ms'),
  },
  {
    key: 'latency.p90',
    label: 'p90',
    unit: 'ms',
    direction: 'up-is-bad',
    floor: 0.1,
    value: (t) => latencyOf(t, 'p90Ms'),
  },
  {
    key: 'latency.p99',
    label: 'p99',
    unit: 'ms',
    direction: 'up-is-bad',
    floor: 0.1,
    value: (t) => latencyOf(t, 'p99Ms'),
  },
  {
    key: 'latency.p999',
    label: 'p99.9',
    unit: 'ms',
    // Shown, not judged: a few dozen samples decide p99.9, so it swings between identical runs.
    direction: 'info',
    floor: 0.1,
    value: (t) => latencyOf(t, 'p999Ms'),
  },
  {
    key: 'errors.rate',
    label: 'error rate',
    unit: '%',
    direction: 'up-is-bad',
    floor: 0.001,
    // A tenant that completed nothing has no error rate (0% would read as a pass).
    value: (t) => (measuredAnything(t) ? t.merged.errors.rate : undefined),
  },
  {
    key: 'rps',
    label: 'achieved rps',
    unit: 'req/s',
    direction: 'down-is-bad',
    floor: 0.5,
    value: (t) => (measuredAnything(t) ? t.merged.rps.achieved : undefined),
  },
  {
    key: 'waypoint_cpu.avg',
    label: 'waypoint CPU avg',
    unit: 'cores',
    direction: 'info',
    floor: 0,
    value: (t, v) => wp(t, v)?.merged.avgCores,
  },
  {
    key: 'overflow.count',
    label: 'waypoint overflows per repeat',
    unit: '',
    direction: 'info',
    floor: 0,
    // Per repeat (mean), so runs with different repeat counts compare.
    value: (t, v) => (wp(t, v) ? (t.spread['overflow.count']?.mean ?? wp(t, v)?.merged.overflow) : undefined),
  },
];

export interface MetricDelta {
  variant: string;
  tenant: string;
  metric: SpreadKey;
  label: string;
  unit: string;
  direction: Direction;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline. */
  delta: number | null;
  /** delta / baseline (a fraction: 0.1 = +10%); null when the baseline is 0 or missing. */
  deltaPct: number | null;
  baselineSpread?: Spread;
  candidateSpread?: Spread;
  status: DeltaStatus;
  /** Why the status (tolerance, noise, missing). */
  reason?: string;
}

export interface RunRef {
  id: string;
  suite: string;
  startedAt: string;
  platform: string;
  repeats: number;
  git?: string;
}

export interface Comparison {
  baseline: RunRef;
  candidate: RunRef;
  tolerance: number;
  deltas: MetricDelta[];
  regressions: number;
  improvements: number;
  /**
   * Figures judged in both runs (ok, noise, improved or regression). 0 means nothing was comparable: no
   * tenant of a variant had a judged figure measured on both sides — an error, never "no regression".
   */
  comparable: number;
  notes: string[];
}

const COMPARABLE = new Set<DeltaStatus>(['ok', 'noise', 'improved', 'regression']);

function refOf(r: RunResult): RunRef {
  return {
    id: r.meta.id,
    suite: r.meta.suite.name,
    startedAt: r.meta.startedAt,
    platform: r.meta.platform,
    repeats: Math.max(1, ...r.variants.map((v) => v.repeat)),
    git: r.meta.git ? `${r.meta.git.revision.slice(0, 12)}${r.meta.git.dirty ? '+dirty' : ''}` : undefined,
  };
}

/** The [min, max] the repeats span, or the point itself for one repeat. */
function range(value: number, s?: Spread): [number, number] {
  return s && s.n >= 2 ? [s.min, s.max] : [value, value];
}

/** Judges one metric's change. */
export function judgeDelta(input: {
  metric: Pick<ComparedMetric, 'direction' | 'floor'>;
  baseline: number;
  candidate: number;
  tolerance: number;
  baselineSpread?: Spread;
  candidateSpread?: Spread;
}): { status: DeltaStatus; reason?: string } {
  const { metric, baseline, candidate, tolerance } = input;
  if (metric.direction === 'info') return { status: 'info' };
  const worse = metric.direction === 'up-is-bad' ? candidate - baseline : baseline - candidate;
  const allowed = Math.max(tolerance * Math.abs(baseline), metric.floor);
  if (Math.abs(worse) <= allowed) return { status: 'ok' };
  const [bLo, bHi] = range(baseline, input.baselineSpread);
  const [cLo, cHi] = range(candidate, input.candidateSpread);
  // Two repeats rarely span the noise: also allow two combined standard deviations.
  const sd = (s?: Spread) => (s && s.n >= 2 ? s.stddev : 0);
  const band = 2 * Math.hypot(sd(input.baselineSpread), sd(input.candidateSpread));
  if ((cLo <= bHi && bLo <= cHi) || Math.abs(candidate - baseline) <= band) {
    return { status: 'noise', reason: 'beyond tolerance but inside the spread across repeats' };
  }
  return worse > 0
    ? { status: 'regression', reason: `worse by more than ${Math.round(tolerance * 100)}%` }
    : { status: 'improved' };
}

function tenantsOf(s: RunSummary): Array<{ v: VariantSummary; t: TenantSummary }> {
  return s.variants.flatMap((v) => v.tenants.map((t) => ({ v, t })));
}

export function compareSummaries(
  baseline: RunSummary,
  candidate: RunSummary,
  opts: { tolerance: number },
): MetricDelta[] {
  const deltas: MetricDelta[] = [];
  const base = tenantsOf(baseline);
  const cand = tenantsOf(candidate);
  const find = (xs: typeof base, v: string, t: string) => xs.find((x) => x.v.name === v && x.t.tenant === t);
  const pairs = [
    ...base.map((b) => ({ variant: b.v.name, tenant: b.t.tenant })),
    ...cand
      .filter((c) => !find(base, c.v.name, c.t.tenant))
      .map((c) => ({ variant: c.v.name, tenant: c.t.tenant })),
  ];
  for (const { variant, tenant } of pairs) {
    const b = find(base, variant, tenant);
    const c = find(cand, variant, tenant);
    for (const m of COMPARED_METRICS) {
      const bv = b ? (m.value(b.t, b.v) ?? null) : null;
      const cv = c ? (m.value(c.t, c.v) ?? null) : null;
      const row: MetricDelta = {
        variant,
        tenant,
        metric: m.key,
        label: m.label,
        unit: m.unit,
        direction: m.direction,
        baseline: bv,
        candidate: cv,
        delta: bv !== null && cv !== null ? cv - bv : null,
        deltaPct: bv !== null && cv !== null && bv !== 0 ? (cv - bv) / Math.abs(bv) : null,
        baselineSpread: b?.t.spread[m.key],
        candidateSpread: c?.t.spread[m.key],
        status: 'ok',
      };
      if (bv === null && cv === null) continue;
      if (!c || !b) {
        row.status = !c ? (m.direction === 'info' ? 'info' : 'missing') : 'new';
        row.reason = !c ? 'not measured in the candidate' : 'not measured in the baseline';
      } else if (cv === null && m.direction !== 'info') {
        // The baseline had the figure and the candidate has none (e.g. no request succeeded): a gate must fail.
        row.status = 'missing';
        row.reason = 'measured in the baseline, not in the candidate';
      } else if (bv === null || cv === null) {
        row.status = 'info';
        row.reason = bv === null ? 'not measured in the baseline' : 'not measured in the candidate';
      } else {
        Object.assign(
          row,
          judgeDelta({
            metric: m,
            baseline: bv,
            candidate: cv,
            tolerance: opts.tolerance,
            baselineSpread: row.baselineSpread,
            candidateSpread: row.candidateSpread,
          }),
        );
      }
      deltas.push(row);
    }
  }
  return deltas;
}

export function compareRuns(
  baseline: RunResult,
  candidate: RunResult,
  opts: { tolerance: number },
): Comparison {
  const deltas = compareSummaries(summarizeRun(baseline), summarizeRun(candidate), opts);
  const notes: string[] = [];
  if (baseline.meta.suite.name !== candidate.meta.suite.name) {
    notes.push(`different suites: ${baseline.meta.suite.name} vs ${candidate.meta.suite.name}`);
  }
  if (baseline.meta.platform !== candidate.meta.platform) {
    notes.push(`different platforms: ${baseline.meta.platform} vs ${candidate.meta.platform}`);
  }
  if (!baseline.meta.complete) notes.push('the baseline run is incomplete');
  if (!candidate.meta.complete) notes.push('the candidate run is incomplete');
  return {
    baseline: refOf(baseline),
    candidate: refOf(candidate),
    tolerance: opts.tolerance,
    deltas,
    // A tenant measured in the baseline but missing from the candidate hides whatever it would show.
    regressions: deltas.filter((d) => d.status === 'regression' || d.status === 'missing').length,
    improvements: deltas.filter((d) => d.status === 'improved').length,
    comparable: deltas.filter((d) => COMPARABLE.has(d.status)).length,
    notes,
  };
}
