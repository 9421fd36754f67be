/** RunSummary: the figures of a run, per variant (and repeat) and tenant. Plain data, JSON-safe. */
import type { Isolation } from './isolation.ts';
import type { EncodedHistogram, LatencyStats } from '../metrics/histogram.ts';
import type { Spread } from './spread.ts';

/** Latency figures in ms over one histogram (the histogram module's own statistics). */
export type LatencySummary = LatencyStats;

export interface ErrorSummary {
  /** Non-2xx responses and socket errors (timeouts, resets, refusals, other). */
  count: number;
  /** count / (ok + count); 0 when nothing completed. */
  rate: number;
  /** By class: 'http_503', 'timeout', 'reset', 'refused', 'other_ECONNABORTED', … (skips excluded). */
  byClass: Record<string, number>;
}

export interface RequestCounts {
  intended: number;
  sent: number;
  completed: number;
  ok: number;
  errors: number;
  /** Dropped by the skip policy because a connection was behind: not sent, not an error. */
  skipped: number;
  warmup: number;
}

export interface RateSummary {
  /** Completed requests per second over the measured window. */
  achieved: number;
  /** Scheduled requests per second (open model); undefined for closed loop. */
  target?: number;
  /** achieved / target, when there is a target. */
  ratio?: number;
}

export interface LagSummary {
  avgMs: number;
  p99Ms: number;
  maxMs: number;
}

/** How far the load generator itself fell behind its schedule (the generator part of each request's lag). */
export interface GeneratorLagSummary {
  p99Ms: number;
  maxMs: number;
  /** generatorLate / (sent + never-sent requests blamed on the generator); 0 when there were none. */
  lateShare: number;
  /** The counts behind lateShare (absent in summaries of older results). */
  late?: number;
  requests?: number;
}

/** Whether a tenant's figures can be trusted: the load generator held its schedule (src/analysis/validity.ts). */
export interface Validity {
  valid: boolean;
  /** Why not, one plain sentence per broken bound, naming the figure (e.g. "generator lag p99 7.2 ms > 5 ms"). */
  reasons: string[];
}

/** The figures of one tenant in one repeat of a variant. */
export interface TenantFigures {
  requests: RequestCounts;
  latency: LatencySummary;
  latencyActual: LatencySummary;
  errors: ErrorSummary;
  rps: RateSummary;
  scheduleLag: LagSummary;
  /** The generator's own lag; absent for drivers that do not split lateness (closed loop, Fortio). */
  generatorLag?: GeneratorLagSummary;
  /** Late or never-sent requests by cause: backpressure (the system under test) or the generator. */
  late?: { backpressure: number; generator: number };
  /** Valid unless the generator fell behind its schedule; over repeats, valid only if every repeat is. */
  validity: Validity;
}

/** Waypoint CPU and overflow counters over one repeat (or pooled over repeats). */
export interface WaypointFigures {
  /** Cores per second, as sampled. */
  avgCores: number;
  maxCores: number;
  /** Fraction of CFS periods throttled (totals when known, else the mean of per-second ratios). */
  throttledRatio?: number;
  /** upstream_cx_overflow + upstream_rq_pending_overflow over the variant. */
  overflow: number;
  /** Every counter whose name ends in an overflow name, summed by that name. */
  overflowByCounter: Record<string, number>;
}

export interface WaypointSummary {
  /** Component name as sampled (e.g. 'ns-1/waypoint'). */
  component: string;
  namespace?: string;
  limitCores?: number;
  enforcement?: string;
  /** Tenants whose load this waypoint serves in this variant. */
  tenants: string[];
  /** Pooled over repeats (CPU points pooled, counters summed). */
  merged: WaypointFigures;
  /** Per-second cores pooled over repeats, for p(N) thresholds. */
  coresPoints: number[];
  perRepeat: Array<{ repeat: number } & WaypointFigures>;
}

/** Keys of the scalar figures whose spread across repeats is kept. */
export const SPREAD_KEYS = [
  'latency.avg',
  'latency.p50',
  'latency.p90',
  'latency.p99',
  'latency.p999',
  'latency.max',
  'latency_actual.avg',
  'latency_actual.p50',
  'latency_actual.p99',
  'errors.rate',
  'errors.count',
  'rps',
  'lag.p99',
  'waypoint_cpu.avg',
  'waypoint_cpu.max',
  'throttled.rate',
  'overflow.count',
] as const;
export type SpreadKey = (typeof SPREAD_KEYS)[number];

export interface TenantSummary {
  tenant: string;
  namespace: string;
  /** Component of the waypoint serving this tenant's target service, when it has one. */
  waypoint?: string;
  /**
   * Waypoint CPU per 1,000 successful requests (ms), over the measured window; a shared waypoint's CPU split
   * by this tenant's share of the requests it proxied (tenant-cost.ts). Absent without CPU or counters.
   */
  cost?: { cpuMsPer1k: number; share: number };
  /** Merged over repeats: histograms merged exactly, counts summed, rps averaged. */
  merged: TenantFigures;
  /** Encoded merged histograms, so any percentile can be computed later. */
  histograms: { intended: EncodedHistogram; actual: EncodedHistogram };
  perRepeat: Array<{ repeat: number; incomplete: boolean } & TenantFigures>;
  /** Mean and spread across repeats of each scalar figure. */
  spread: Partial<Record<SpreadKey, Spread>>;
  /** True when any repeat of this tenant was cut short. */
  incomplete: boolean;
}

export interface VariantSummary {
  name: string;
  kind: 'dedicated' | 'shared' | 'per-service' | 'none';
  /** Repeat indices measured, ascending. */
  repeats: number[];
  complete: boolean;
  tenants: TenantSummary[];
  waypoints: WaypointSummary[];
  /** Errors of failed repeats ('repeat 2: PLATFORM_FAILED …'). */
  errors: string[];
  /** How much the later tenant hurt the earlier one (isolation.ts), or why it cannot be said. */
  isolation?: Isolation;
}

export interface ProbeVerdict {
  pass: boolean;
  /** Why not, one phrase per tenant and bound ("ns-2 errors 3.1% > 1%"). */
  reasons: string[];
}

/** One search probe as measured. */
export interface ProbeSummary extends ProbeVerdict {
  probe: number;
  factor: number;
  /** Offered requests per second per tenant, as driven. */
  rate?: number;
  connections: number;
  confirm: boolean;
  /** Per tenant: the figures the verdict read. */
  tenants: Array<{ tenant: string; p99Ms: number; errorRate: number; achievedRps: number }>;
  /** The variant run failed (its error ended the search). */
  error?: string;
}

export interface SearchSummary {
  variant: string;
  repeat: number;
  probes: ProbeSummary[];
  /** The breaking point: the highest offered load meeting the SLO (absent: none did, or the search was cut short). */
  capacity?: { factor: number; rate?: number; connections: number };
  confirmed: boolean;
  why: string;
}

/** One variant at one sweep step. */
export interface SweepStepSummary {
  step: number;
  factor: number;
  /** Offered requests per second per tenant, as driven. */
  rate?: number;
  connections: number;
  summary: VariantSummary;
}

export interface SweepSummary {
  variant: string;
  steps: SweepStepSummary[];
}

export interface RunSummary {
  suite: string;
  runId: string;
  platform: string;
  complete: boolean;
  /** Tenant names in plan order (then any others measured). */
  tenants: string[];
  /** Variant names in plan order (then any others measured). */
  variantNames: string[];
  variants: VariantSummary[];
  /** Sweep and search runs: which load the main tables (and thresholds) read, in words. */
  primaryLoad?: string;
  /** A sweep's variants step by step (issue #15). */
  sweep?: SweepSummary[];
  /** A search's probes and breaking point per variant × repeat (issue #15). */
  searches?: SearchSummary[];
}
