/**
 * The state file of a running `meshbench up` (so `meshbench down` can stop it): JSON with the PID and
 * the kernel start time of the `up` process, in $MESHBENCH_STATE_DIR or a private (0700) per-user
 * folder in the OS temp dir. `down` signals the PID only when its start time still matches: a reused
 * PID, or any other process named there, is never signalled.
 */
import { chmod, lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeshbenchError } from '../../errors.ts';

export interface UpState {
  pid: number;
  startedAt: string;
  suite: string;
  variant: string;
  /** PIDs of the component processes, for checks that nothing is left. */
  componentPids: number[];
  /** The `up` process's start time in clock ticks since boot (/proc/<pid>/stat); absent off Linux. */
  startTicks?: string;
}

/** The state folder: $MESHBENCH_STATE_DIR, else meshbench-<uid> in the OS temp dir. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MESHBENCH_STATE_DIR || join(tmpdir(), `meshbench-${process.getuid?.() ?? 'user'}`);
}

export function stateFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'meshbench-up.json');
}

/**
 * Creates the state folder owner-only, and refuses one that is a symlink or someone else's: the file in
 * it names a PID we will signal, and a shared temp folder lets anyone plant a file or a link there.
 */
export async function ensureStateDir(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = stateDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  const uid = process.getuid?.();
  if (st.isSymbolicLink() || !st.isDirectory() || (uid !== undefined && st.uid !== uid))
    throw new MeshbenchError(
      'PLATFORM_UNAVAILABLE',
      `state folder ${dir} is not a private folder of this user`,
      {
        input: 'MESHBENCH_STATE_DIR',
        value: dir,
        fix: `remove ${dir}, or set MESHBENCH_STATE_DIR to a folder you own`,
      },
    );
  if (!env.MESHBENCH_STATE_DIR) await chmod(dir, 0o700);
  return dir;
}

/** Validates a parsed state file (pure). */
export function parseUpState(value: unknown): UpState | null {
  const v = value as Partial<UpState> | null;
  if (!v || typeof v !== 'object' || !Number.isInteger(v.pid) || (v.pid as number) <= 0) return null;
  return {
    pid: v.pid as number,
    startedAt: String(v.startedAt ?? ''),
    suite: String(v.suite ?? ''),
    variant: String(v.variant ?? ''),
    componentPids: Array.isArray(v.componentPids) ? v.componentPids.filter(Number.isInteger) : [],
    ...(typeof v.startTicks === 'string' && /^\d+$/.test(v.startTicks) ? { startTicks: v.startTicks } : {}),
  };
}

export async function readUpState(path: string): Promise<UpState | null> {
  try {
    return parseUpState(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return null;
  }
}

export async function writeUpState(path: string, state: UpState): Promise<void> {
  // Owner-only: the file names a PID we will later signal. A link at its name is removed, not followed.
  const st = await lstat(path).catch(() => undefined);
  if (st?.isSymbolicLink()) await rm(path, { force: true });
  await writeFile(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export async function removeUpState(path: string, pid: number): Promise<void> {
  const current = await readUpState(path);
  if (current && current.pid !== pid) return;
  await rm(path, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
export async function processStartTicks(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * True when the state names the very `meshbench up` that wrote it: the PID is alive and started when the
 * state says. Without /proc (macOS) a live PID from our own private state file is trusted.
 */
export async function isRecordedUp(state: UpState): Promise<boolean> {
  if (!isAlive(state.pid)) return false;
  const ticks = await processStartTicks(state.pid);
  if (ticks === null) return state.startTicks === undefined;
  return ticks === state.startTicks;
}
