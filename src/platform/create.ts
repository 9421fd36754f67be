/** Platform factory: the orchestrator never asks which platform it has beyond this point. */
import type { PlatformName } from '../suite/schema.ts';
import type { Platform } from './types.ts';

export async function createPlatform(
  name: PlatformName,
  opts: { log?: (line: string) => void } = {},
): Promise<Platform> {
  switch (name) {
    case 'local':
      return (await import('./local/platform.ts')).createLocalPlatform(opts);
    case 'kind':
      return (await import('./kind/platform.ts')).createKindPlatform(opts);
    case 'cluster':
      return (await import('./cluster/platform.ts')).createClusterPlatform(opts);
  }
}
