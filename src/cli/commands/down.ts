import { ExitCode } from '../../errors.ts';
import { teardownPlatform } from '../../run/create-platform.ts';
import type { Command } from '../command.ts';
import { flagDuration, flagPlatform } from '../flags.ts';

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
    await teardownPlatform(
      platform,
      {
        timeoutMs: timeout ?? (platform === 'cluster' ? 120_000 : 15_000),
        clusterName: typeof values.cluster === 'string' ? values.cluster : 'meshbench',
        context: typeof values.context === 'string' ? values.context : undefined,
        kubeconfig: typeof values.kubeconfig === 'string' ? values.kubeconfig : undefined,
      },
      { log: (line) => io.stderr.write(`${line}\n`), env: io.env },
    );
    return ExitCode.ok;
  },
};
