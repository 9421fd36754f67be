/** The local platform's running components, as the platform, its sampler and its probes see them. */
import type { CpuCgroup } from '../../metrics/cgroup.ts';
import type { BookinfoService } from '../../topology/model.ts';
import type { ComponentProcess } from './child-process.ts';
import type { WaypointConfig } from './waypoint-server.ts';

export interface BookinfoComponent {
  namespace: string;
  proc: ComponentProcess<{ ports: Record<BookinfoService, number>; pid: number }>;
}

export interface WaypointComponent {
  key: string;
  config: WaypointConfig;
  fingerprint: string;
  /** workerPids: the worker processes of a multi-worker waypoint (none with one worker). */
  proc: ComponentProcess<{ port: number; adminPort: number; pid: number; workerPids: number[] }>;
  cgroup: CpuCgroup | null;
  enforcement: 'cgroup-v1' | 'cgroup-v2' | 'emulated' | 'modelled' | 'none';
  /** Modelled enforcement: the last modelled-CPU counters scraped (a failed scrape repeats them). */
  lastModelled?: Record<string, number>;
}
