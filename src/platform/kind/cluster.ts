/** The kind cluster (effects): created from fixtures/kind/cluster.yaml or reused by name; deleted on request. */
import { fileURLToPath } from 'node:url';
import { kindClusterExists } from '../kube/doctor.ts';
import { probeTool, runTool } from '../kube/subprocess.ts';

export { kindClusterExists };

export const KIND_CONFIG = fileURLToPath(new URL('../../../fixtures/kind/cluster.yaml', import.meta.url));

/** Creates the cluster unless it exists; returns its kubeconfig context. */
export async function ensureKindCluster(input: {
  name: string;
  config?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}): Promise<{ context: string; created: boolean }> {
  const context = `kind-${input.name}`;
  if (await kindClusterExists(input.name)) {
    input.log?.(`reusing kind cluster ${input.name}`);
    return { context, created: false };
  }
  await runTool(
    'kind',
    ['create', 'cluster', '--name', input.name, '--config', input.config ?? KIND_CONFIG, '--wait', '120s'],
    {
      signal: input.signal,
      log: input.log,
      timeoutMs: 600_000,
      fix: 'see `meshbench doctor --platform kind` (Docker engine, inotify limits); `kind export logs` has the node logs',
    },
  );
  return { context, created: true };
}

/** Preloads an image into the kind nodes so pods start in time (best effort). */
export async function preloadImage(input: {
  name: string;
  image: string;
  log?: (line: string) => void;
}): Promise<boolean> {
  const pull = await probeTool('docker', ['pull', input.image], { timeoutMs: 300_000 });
  if (pull.exitCode !== 0) {
    input.log?.(`could not pull ${input.image}; the nodes will pull it themselves`);
    return false;
  }
  const load = await probeTool('kind', ['load', 'docker-image', input.image, '--name', input.name], {
    timeoutMs: 300_000,
  });
  return load.exitCode === 0;
}

/** `meshbench down --platform kind`: deletes the cluster. */
export async function deleteKindCluster(input: {
  name: string;
  log?: (line: string) => void;
}): Promise<void> {
  await runTool('kind', ['delete', 'cluster', '--name', input.name], { log: input.log, timeoutMs: 300_000 });
}
