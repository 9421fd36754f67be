/** The local platform's sampler: CPU of every waypoint (cgroup or /proc), Bookinfo process, the machine; waypoint stats. */
import { request } from 'undici';
import { parsePrometheusText } from '../../metrics/prometheus-text.ts';
import { readMachineCpu, readMachineMemoryUsed, readProcessCpu } from '../../metrics/proc-cpu.ts';
import type { CpuReading, Sample, Sampler, StatsReading } from '../types.ts';
import type { LocalPlatform, WaypointComponent } from './platform.ts';
import { summarizeWaypointScrape } from './waypoint-stats.ts';

const SCRAPE_TIMEOUT_MS = 2000;

export async function scrape(w: {
  proc: { ready: { adminPort: number } };
}): Promise<Record<string, number> | null> {
  try {
    const res = await request(`http://127.0.0.1:${w.proc.ready.adminPort}/stats/prometheus`, {
      signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
    });
    const text = await res.body.text();
    return summarizeWaypointScrape(parsePrometheusText(text));
  } catch {
    // A throttled waypoint may answer late; a missing point is better than a stalled sampler.
    return null;
  }
}

async function readWaypoint(
  w: WaypointComponent,
  counters: Record<string, number> | null,
): Promise<CpuReading> {
  const proc = await readProcessCpu(w.proc.pid);
  const base: CpuReading = {
    component: `waypoint ${w.key}`,
    kind: 'waypoint',
    namespace: w.config.namespace,
    cpuSeconds: proc?.cpuSeconds ?? 0,
    limitCores: w.config.cpuLimit,
    enforcement: w.enforcement,
    memoryBytes: proc?.rssBytes,
  };
  if (w.enforcement === 'modelled' && w.config.modelledCpu) {
    // The limit the run is about is the modelled one; a failed scrape repeats the last reading.
    if (counters) w.lastModelled = counters;
    const m = w.lastModelled;
    return {
      ...base,
      cpuSeconds: m?.meshbench_modelled_cpu_seconds ?? 0,
      limitCores: w.config.modelledCpu.cores,
      periods: m?.meshbench_modelled_cpu_nr_periods,
      throttledPeriods: m?.meshbench_modelled_cpu_nr_throttled,
      throttledSeconds: m?.meshbench_modelled_cpu_throttled_seconds,
    };
  }
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

/** The stand-in process's own CPU: exactly from its cgroup when it has one, else from /proc. */
async function standInCpuSeconds(w: WaypointComponent): Promise<number> {
  if (w.cgroup) {
    try {
      return (await w.cgroup.read()).usageSeconds;
    } catch {
      // Fall through to /proc.
    }
  }
  return (await readProcessCpu(w.proc.pid))?.cpuSeconds ?? 0;
}

export function createLocalSampler(platform: LocalPlatform): Sampler {
  return {
    async sample(): Promise<Sample> {
      platform.checkHealthy();
      const at = Date.now();
      const waypoints = [...platform.waypoints.values()];
      const scrapes = await Promise.all(waypoints.map(scrape));
      const cpu: CpuReading[] = await Promise.all(waypoints.map((w, i) => readWaypoint(w, scrapes[i])));
      for (const w of waypoints) {
        if (w.enforcement !== 'modelled') continue;
        // What the stand-in itself costs this host, beside the modelled Envoy CPU it is charged.
        const cpuSeconds = await standInCpuSeconds(w);
        cpu.push({
          component: `waypoint process ${w.key}`,
          kind: 'other',
          namespace: w.config.namespace,
          cpuSeconds,
        });
      }
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
