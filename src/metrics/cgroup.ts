/**
 * CPU cgroups for waypoint processes: create with a CFS quota, move a PID in, read usage and
 * throttling, remove. cgroup v1 (cpu + cpuacct hierarchies) and v2 (cpu.max). parse* are pure.
 */
import { rmdirSync } from 'node:fs';
import { access, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type CgroupMode = 'cgroup-v1' | 'cgroup-v2';

export interface CgroupLayout {
  mode: CgroupMode;
  /** v1: the cpu hierarchy; v2: the unified hierarchy directory we create children in. */
  cpuRoot: string;
  /** v1 only: the cpuacct hierarchy (may equal cpuRoot when co-mounted). */
  cpuacctRoot?: string;
}

export interface CpuStat {
  periods: number;
  throttledPeriods: number;
  throttledSeconds: number;
  /** v2 only: cumulative usage (v1 reads cpuacct.usage). */
  usageSeconds?: number;
}

/** Parses cpu.stat of v1 (nr_periods, nr_throttled, throttled_time ns) or v2 (…_usec). */
export function parseCpuStat(text: string): CpuStat {
  const kv: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined) kv[k] = Number(v);
  }
  const v2 = 'usage_usec' in kv || 'throttled_usec' in kv;
  return {
    periods: kv.nr_periods ?? 0,
    throttledPeriods: kv.nr_throttled ?? 0,
    throttledSeconds: v2 ? (kv.throttled_usec ?? 0) / 1e6 : (kv.throttled_time ?? 0) / 1e9,
    usageSeconds: v2 ? (kv.usage_usec ?? 0) / 1e6 : undefined,
  };
}

/** The CFS quota for a CPU limit: quota = cores × period (min 1 ms, the kernel's floor). */
export function buildCfsQuota(cores: number, periodUs = 100_000): { periodUs: number; quotaUs: number } {
  return { periodUs, quotaUs: Math.max(1000, Math.round(cores * periodUs)) };
}

async function writable(path: string): Promise<boolean> {
  try {
    await access(path);
    const probe = join(path, `meshbench-probe-${process.pid}`);
    await mkdir(probe);
    await rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

/** Finds a cgroup hierarchy we may create CPU-limited children in, or null (not Linux, no root). */
export async function detectCgroupLayout(base = '/sys/fs/cgroup'): Promise<CgroupLayout | null> {
  const v1cpu = join(base, 'cpu');
  try {
    await access(join(v1cpu, 'cpu.cfs_quota_us'));
    if (await writable(v1cpu)) {
      let cpuacctRoot = join(base, 'cpuacct');
      try {
        await access(join(cpuacctRoot, 'cpuacct.usage'));
      } catch {
        cpuacctRoot = v1cpu;
      }
      return { mode: 'cgroup-v1', cpuRoot: v1cpu, cpuacctRoot };
    }
  } catch {
    // no v1 cpu hierarchy
  }
  for (const root of [base, join(base, 'unified')]) {
    try {
      const controllers = await readFile(join(root, 'cgroup.controllers'), 'utf8');
      const subtree = await readFile(join(root, 'cgroup.subtree_control'), 'utf8');
      if (controllers.includes('cpu') && subtree.includes('cpu') && (await writable(root)))
        return { mode: 'cgroup-v2', cpuRoot: root };
    } catch {
      // not a usable v2 root
    }
  }
  return null;
}

/** A cgroup this process created; remove() deletes it (only it). */
export class CpuCgroup {
  readonly name: string;
  readonly layout: CgroupLayout;
  limitCores: number;

  private constructor(layout: CgroupLayout, name: string, limitCores: number) {
    this.layout = layout;
    this.name = name;
    this.limitCores = limitCores;
  }

  private dirs(): string[] {
    const { cpuRoot, cpuacctRoot } = this.layout;
    const cpu = join(cpuRoot, this.name);
    return cpuacctRoot && cpuacctRoot !== cpuRoot ? [cpu, join(cpuacctRoot, this.name)] : [cpu];
  }

  static async create(input: { layout: CgroupLayout; name: string; cores: number }): Promise<CpuCgroup> {
    const g = new CpuCgroup(input.layout, input.name, input.cores);
    for (const d of g.dirs()) await mkdir(d, { recursive: true });
    await g.setLimit(input.cores);
    return g;
  }

  /** Sets the CFS quota to `cores` (members keep running; the next period uses the new quota). */
  async setLimit(cores: number): Promise<void> {
    const { periodUs, quotaUs } = buildCfsQuota(cores);
    const cpu = this.dirs()[0];
    if (this.layout.mode === 'cgroup-v1') {
      await writeFile(join(cpu, 'cpu.cfs_period_us'), String(periodUs));
      await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(quotaUs));
    } else {
      await writeFile(join(cpu, 'cpu.max'), `${quotaUs} ${periodUs}`);
    }
    this.limitCores = cores;
  }

  async addPid(pid: number): Promise<void> {
    for (const d of this.dirs()) await writeFile(join(d, 'cgroup.procs'), String(pid));
  }

  /** Cumulative usage and throttling. */
  async read(): Promise<CpuStat & { usageSeconds: number }> {
    const [cpu, acct] = [this.dirs()[0], this.dirs()[1] ?? this.dirs()[0]];
    const stat = parseCpuStat(await readFile(join(cpu, 'cpu.stat'), 'utf8'));
    if (this.layout.mode === 'cgroup-v2') return { ...stat, usageSeconds: stat.usageSeconds ?? 0 };
    const usageNs = Number((await readFile(join(acct, 'cpuacct.usage'), 'utf8')).trim());
    return { ...stat, usageSeconds: usageNs / 1e9 };
  }

  /** Removes the cgroup directories; retries briefly while killed members are still leaving. */
  async remove(): Promise<void> {
    for (const d of this.dirs()) await removeCgroupDir(d);
  }

  /**
   * Synchronous last resort for a forced exit (process 'exit' handler, members just SIGKILLed): retries
   * for up to `waitMs` while they leave. Returns false when the cgroup is still there (the next run or
   * `meshbench down` sweeps it).
   */
  removeNow(waitMs = 1000): boolean {
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + waitMs;
    for (const d of this.dirs()) {
      for (;;) {
        try {
          rmdirSync(d);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || Date.now() > until) return false;
          Atomics.wait(sleeper, 0, 0, 20);
        }
      }
    }
    return true;
  }
}

async function removeCgroupDir(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await rmdir(dir);
}

/** The owning run's PID encoded in our cgroup names (`meshbench-<pid>-…`). */
export function parseOwnerPid(name: string): number | null {
  const m = /^meshbench-(\d+)-/.exec(name);
  return m ? Number(m[1]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes meshbench cgroups left by runs whose owner PID is dead and that hold no process. */
export async function removeStaleCgroups(layout: CgroupLayout): Promise<string[]> {
  const removed: string[] = [];
  const roots = [
    layout.cpuRoot,
    ...(layout.cpuacctRoot && layout.cpuacctRoot !== layout.cpuRoot ? [layout.cpuacctRoot] : []),
  ];
  for (const root of roots) {
    let names: string[] = [];
    try {
      names = await readdir(root);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = parseOwnerPid(name);
      if (owner === null || alive(owner)) continue;
      try {
        const procs = (await readFile(join(root, name, 'cgroup.procs'), 'utf8')).trim();
        if (procs !== '') continue;
        await removeCgroupDir(join(root, name));
        removed.push(join(root, name));
      } catch {
        // leave what we cannot inspect
      }
    }
  }
  return removed;
}
