/** CPU and memory from /proc (Linux): per process and for the whole machine. parse* pure, read* effectful. */
import { readFile } from 'node:fs/promises';
import { cpus, freemem, totalmem } from 'node:os';

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every mainstream Linux). */
export const CLOCK_TICKS = 100;

export interface ProcessCpu {
  /** Cumulative user + system CPU seconds. */
  cpuSeconds: number;
  /** Resident set size in bytes. */
  rssBytes: number;
}

/** Parses /proc/<pid>/stat (utime, stime are fields 14 and 15; rss pages field 24). */
export function parseProcStat(text: string, pageSize = 4096): ProcessCpu | null {
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = Number(fields[21]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssBytes: Number.isFinite(rss) ? rss * pageSize : 0 };
}

export interface MachineCpu {
  /** Cumulative busy CPU seconds over all cores (everything but idle and iowait). */
  busySeconds: number;
  /** Cumulative total CPU seconds over all cores. */
  totalSeconds: number;
  cores: number;
}

/** Parses the aggregate `cpu` line of /proc/stat. */
export function parseMachineStat(text: string, cores: number): MachineCpu | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest fields are already in user/nice).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = v.map((x) => x || 0);
  const busy = user + nice + system + irq + softirq + steal;
  return {
    busySeconds: busy / CLOCK_TICKS,
    totalSeconds: (busy + idle + iowait) / CLOCK_TICKS,
    cores,
  };
}

/** Reads one process's CPU; null when it is gone or /proc is unavailable (non-Linux). */
export async function readProcessCpu(pid: number): Promise<ProcessCpu | null> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Reads the machine's CPU; falls back to os.cpus() times where /proc is missing. */
export async function readMachineCpu(): Promise<MachineCpu> {
  const cores = cpus().length;
  try {
    const parsed = parseMachineStat(await readFile('/proc/stat', 'utf8'), cores);
    if (parsed) return parsed;
  } catch {
    // not Linux: use os.cpus() below
  }
  let busy = 0;
  let total = 0;
  for (const c of cpus()) {
    const t = c.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busySeconds: busy / 1000, totalSeconds: total / 1000, cores };
}

/** Machine memory in use (total − available), in bytes. */
export async function readMachineMemoryUsed(): Promise<number> {
  try {
    const text = await readFile('/proc/meminfo', 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return kb('MemTotal') - kb('MemAvailable');
  } catch {
    return totalmem() - freemem();
  }
}
