import { ExitCode, MeshbenchError } from '../../errors.ts';
import {
  isAlive,
  isRecordedUp,
  readUpState,
  removeUpState,
  stateFilePath,
} from '../../platform/local/state-file.ts';
import type { CliIO, Command } from '../command.ts';
import { flagDuration, flagPlatform } from '../flags.ts';

/** kind: delete the cluster meshbench created (by name); a missing cluster is not an error. */
async function downKind(name: string, io: CliIO): Promise<number> {
  const { deleteKindCluster, kindClusterExists } = await import('../../platform/kind/cluster.ts');
  const { probeTool } = await import('../../platform/kube/subprocess.ts');
  const kind = await probeTool('kind', ['version']);
  if (kind.missing) {
    throw new MeshbenchError(
      'PLATFORM_UNAVAILABLE',
      'kind is not installed, so no kind cluster can be deleted',
      {
        fix: 'install kind (see `meshbench doctor --platform kind`)',
      },
    );
  }
  if (!(await kindClusterExists(name))) {
    io.stderr.write(`meshbench down: no kind cluster named ${name}\n`);
    return ExitCode.ok;
  }
  await deleteKindCluster({ name, log: (l) => io.stderr.write(`  ${l}\n`) });
  io.stderr.write(`meshbench down: deleted kind cluster ${name}\n`);
  return ExitCode.ok;
}

/** cluster: delete only the namespaces labelled app.kubernetes.io/managed-by=meshbench. */
async function downCluster(
  opts: { context?: string; kubeconfig?: string; timeoutMs: number },
  io: CliIO,
): Promise<number> {
  const { readKubeConfig } = await import('../../platform/kube/kubeconfig.ts');
  const { KubeClient } = await import('../../platform/kube/client.ts');
  const { deleteManagedNamespaces } = await import('../../platform/kube/cleanup.ts');
  const { kc, context } = await readKubeConfig({ path: opts.kubeconfig, context: opts.context, env: io.env });
  const names = await deleteManagedNamespaces(new KubeClient(kc), {
    waitMs: opts.timeoutMs,
    log: (l) => io.stderr.write(`  ${l}\n`),
  });
  io.stderr.write(
    `meshbench down: ${names.length ? `deleted ${names.join(', ')}` : 'no meshbench namespaces'} in context ${context}\n`,
  );
  return ExitCode.ok;
}

/**
 * Removes the CPU cgroups of meshbench runs that are gone (a forced exit leaves them): only empty ones
 * named `meshbench-<pid>-…` whose PID is dead, never another tool's.
 */
async function sweepCgroups(io: CliIO): Promise<void> {
  const { detectCgroupLayout, removeStaleCgroups } = await import('../../metrics/cgroup.ts');
  const layout = await detectCgroupLayout();
  if (!layout) return;
  const removed = await removeStaleCgroups(layout);
  if (removed.length > 0)
    io.stderr.write(
      `meshbench down: removed ${removed.length} cgroup(s) left by ended runs: ${removed.join(', ')}\n`,
    );
}

export const downCommand: Command = {
  name: 'down',
  summary: 'Stop a running `meshbench up` (local), delete the kind cluster, or remove meshbench namespaces',
  usage: 'down [--platform local|kind|cluster] [--timeout 15s] [--cluster NAME] [--context CTX]',
  description: [
    'local (default): reads the state file of `meshbench up` ($MESHBENCH_STATE_DIR or a private meshbench-<uid> folder in the OS temp dir, meshbench-up.json), checks the PID is still the `meshbench up` that wrote it (its start time), sends it SIGINT and waits until it and its components are gone. Then removes the empty CPU cgroups (meshbench-<pid>-*) of runs whose process is gone, e.g. after a forced exit.',
    'kind: deletes the kind cluster (--cluster, default meshbench).',
    'cluster: deletes only the namespaces labelled app.kubernetes.io/managed-by=meshbench in the context (--context, --kubeconfig).',
  ].join('\n'),
  options: {
    timeout: {
      type: 'string',
      arg: 'DURATION',
      help: 'How long to wait before giving up (default 15s; 2m for cluster)',
    },
    platform: { type: 'string', arg: 'NAME', help: 'local (default), kind or cluster' },
    cluster: { type: 'string', arg: 'NAME', help: 'kind: the cluster to delete (default meshbench)' },
    context: { type: 'string', arg: 'CTX', help: 'cluster: the kubeconfig context (default: current)' },
    kubeconfig: {
      type: 'string',
      arg: 'FILE',
      help: 'cluster: the kubeconfig (default: $KUBECONFIG or ~/.kube/config)',
    },
  },
  positionals: { min: 0, max: 0 },
  async run({ values }, io) {
    const platform = flagPlatform(values.platform);
    const timeout = flagDuration('timeout', values.timeout, { min: 100, example: '15s' });
    if (platform === 'kind')
      return downKind(typeof values.cluster === 'string' ? values.cluster : 'meshbench', io);
    if (platform === 'cluster') {
      return downCluster(
        {
          context: values.context as string | undefined,
          kubeconfig: values.kubeconfig as string | undefined,
          timeoutMs: timeout ?? 120_000,
        },
        io,
      );
    }
    const timeoutMs = timeout ?? 15_000;
    const path = stateFilePath(io.env);
    const state = await readUpState(path);
    if (!state) {
      io.stderr.write(`meshbench down: nothing is running (no state file at ${path})\n`);
      await sweepCgroups(io);
      return ExitCode.ok;
    }
    if (!(await isRecordedUp(state))) {
      // Gone, or the PID now names another process: never signal it.
      await removeUpState(path, state.pid);
      io.stderr.write(
        `meshbench down: the recorded meshbench up (pid ${state.pid}) is not running; removed ${path}\n`,
      );
      await sweepCgroups(io);
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
    await sweepCgroups(io);
    return ExitCode.ok;
  },
};
