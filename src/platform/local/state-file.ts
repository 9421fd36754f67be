/**
 * The state file of a running `meshbench up` (so `meshbench down` can stop it): JSON with the PID
 * of the `up` process, in $MESHBENCH_STATE_DIR or the OS temp dir.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface UpState {
  pid: number;
  startedAt: string;
  suite: string;
  variant: string;
  /** PIDs of the component processes, for checks that nothing is left. */
  componentPids: number[];
}

export function stateFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.MESHBENCH_STATE_DIR || tmpdir(), 'meshbench-up.json');
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
  // Owner-only: the file names a PID we will later signal.
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

/** True when `pid` is a live `meshbench up` process (checked through /proc where available). */
export async function isMeshbenchUp(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return cmdline.some((a) => a.includes('meshbench')) && cmdline.includes('up');
  } catch {
    // No /proc (macOS): trust the live PID from our own state file.
    return true;
  }
}
