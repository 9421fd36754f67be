/**
 * The Istio ambient install as an IstioOperator (for `istioctl install -f`) and the same settings as
 * Helm values: stats inclusion for overflow counters and, before 1.26, cluster-wide waypoint
 * resources and placement (`global.waypoint.*`).
 */
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import type { WaypointEnvelope } from '../../../suite/schema.ts';
import { supportsGatewayParameters } from '../istio-version.ts';
import type { Placement } from './types.ts';
import { statsProxyConfig, waypointResources } from './waypoints.ts';

export interface InstallValues {
  meshConfig: { defaultConfig: ReturnType<typeof statsProxyConfig> };
  global?: {
    waypoint: { resources: ReturnType<typeof waypointResources>; affinity?: NodeAffinity };
  };
}

interface NodeAffinity {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: Array<{
        matchExpressions: Array<{ key: string; operator: 'In'; values: string[] }>;
      }>;
    };
  };
}

/**
 * The waypoints' placement as install values. Not `global.waypoint.nodeSelector`: the waypoint
 * template renders it as a pod nodeSelector (a map), but istioctl validates it as a NodeSelector
 * (nodeSelectorTerms) and refuses a map ("invalid schema for global.waypoint.nideSelector", found by
 * `istioctl validate` on our plan). A required node affinity places them the same and passes both.
 */
function placementAffinity(selector: Record<string, string> | undefined): { affinity?: NodeAffinity } {
  if (!selector || Object.keys(selector).length === 0) return {};
  return {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: Object.entries(selector).map(([key, value]) => ({
                key,
                operator: 'In' as const,
                values: [value],
              })),
            },
          ],
        },
      },
    },
  };
}

/** Helm values for istiod (the same settings `istioctl` gets through the IstioOperator). */
export function buildInstallValues(input: {
  istioVersion: string;
  /** Undefined when no variant has a waypoint: Istio's own waypoint resources stay. */
  envelope: WaypointEnvelope | undefined;
  placement: Placement;
}): InstallValues {
  const values: InstallValues = { meshConfig: { defaultConfig: statsProxyConfig() } };
  if (input.envelope && !supportsGatewayParameters(input.istioVersion)) {
    values.global = {
      waypoint: {
        resources: waypointResources(input.envelope),
        ...placementAffinity(input.placement.waypoints),
      },
    };
  }
  return values;
}

/** The IstioOperator `istioctl install -f` reads (profile ambient). */
export function buildIstioOperator(input: {
  istioVersion: string;
  envelope: WaypointEnvelope | undefined;
  placement: Placement;
}): IstioOperator {
  const v = buildInstallValues(input);
  // The model types only metadata; spec is free-form in the CRD, so it is attached as data.
  const data = {
    metadata: { name: 'meshbench', namespace: 'istio-system' },
    spec: {
      profile: 'ambient',
      meshConfig: v.meshConfig,
      ...(v.global ? { values: { global: v.global } } : {}),
    },
  };
  return new IstioOperator(data as ConstructorParameters<typeof IstioOperator>[0]);
}
