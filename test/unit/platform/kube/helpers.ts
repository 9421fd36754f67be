/** Builds RunPlans for the Kubernetes tests from the reference suite plus every variant kind. */
import suite from '../../../../suites/waypoint-sharing.suite.ts';
import type { SuiteInput } from '../../../../src/suite/schema.ts';
import { expandSuite } from '../../../../src/suite/expand.ts';
import type { RunPlan } from '../../../../src/suite/plan.ts';
import { validateSuite } from '../../../../src/suite/validate.ts';

/** The reference suite with all four variant kinds, at a given Istio version. */
export function allVariantsPlan(
  opts: { platform?: 'kind' | 'cluster'; istioVersion?: string } = {},
): RunPlan {
  const platform = opts.platform ?? 'kind';
  const input: SuiteInput = {
    ...suite,
    topology: {
      ...suite.topology,
      // Follows the Istio version under test (the suite's '1.24' is refused on a later Istio).
      waypoint: { ...suite.topology.waypoint, istioBehaviour: undefined },
      variants: [
        { name: 'dedicated', waypoints: 'dedicated' },
        { name: 'shared', waypoints: 'shared', host: 'ns-1' },
        {
          name: 'per-service',
          waypoints: 'per-service',
          services: { productpage: 'waypoint', ratings: 'none' },
        },
        { name: 'none', waypoints: 'none' },
      ],
    },
    platforms: {
      ...suite.platforms,
      [platform]: { ...(suite.platforms?.[platform] ?? {}), istioVersion: opts.istioVersion ?? '1.24.6' },
    },
  };
  const r = validateSuite(input, 'test');
  if (!r.ok) throw r.error;
  return expandSuite(r.value, { platform, source: 'test' });
}

/** istiod's injector values as an Istio < 1.26 install leaves them: the waypoints' resources. */
export function sidecarInjectorConfigMap(cpuLimit: string) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
    data: {
      values: JSON.stringify({
        global: {
          waypoint: {
            resources: {
              requests: { cpu: '100m', memory: '128Mi' },
              limits: { cpu: cpuLimit, memory: '1Gi' },
            },
          },
        },
      }),
    },
  };
}
