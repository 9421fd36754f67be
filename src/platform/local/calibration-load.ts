/**
 * The calibration load (effects): the dedicated topology without quotas, every tenant at the plan's rate,
 * each waypoint's CPU (cgroup, else /proc) and its proxied requests read from the second the stand-in's
 * JIT has warmed to the end of the load.
 */
import { MeshbenchError } from '../../errors.ts';
import { tenantSchedule } from '../../load/tenant-schedule.ts';
import type { LoadDriver, LoadSchedule } from '../../load/types.ts';
import type { CpuCgroup } from '../../metrics/cgroup.ts';
import { readProcessCpu } from '../../metrics/proc-cpu.ts';
import type { RunPlan } from '../../suite/plan.ts';
import type { TenantTarget } from '../types.ts';
import type { CalibrationReading } from '../../result/calibration.ts';
import { outboundClusterName } from './destination.ts';
import { scrape } from './waypoint-scrape.ts';

/** The calibration load's length, and the second of it from which CPU is counted (to its end). */
export const CALIBRATION_MS = 14000;
export const CALIBRATION_FROM_S = 7;

/** What the calibration reads of a running waypoint. */
export interface MeteredWaypoint {
  key: string;
  config: { namespace: string };
  cgroup: CpuCgroup | null;
  proc: { pid: number; ready: { adminPort: number } };
}

/** The counter of a tenant's load requests at its waypoint (one per load request). */
export function requestCounter(t: { service: string; namespace: string }): string {
  return `cluster.${outboundClusterName({ service: t.service, namespace: t.namespace })}.upstream_rq_total`;
}

async function readAll(waypoints: MeteredWaypoint[]) {
  return Promise.all(
    waypoints.map(async (w) => ({
      w,
      at: Date.now(),
      cpu: w.cgroup
        ? (await w.cgroup.read()).usageSeconds
        : ((await readProcessCpu(w.proc.pid))?.cpuSeconds ?? 0),
      stats: (await scrape(w)) ?? {},
    })),
  );
}

/** Runs the calibration load against `targets` and returns each waypoint's reading. */
export async function runCalibrationLoad(input: {
  plan: RunPlan;
  targets: TenantTarget[];
  waypoints: () => MeteredWaypoint[];
  driver: LoadDriver;
  signal?: AbortSignal;
}): Promise<CalibrationReading[]> {
  const { plan, targets, signal } = input;
  const schedules: Record<string, LoadSchedule> = {};
  for (const t of plan.tenants) {
    const target = targets.find((x) => x.tenant === t.name)!;
    schedules[t.name] = {
      ...tenantSchedule(
        { ...t, startOffsetMs: 0 },
        { ...plan.load, durationMs: CALIBRATION_MS, warmupMs: 0 },
        target.url,
      ),
      headers: { ...target.headers, ...t.headers },
    };
  }
  let first: Awaited<ReturnType<typeof readAll>> | undefined;
  let reading: Promise<void> = Promise.resolve();
  const seen = new Set<number>();
  await input.driver.run({
    schedules,
    signal,
    onProgress: (p) => {
      // One reading after the first seconds (connections open, JIT warm, rate steady).
      if (seen.has(p.t)) return;
      seen.add(p.t);
      if (p.t === CALIBRATION_FROM_S)
        reading = reading.then(async () => {
          first = await readAll(input.waypoints());
        });
    },
  });
  await reading;
  // CPU per request is Δcpu / Δrequests, so the closing reading can come after the load's tail.
  const last = await readAll(input.waypoints());
  if (signal?.aborted) throw signal.reason;
  if (!first)
    throw new MeshbenchError('PLATFORM_FAILED', 'the calibration load ended before its window', {
      fix: 'see the component stderr above; the machine may be overloaded',
    });
  return first.map((a) => {
    const b = last.find((x) => x.w === a.w)!;
    const tenant = plan.tenants.find((t) => t.namespace === a.w.config.namespace);
    const cluster = tenant ? requestCounter(tenant) : '';
    return {
      waypoint: a.w.key,
      cpuSeconds: Math.round((b.cpu - a.cpu) * 1000) / 1000,
      hops: (b.stats.upstream_rq_total ?? 0) - (a.stats.upstream_rq_total ?? 0),
      requests: (b.stats[cluster] ?? 0) - (a.stats[cluster] ?? 0),
      windowSeconds: (b.at - a.at) / 1000,
    };
  });
}
