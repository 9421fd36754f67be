/** Where waypoints/productpage and load agents run, from the suite and the platform (pure). */
import type { KubePlatformSettings } from '../../suite/schema.ts';
import { type Placement, ROLE_LABEL } from './manifests/types.ts';

/** Node labels written by fixtures/kind/cluster.yaml. */
export const KIND_PLACEMENT: Required<Placement> = {
  waypoints: { [ROLE_LABEL]: 'mesh' },
  load: { [ROLE_LABEL]: 'load' },
};

/** The suite's nodePlacement wins; kind falls back to its node roles, an existing cluster to none. */
export function buildPlacement(
  kube: KubePlatformSettings | undefined,
  platform: 'kind' | 'cluster',
): Placement {
  const fallback: Placement = platform === 'kind' ? KIND_PLACEMENT : {};
  return {
    waypoints: kube?.nodePlacement?.waypoints ?? fallback.waypoints,
    load: kube?.nodePlacement?.load ?? fallback.load,
  };
}
