/** `meshbench down --platform kind` (effects): deletes the kind cluster meshbench created, by name. */
import { MeshbenchError } from '../../errors.ts';
import { probeTool } from '../kube/subprocess.ts';
import type { Teardown } from '../types.ts';
import { deleteKindCluster, kindClusterExists } from './cluster.ts';

export const teardownKind: Teardown = async ({ clusterName = 'meshbench' }, { log, env }) => {
  const kind = await probeTool('kind', ['version'], { env });
  if (kind.missing)
    throw new MeshbenchError(
      'PLATFORM_UNAVAILABLE',
      'kind is not installed, so no kind cluster can be deleted',
      {
        fix: 'install kind (see `meshbench doctor --platform kind`)',
      },
    );
  if (!(await kindClusterExists(clusterName, env))) {
    log(`meshbench down: no kind cluster named ${clusterName}`);
    return 'nothing to delete';
  }
  await deleteKindCluster({ name: clusterName, log: (l) => log(`  ${l}`) });
  log(`meshbench down: deleted kind cluster ${clusterName}`);
  return 'deleted';
};
