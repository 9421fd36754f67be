/** The local platform's sampler: CPU of every waypoint (cgroup or /proc), Bookinfo process, the machine; waypoint stats. */
import {
  type ProcessCpu,
  readMachineCpu,
  readMachineMemoryUsed,
  readProcessCpu,
} from '../../metrics/proc-cpu.ts';
import type { CpuReading, Sample, Sampler, StatsReading } from '../types.ts';
import type { BookinfoComponent, WaypointComponent } from './components.ts';
import { scrape } from './waypoint-scrape.ts';

/** The stand-in's CPU and memory: its process and, with several workers, theirs added up. */
async function readWaypointProcesses(w: WaypointComponent): Promise<ProcessCpu | null> {
  const pids = [w.proc.pid, ...(w.proc.ready.workerPids ?? [])];
  const all = await Promise.all(pids.map((pid) => readProcessCpu(pid)));
  const read = all.filter((p): p is ProcessCpu => p !== null);
  if (read.length === 0) return null;
  return {
    cpuSeconds: read.reduce((sum, p) => sum + p.cpuSeconds, 0),
    rssBytes: read.reduce((sum, p) => sum + p.rssBytes, 0),
  };
}

/** The waypoint process's own CPU: exactly from its cgroup (with CFS throttling) when it has one, else /proc. */
async function hostReading(
  w: WaypointComponent,
  counters: Record<string, number> | null,
  proc: ProcessCpu | null,
): Promise<CpuReading> {
  const base: CpuReading = {
    component: `waypoint ${w.key}`,
    kind: 'waypoint',
    namespace: w.config.namespace,
    cpuSeconds: proc?.cpuSeconds ?? 0,
    limitCores: w.config.cpuLimit,
    enforcement: w.enforcement,
    memoryBytes: proc?.rssBytes,
  };
  if (w.cgroup) {
    try {
      const g = await w.cgroup.read();
      return {
        ...base,
        cpuSeconds: g.usageSeconds,
        periods: g.periods,
        throttledPeriods: g.throttledPeriods,
        throttledSeconds: g.throttledSeconds,
      };
    } catch {
      return base;
    }
  }
  if (w.enforcement === 'emulated' && counters) {
    return {
      ...base,
      periods: counters.meshbench_emulated_cpu_nr_periods,
      throttledPeriods: counters.meshbench_emulated_cpu_nr_throttled,
      throttledSeconds: counters.meshbench_emulated_cpu_throttled_seconds,
    };
  }
  return base;
}

/**
 * A waypoint's readings: its CPU against its limit and, when the limit is modelled, the stand-in
 * process's own CPU beside it (kind 'other', after every waypoint's).
 */
async function readWaypoint(
  w: WaypointComponent,
  counters: Record<string, number> | null,
): Promise<{ waypoint: CpuReading; process?: CpuReading }> {
  const host = await hostReading(w, counters, await readWaypointProcesses(w));
  if (w.enforcement !== 'modelled' || !w.config.modelledCpu) return { waypoint: host };
  // The limit the run is about is the modelled one; a failed scrape repeats the last reading.
  if (counters) w.lastModelled = counters;
  const m = w.lastModelled;
  return {
    waypoint: {
      ...host,
      cpuSeconds: m?.meshbench_modelled_cpu_seconds ?? 0,
      limitCores: w.config.modelledCpu.cores,
      periods: m?.meshbench_modelled_cpu_nr_periods,
      throttledPeriods: m?.meshbench_modelled_cpu_nr_throttled,
      throttledSeconds: m?.meshbench_modelled_cpu_throttled_seconds,
    },
    // What the stand-in itself costs this host, beside the modelled Envoy CPU it is charged.
    process: {
      component: `waypoint process ${w.key}`,
      kind: 'other',
      namespace: w.config.namespace,
      cpuSeconds: host.cpuSeconds,
    },
  };
}

/** What the sampler reads of the local platform. */
export interface SampledMesh {
  readonly waypoints: ReadonlyMap<string, WaypointComponent>;
  readonly bookinfo: ReadonlyMap<string, BookinfoComponent>;
  checkHealthy(): void;
}

export function createLocalSampler(platform: SampledMesh): Sampler {
  return {
    async sample(): Promise<Sample> {
      platform.checkHealthy();
      const at = Date.now();
      const waypoints = [...platform.waypoints.values()];
      const scrapes = await Promise.all(waypoints.map(scrape));
      const readings = await Promise.all(waypoints.map((w, i) => readWaypoint(w, scrapes[i])));
      const cpu: CpuReading[] = [
        ...readings.map((r) => r.waypoint),
        ...readings.flatMap((r) => (r.process ? [r.process] : [])),
      ];
      for (const b of platform.bookinfo.values()) {
        const p = await readProcessCpu(b.proc.pid);
        cpu.push({
          component: `bookinfo ${b.namespace}`,
          kind: 'service',
          namespace: b.namespace,
          cpuSeconds: p?.cpuSeconds ?? 0,
          memoryBytes: p?.rssBytes,
        });
      }
      const self = process.cpuUsage();
      cpu.push({
        component: 'meshbench (load generator)',
        kind: 'load',
        cpuSeconds: (self.user + self.system) / 1e6,
        memoryBytes: process.memoryUsage().rss,
      });
      const machine = await readMachineCpu();
      cpu.push({
        component: 'machine',
        kind: 'machine',
        cpuSeconds: machine.busySeconds,
        limitCores: machine.cores,
        memoryBytes: await readMachineMemoryUsed(),
      });
      const stats: StatsReading[] = [];
      waypoints.forEach((w, i) => {
        const counters = scrapes[i];
        if (counters) stats.push({ component: `waypoint ${w.key}`, counters });
      });
      platform.checkHealthy();
      return { at, cpu, stats };
    },
  };
}
