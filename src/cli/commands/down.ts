import { ExitCode, MeshbenchError } from '../../errors.ts';
import {
  isAlive,
  isMeshbenchUp,
  readUpState,
  removeUpState,
  stateFilePath,
} from '../../platform/local/state-file.ts';
import type { Command } from '../command.ts';
import { flagDuration } from '../flags.ts';

export const downCommand: Command = {
  name: 'down',
  summary: 'Stop a running `meshbench up`',
  usage: 'down [--timeout 15s]',
  description:
    'Reads the state file of `meshbench up` ($MESHBENCH_STATE_DIR or the OS temp dir, meshbench-up.json), checks the PID is a live `meshbench up`, sends it SIGINT and waits until it and its components are gone.',
  options: {
    timeout: { type: 'string', arg: 'DURATION', help: 'How long to wait before giving up (default 15s)' },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const timeoutMs = flagDuration('timeout', values.timeout, { min: 100, example: '15s' }) ?? 15_000;
    const path = stateFilePath(io.env);
    const state = await readUpState(path);
    if (!state) {
      io.stderr.write(`meshbench down: nothing is running (no state file at ${path})\n`);
      return ExitCode.ok;
    }
    if (!(await isMeshbenchUp(state.pid))) {
      await removeUpState(path, state.pid);
      io.stderr.write(`meshbench down: the recorded process ${state.pid} is not running; removed ${path}\n`);
      return ExitCode.ok;
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
    io.stderr.write(`meshbench down: stopped meshbench up (pid ${state.pid}, variant ${state.variant})\n`);
    return ExitCode.ok;
  },
};
