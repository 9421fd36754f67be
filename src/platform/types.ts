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

/** What a running platform serves, listed by `meshbench up` (endpoints a human can curl). */
export interface PlatformDescription {
  targets: TenantTarget[];
  waypoints: Array<{
    waypoint: string;
    url: string;
    stats: string;
    pid?: number;
    cpuLimit?: number;
    enforcement?: string;
  }>;
  services: Array<{ namespace: string; pid?: number; ports: Record<string, number> }>;
}

/** `meshbench up`'s claim on a platform: recorded once it runs (so `down` finds it), released at the end. */
export interface UpHold {
  /** Records the running `up`; returns where (the state file). */
  record(): Promise<string>;
  release(): Promise<void>;
}

/** What `meshbench down` was asked to stop. */
export interface TeardownOptions {
  timeoutMs: number;
  /** kind: the cluster to delete. */
  clusterName?: string;
  /** cluster: the context and kubeconfig. */
  context?: string;
  kubeconfig?: string;
}

/** `meshbench down` for one platform: stops what an earlier `up` or run left; returns what it did. */
export type Teardown = (
  opts: TeardownOptions,
  io: { log: (line: string) => void; env: NodeJS.ProcessEnv },
) => Promise<string>;

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
  /** The running platform's endpoints, for `meshbench up` (platforms that cannot be held leave it out). */
  describe?(): PlatformDescription;
  /** Aborted with the error when a component dies on its own (a long `up` stops on it). */
  readonly failed?: AbortSignal;
  /** Claims the platform for `meshbench up` (refused while another `up` holds it: ALREADY_UP). */
  hold?(info: { suite: string; variant: string; env: NodeJS.ProcessEnv }): Promise<UpHold>;
}
