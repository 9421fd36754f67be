/** The RunPlan: a validated suite expanded for one platform (variants × repeats × tenants). Plain data. */
import type { ParsedThreshold } from './threshold-grammar.ts';
import { envelopeOf, type Topology } from '../topology/model.ts';
import type { WaypointEnvelope } from '../topology/schema.ts';
import type {
  KubePlatformSettings,
  PlatformName,
  Policy,
  PublishedFigure,
  ServiceTimeSpec,
} from './schema.ts';

export interface TenantPlan {
  name: string;
  namespace: string;
  service: string;
  port: number;
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  startOffsetMs: number;
}

export interface LoadPlan {
  model: 'open' | 'closed';
  /** Requests per second per tenant, after scaling; undefined for closed loop without a rate. */
  rate?: number;
  connections: number;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  behindSchedule: 'catch-up' | 'skip';
  jitter: number;
  /** Load agents per tenant ('auto' resolved for the platform; see suite/agent-ceiling.ts). */
  agents: number;
}

/** A tenant's offered load at one sweep step or search probe: the suite's load times `factor`, scaled. */
export interface LoadStep {
  /** Multiple of the suite's load.rate and load.connections. */
  factor: number;
  /** Requests per second per tenant as driven (after the platform's scale). */
  rate?: number;
  connections: number;
}

/** The load of one variant run that is not the suite's own: a sweep step or a search probe. */
export interface VariantLoad extends LoadStep {
  /** Index into plan.sweep.steps. */
  step?: number;
  /** 1-based probe number of a search. */
  probe?: number;
  /** The search's confirmation run at the rate it found. */
  confirm?: boolean;
}

export interface VariantPlan {
  /** Variant name as in the suite. */
  name: string;
  /** 1-based repeat index. */
  repeat: number;
  topology: Topology;
  /** The offered load, when a sweep or search sets it (otherwise plan.load). */
  load?: VariantLoad;
}

/** The suite's load before scaling, from which steps and probes are derived. */
export interface BaseLoad {
  rate?: number;
  connections: number;
}

export interface SloPlan {
  p99Ms: number;
  /** Highest error rate (fraction). */
  errors: number;
}

export interface SweepPlan {
  base: BaseLoad;
  steps: LoadStep[];
  /** The step nearest the suite's own load (factor 1): the one the main tables and thresholds read. */
  reference: number;
}

export interface SearchPlan {
  base: BaseLoad;
  slo: SloPlan;
  resolution: number;
  maxProbes: number;
  /** First probe's factor. */
  start: number;
}

/** The local model's settings as the suite gives them; the local platform resolves the defaults. */
export interface LocalModelPlan {
  /** The dedicated waypoint's share of its CPU limit; undefined = derived from the article. */
  utilization?: number;
  /** 'modelled': Envoy's CPU charged per request against a modelled quota; 'host': the stand-in's own under a cgroup. */
  cpu: 'modelled' | 'host';
  /** cpu 'host': measure the stand-in's CPU cost at `up` and set quotas from it. */
  calibrate: boolean;
  /** Per-service overrides of the modelled service times (durations in ms). */
  serviceTimes: Partial<Record<string, Omit<ServiceTimeSpec, 'mean'> & { meanMs: number }>>;
  /** The waypoint CPU limit as the suite gives it (cores of the modelled system, before scaling). */
  modelledCpuLimit: number;
  /** The per-tenant rate as the suite gives it (before scaling). */
  modelledRate?: number;
}

export interface RunPlan {
  suite: { name: string; description: string; source: string };
  platform: PlatformName;
  /** Scale applied to rate, connections, CPU limit and connection limits (1 off the local platform). */
  scale: number;
  repeats: number;
  tenants: TenantPlan[];
  load: LoadPlan;
  policy: Required<Policy>;
  variants: VariantPlan[];
  thresholds: ParsedThreshold[];
  kube?: KubePlatformSettings;
  /** Local platform only. */
  local?: LocalModelPlan;
  /** Every variant at several offered loads (issue #15). */
  sweep?: SweepPlan;
  /** Each variant's breaking point under the SLO (issue #15). */
  search?: SearchPlan;
  /** The suite's SLO, when it has one. */
  slo?: SloPlan;
  /** Published figures the suite reproduces (the report's "against the article" table). */
  published?: { source: string; figures: PublishedFigure[] };
}

/** The waypoint envelope of a plan: the one its waypoints carry; undefined when no variant has one. */
export function planEnvelope(plan: Pick<RunPlan, 'variants'>): WaypointEnvelope | undefined {
  return envelopeOf(plan.variants.map((v) => v.topology));
}

/** The offered load at `factor` times the suite's (pure): rate and connections scaled alike, at least 1 each. */
export function loadAtFactor(base: BaseLoad, scale: number, factor: number): LoadStep {
  const connections = Math.max(1, Math.round(base.connections * factor * scale));
  if (base.rate === undefined) return { factor, connections };
  const rate = Math.max(1, Math.round(base.rate * factor * scale));
  // Never more connections than requests per second: a connection must send at least once a second.
  return { factor, rate, connections: Math.min(connections, rate) };
}

/** The load a variant run drives (its step's or probe's, else the plan's). */
export function variantLoad(plan: Pick<RunPlan, 'load'>, variant: Pick<VariantPlan, 'load'>): LoadPlan {
  if (!variant.load) return plan.load;
  const { rate, connections } = variant.load;
  return {
    ...plan.load,
    ...(rate === undefined ? {} : { rate }),
    connections,
    agents: Math.min(plan.load.agents, connections),
  };
}
