/** The Platform seam: one interface, three implementations (local, kind, cluster). */
import type { LocalCalibration } from '../result/calibration.ts';
import type { LoadDriver } from '../load/types.ts';
import type { RunPlan } from '../suite/plan.ts';
import type { Topology } from '../topology/model.ts';
import type { PreflightReport } from '../topology/preflight.ts';

/** Where one tenant's load goes and what identifies it (local: the mesh client-side entry). */
export interface TenantTarget {
  tenant: string;
  url: string;
  headers: Record<string, string>;
}

/** One CPU reading of one component; cumulative counters (the orchestrator differences them). */
export interface CpuReading {
  component: string;
  kind: 'waypoint' | 'service' | 'ztunnel' | 'load' | 'machine' | 'other';
  /** Namespace/tenant the component belongs to, when it has one. */
  namespace?: string;
  /** Cumulative CPU seconds used. */
  cpuSeconds: number;
  /** CPU limit in cores, when one applies. */
  limitCores?: number;
  /** How the limit is enforced: cgroup v1/v2, emulated in-process, by Kubernetes, or not at all. */
  enforcement?: 'cgroup-v1' | 'cgroup-v2' | 'emulated' | 'modelled' | 'kubernetes' | 'none';
  /** Cumulative CFS periods and throttled periods/time, when known. */
  periods?: number;
  throttledPeriods?: number;
  throttledSeconds?: number;
  memoryBytes?: number;
}

/** Cumulative proxy counters of one component (Envoy names: upstream_cx_overflow, …). */
export interface StatsReading {
  component: string;
  counters: Record<string, number>;
}

export interface Sample {
  /** Epoch ms of the reading. */
  at: number;
  cpu: CpuReading[];
  stats: StatsReading[];
}

/**
 * Polled about once a second by the orchestrator while load runs. Rejects with
 * MeshbenchError('PLATFORM_FAILED') when a component has died: the orchestrator then stops the
 * variant, keeps what was measured and records the failure.
 */
export interface Sampler {
  sample(): Promise<Sample>;
}

export interface PlatformInfo {
  name: 'local' | 'kind' | 'cluster';
  /** Versions worth recording (istio, kubernetes, node, …). */
  versions: Record<string, string>;
  notes: string[];
  /** The local platform's calibrated envelope (measured CPU cost, utilization, resulting quota). */
  calibration?: LocalCalibration;
}

export interface Platform {
  readonly name: 'local' | 'kind' | 'cluster';
  /** Brings up everything variant-independent (Bookinfo per tenant, mesh plumbing). */
  up(plan: RunPlan, options?: { signal?: AbortSignal; log?: (line: string) => void }): Promise<void>;
  /** Switches to a variant's topology without restarting Bookinfo. */
  apply(topology: Topology): Promise<void>;
  /** Where each tenant's load goes under the current topology. */
  targets(): TenantTarget[];
  /**
   * Probes the applied topology against the one the suite says the variant has (`expected`): the L7
   * policy answers as declared and each tenant's traffic crosses its waypoint. Platforms without
   * probes leave it out.
   */
  preflight?(expected: Topology): Promise<PreflightReport>;
  sampler(): Sampler;
  loadDriver(): LoadDriver;
  info(): PlatformInfo;
  /** Tears down everything it created, and only that. Idempotent. */
  down(): Promise<void>;
}
