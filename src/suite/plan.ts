/** The RunPlan: a validated suite expanded for one platform (variants × repeats × tenants). Plain data. */
import type { ParsedThreshold } from '../analysis/threshold-grammar.ts';
import type { Topology } from '../topology/model.ts';
import type { KubePlatformSettings, PlatformName, Policy, WaypointEnvelope } from './schema.ts';

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
}

export interface VariantPlan {
  /** Variant name as in the suite. */
  name: string;
  /** 1-based repeat index. */
  repeat: number;
  topology: Topology;
}

export interface RunPlan {
  suite: { name: string; description: string; source: string };
  platform: PlatformName;
  /** Scale applied to rate, connections, CPU limit and connection limits (1 off the local platform). */
  scale: number;
  repeats: number;
  tenants: TenantPlan[];
  load: LoadPlan;
  waypoint: WaypointEnvelope;
  policy: Required<Policy>;
  variants: VariantPlan[];
  thresholds: ParsedThreshold[];
  kube?: KubePlatformSettings;
}
