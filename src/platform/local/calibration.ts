/**
 * The waypoint CPU envelope (pure). Modelled (the default): Envoy's CPU cost per request, from the
 * utilization the suite declares, charged against a quota of cpuLimit × scale cores — the same on every
 * host. Host: the stand-in's own CPU cost measured on this host sets a real cgroup quota, so a faster
 * or slower host changes the quota, not the utilization.
 */
import type { CalibrationReading, LocalCalibration } from '../../result/calibration.ts';
import type { LocalModelPlan } from '../../suite/plan.ts';
import { BOOKINFO_SERVICES, type BookinfoService } from '../../topology/model.ts';
import {
  DEFAULT_SERVICE_TIMES,
  defaultUtilization,
  ENVOY_CPU_MS_PER_REQUEST,
  HOPS_PER_REQUEST,
  type ServiceTimeMs,
  WAKEUP_SHARE,
} from './model-constants.ts';

/** The utilization the model runs at: the suite's, else derived from the article's Envoy cost. */
export function resolveUtilization(local: LocalModelPlan | undefined): {
  utilization: number;
  source: 'suite' | 'article';
} {
  if (local?.utilization !== undefined) return { utilization: local.utilization, source: 'suite' };
  return {
    utilization: defaultUtilization(local?.modelledRate, local?.modelledCpuLimit ?? 2),
    source: 'article',
  };
}

/** The service times the Bookinfo stand-ins wait: the suite's overrides over the calibrated defaults. */
export function resolveServiceTimes(
  local: LocalModelPlan | undefined,
): Record<BookinfoService, ServiceTimeMs> {
  const out = { ...DEFAULT_SERVICE_TIMES };
  for (const svc of BOOKINFO_SERVICES) {
    const o = local?.serviceTimes[svc];
    if (o) out[svc] = { meanMs: o.meanMs, distribution: o.distribution, cv: o.cv };
  }
  return out;
}

/**
 * The modelled envelope: quota = cpuLimit × scale cores; Envoy's cost per request set so that one tenant's
 * rate alone uses `utilization` of it (without a rate, the article's cost per request).
 */
export function buildModelledCalibration(input: {
  utilization: number;
  utilizationSource: 'suite' | 'article';
  modelledCpuLimit: number;
  scale: number;
  /** Per-tenant rate as run (scaled), req/s. */
  rate?: number;
}): LocalCalibration {
  const quotaCores = round(input.modelledCpuLimit * input.scale, 4);
  const cpuMsPerRequest =
    input.rate === undefined
      ? ENVOY_CPU_MS_PER_REQUEST
      : (input.utilization * quotaCores * 1000) / input.rate;
  return {
    method: 'modelled',
    utilization: input.utilization,
    utilizationSource: input.utilizationSource,
    modelledCpuLimit: input.modelledCpuLimit,
    quotaCores,
    rate: input.rate,
    demandCores: input.rate === undefined ? undefined : round(input.utilization * quotaCores, 4),
    cpuMsPerRequest: round(cpuMsPerRequest, 5),
    cpuMsPerHop: round(cpuMsPerRequest / HOPS_PER_REQUEST, 5),
    hopsPerRequest: round(HOPS_PER_REQUEST, 3),
    wakeShare: WAKEUP_SHARE,
  };
}

/** What a waypoint charges under the modelled envelope: per request, and once per wakeup. */
export function modelledCharges(c: LocalCalibration): { cores: number; hopMs: number; wakeMs: number } {
  const perHop = (c.cpuMsPerRequest ?? ENVOY_CPU_MS_PER_REQUEST) / HOPS_PER_REQUEST;
  const share = c.wakeShare ?? WAKEUP_SHARE;
  return { cores: c.quotaCores, hopMs: round(perHop * (1 - share), 6), wakeMs: round(perHop * share, 6) };
}

/** Quota from the readings: mean dedicated demand at `rate` ÷ utilization. */
export function buildCalibration(input: {
  readings: CalibrationReading[];
  rate: number;
  utilization: number;
  utilizationSource: 'suite' | 'article';
  modelledCpuLimit: number;
}): LocalCalibration {
  const { readings, rate, utilization } = input;
  const cpu = readings.reduce((a, r) => a + r.cpuSeconds, 0);
  const requests = readings.reduce((a, r) => a + r.requests, 0);
  const hops = readings.reduce((a, r) => a + r.hops, 0);
  if (requests <= 0 || cpu <= 0)
    throw new Error(
      `calibration measured no ${requests <= 0 ? 'requests' : 'CPU'} through the waypoints (${readings.map((r) => r.waypoint).join(', ')})`,
    );
  const cpuMsPerRequest = (cpu * 1000) / requests;
  const demandCores = (cpuMsPerRequest * rate) / 1000;
  const quotaCores = round(demandCores / utilization, 4);
  return {
    method: 'measured',
    utilization,
    utilizationSource: input.utilizationSource,
    modelledCpuLimit: input.modelledCpuLimit,
    quotaCores,
    rate,
    demandCores: round(demandCores, 4),
    cpuMsPerRequest: round(cpuMsPerRequest, 5),
    cpuMsPerHop: hops > 0 ? round((cpu * 1000) / hops, 5) : undefined,
    hopsPerRequest: round(hops / requests, 3),
    readings,
  };
}

/** The calibration refined by a dedicated variant's measured CPU per request (same rate and utilization). */
export function refineQuota(
  c: LocalCalibration,
  measured: { cpuSeconds: number; requests: number },
): LocalCalibration {
  const cpuMsPerRequest = (measured.cpuSeconds * 1000) / measured.requests;
  const demandCores = (cpuMsPerRequest * (c.rate ?? 0)) / 1000;
  const first = c.refinedFrom;
  return {
    ...c,
    demandCores: round(demandCores, 4),
    cpuMsPerRequest: round(cpuMsPerRequest, 5),
    quotaCores: round(demandCores / c.utilization, 4),
    refinedFrom: {
      variant: 'dedicated',
      requests: measured.requests,
      cpuMsPerRequest: round(cpuMsPerRequest, 5),
      calibratedQuotaCores: first?.calibratedQuotaCores ?? c.quotaCores,
      calibratedCpuMsPerRequest: first?.calibratedCpuMsPerRequest ?? c.cpuMsPerRequest,
    },
  };
}

function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}
