/**
 * result.json: the versioned record of one run. Everything after it (summaries, verdicts, reports,
 * compare) is a pure function of this file, re-runnable offline.
 */
import type { LoadResult } from '../load/types.ts';
import type { LocalCalibration } from './calibration.ts';
import type { RunPlan, VariantLoad } from '../suite/plan.ts';
import type { PreflightReport } from '../topology/preflight.ts';

export const RESULT_SCHEMA_VERSION = 1;

/** One second of one component's CPU (rates derived from the cumulative readings). */
export interface CpuPoint {
  /** Seconds since the variant's load started. */
  t: number;
  /** Cores used over the second. */
  cores: number;
  /** Fraction of CFS periods throttled in the second, when known. */
  throttledRatio?: number;
  throttledSeconds?: number;
  memoryBytes?: number;
}

export interface CpuSeries {
  component: string;
  kind: 'waypoint' | 'service' | 'ztunnel' | 'load' | 'machine' | 'other';
  namespace?: string;
  limitCores?: number;
  enforcement?: 'cgroup-v1' | 'cgroup-v2' | 'emulated' | 'modelled' | 'kubernetes' | 'none';
  points: CpuPoint[];
  /** Totals over the variant. */
  throttledPeriods?: number;
  periods?: number;
}

export interface StatsSeries {
  component: string;
  /** Counter increase over the variant (final − first reading). */
  deltas: Record<string, number>;
  /** Per-second increases of the counters that changed. */
  points: Array<{ t: number; counters: Record<string, number> }>;
}

export interface TenantResult {
  tenant: string;
  namespace: string;
  load: LoadResult;
}

export interface VariantResult {
  name: string;
  repeat: number;
  kind: 'dedicated' | 'shared' | 'per-service' | 'none';
  startedAt: number;
  endedAt: number;
  complete: boolean;
  tenants: TenantResult[];
  cpu: CpuSeries[];
  stats: StatsSeries[];
  /** Why the variant failed, when it did (the run goes on to the next variant). */
  error?: { code: string; message: string };
  /** The preflight probes before its load (absent when skipped or not supported by the platform). */
  preflight?: PreflightReport;
  /** The offered load of a sweep step or search probe (absent: the plan's load). */
  load?: VariantLoad;
}

export interface Verdict {
  key: string;
  expression: string;
  selector: { variant?: string; tenant?: string };
  /** The figure compared (NaN-free; null when it could not be computed). */
  actual: number | null;
  pass: boolean;
  /** Human reason when not computable (e.g. variant missing). */
  note?: string;
}

export interface RunMeta {
  id: string;
  suite: { name: string; description: string; source: string };
  platform: 'local' | 'kind' | 'cluster';
  startedAt: string;
  endedAt?: string;
  complete: boolean;
  /** Why the run stopped early (signal, error). */
  abort?: { reason: string; code: string };
  git?: { revision: string; dirty: boolean };
  machine: {
    hostname: string;
    cpus: number;
    cpuModel: string;
    memoryBytes: number;
    os: string;
    node: string;
  };
  versions: Record<string, string>;
  command: string[];
  notes: string[];
  /** Local platform: the calibrated waypoint envelope (measured cost, utilization, quota). */
  calibration?: LocalCalibration;
}

export interface RunResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  meta: RunMeta;
  plan: RunPlan;
  variants: VariantResult[];
  verdicts: Verdict[];
}
