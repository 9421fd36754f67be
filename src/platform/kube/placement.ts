/** Where waypoints/productpage and load agents run, from the suite and the platform (pure). */
import type { RunPlan } from '../../suite/plan.ts';
import { type KubePlatformSettings, kubePlatformSchema } from '../../suite/schema.ts';
import { type Placement, ROLE_LABEL } from './manifests/types.ts';

/** Node labels written by fixtures/kind/cluster.yaml. */
export const KIND_PLACEMENT: Required<Placement> = {
  waypoints: { [ROLE_LABEL]: 'mesh' },
  load: { [ROLE_LABEL]: 'load' },
};

/** The plan's kind/cluster settings with the suite schema's defaults filled in (a plan may carry none). */
export function kubeSettings(plan: Pick<RunPlan, 'kube'>): KubePlatformSettings {
  return { ...kubePlatformSchema.parse({}), ...plan.kube };
}

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
