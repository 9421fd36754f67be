/** `meshbench down --platform cluster` (effects): deletes only the namespaces meshbench labelled as its own. */
import { deleteManagedNamespaces } from '../kube/cleanup.ts';
import { KubeClient } from '../kube/client.ts';
import { readKubeConfig } from '../kube/kubeconfig.ts';
import type { Teardown } from '../types.ts';

export const teardownCluster: Teardown = async ({ context, kubeconfig, timeoutMs }, { log, env }) => {
  const read = await readKubeConfig({ path: kubeconfig, context, env });
  const names = await deleteManagedNamespaces(new KubeClient(read.kc), {
    waitMs: timeoutMs,
    log: (l) => log(`  ${l}`),
  });
  log(
    `meshbench down: ${names.length ? `deleted ${names.join(', ')}` : 'no meshbench namespaces'} in context ${read.context}`,
  );
  return names.length ? 'deleted' : 'nothing to delete';
};
