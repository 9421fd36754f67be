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

export interface VariantPlan {
  /** Variant name as in the suite. */
  name: string;
  /** 1-based repeat index. */
  repeat: number;
  topology: Topology;
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
  /** Published figures the suite reproduces (the report's "against the article" table). */
  published?: { source: string; figures: PublishedFigure[] };
}

/** The waypoint envelope of a plan: the one its waypoints carry; undefined when no variant has one. */
export function planEnvelope(plan: Pick<RunPlan, 'variants'>): WaypointEnvelope | undefined {
  return envelopeOf(plan.variants.map((v) => v.topology));
}
