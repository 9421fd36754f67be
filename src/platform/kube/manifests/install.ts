/**
 * The Istio ambient install as an IstioOperator (for `istioctl install -f`) and the same settings as
 * Helm values: stats inclusion for overflow counters and, before 1.26, cluster-wide waypoint
 * resources and placement (`global.waypoint.*`).
 */
import { IstioOperator } from '@kubernetes-models/istio/install.istio.io/v1alpha1/IstioOperator';
import type { WaypointEnvelope } from '../../../suite/schema.ts';
import { supportsGatewayParameters } from '../istio-version.ts';
import { type Placement, nodeSelectorOf } from './types.ts';
import { statsProxyConfig, waypointResources } from './waypoints.ts';

export interface InstallValues {
  meshConfig: { defaultConfig: ReturnType<typeof statsProxyConfig> };
  global?: {
    waypoint: { resources: ReturnType<typeof waypointResources>; nodeSelector?: Record<string, string> };
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
        ...nodeSelectorOf(input.placement.waypoints),
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
