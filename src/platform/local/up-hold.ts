/**
 * `meshbench up` and `meshbench down` on the local platform (effects): one `up` at a time, recorded in
 * the private state file (state-file.ts) with its start time, and `down` signalling only that process,
 * then sweeping the cgroups of runs that are gone.
 */
import { MeshbenchError } from '../../errors.ts';
import { detectCgroupLayout, removeStaleCgroups } from '../../metrics/cgroup.ts';
import type { Teardown, UpHold } from '../types.ts';
import {
  ensureStateDir,
  isAlive,
  isRecordedUp,
  processStartTicks,
  readUpState,
  removeUpState,
  stateFilePath,
  writeUpState,
} from './state-file.ts';

/** Refuses a second `up` while one runs (it would orphan the first); the hold records this one. */
export async function holdLocalUp(input: {
  suite: string;
  variant: string;
  env: NodeJS.ProcessEnv;
  componentPids: () => number[];
}): Promise<UpHold> {
  await ensureStateDir(input.env);
  const path = stateFilePath(input.env);
  const running = await readUpState(path);
  if (running && (await isRecordedUp(running)))
    throw new MeshbenchError(
      'ALREADY_UP',
      `meshbench up is already running (pid ${running.pid}, variant ${running.variant}, since ${running.startedAt})`,
      { fix: 'stop it first with `meshbench down`' },
    );
  const startTicks = await processStartTicks(process.pid);
  return {
    async record() {
      await writeUpState(path, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        suite: input.suite,
        variant: input.variant,
        componentPids: input.componentPids(),
        ...(startTicks ? { startTicks } : {}),
      });
      return path;
    },
    release: () => removeUpState(path, process.pid),
  };
}

/** Removes the empty cgroups (meshbench-<pid>-…) of runs whose process is gone, never a live run's. */
async function sweepCgroups(log: (line: string) => void): Promise<void> {
  const layout = await detectCgroupLayout();
  if (!layout) return;
  const removed = await removeStaleCgroups(layout);
  if (removed.length > 0)
    log(`meshbench down: removed ${removed.length} cgroup(s) left by ended runs: ${removed.join(', ')}`);
}

/** Stops the recorded `up`: SIGINT to the very process that wrote the state, then waits for its components. */
export const teardownLocal: Teardown = async ({ timeoutMs }, { log, env }) => {
  const path = stateFilePath(env);
  const state = await readUpState(path);
  if (!state) {
    log(`meshbench down: nothing is running (no state file at ${path})`);
    await sweepCgroups(log);
    return 'nothing running';
  }
  if (!(await isRecordedUp(state))) {
    // Gone, or the PID now names another process: never signal it.
    await removeUpState(path, state.pid);
    log(`meshbench down: the recorded meshbench up (pid ${state.pid}) is not running; removed ${path}`);
    await sweepCgroups(log);
    return 'stale state removed';
  }
  process.kill(state.pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  const pids = [state.pid, ...state.componentPids];
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const left = pids.filter(isAlive);
  if (left.length)
    throw new MeshbenchError(
      'PLATFORM_FAILED',
      `processes still running after ${timeoutMs} ms: ${left.join(', ')}`,
      {
        fix: `check them with ps -p ${left.join(',')}; kill them by PID if they are meshbench components`,
      },
    );
  await removeUpState(path, state.pid);
  log(`meshbench down: stopped meshbench up (pid ${state.pid}, variant ${state.variant})`);
  await sweepCgroups(log);
  return 'stopped';
};
