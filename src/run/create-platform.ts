/** Platform factory: the orchestrator never asks which platform it has beyond this point. */
import type { PlatformName } from '../suite/schema.ts';
import type { Platform } from '../platform/types.ts';

export async function createPlatform(
  name: PlatformName,
  opts: { log?: (line: string) => void } = {},
): Promise<Platform> {
  switch (name) {
    case 'local':
      return (await import('../platform/local/platform.ts')).createLocalPlatform(opts);
    case 'kind':
      return (await import('../platform/kind/platform.ts')).createKindPlatform(opts);
    case 'cluster':
      return (await import('../platform/cluster/platform.ts')).createClusterPlatform(opts);
  }
}
