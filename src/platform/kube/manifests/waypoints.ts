/**
 * Waypoints as Gateways (istio-waypoint class, HBONE 15008 listener, allowedRoutes when shared) with
 * their resources and placement: a per-Gateway ConfigMap on Istio ≥ 1.26, install values before.
 */
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { ConfigMap } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import { KUBE_DEFAULT_REQUESTS } from '../../../suite/envelope-for-platform.ts';
import type { WaypointEnvelope } from '../../../suite/schema.ts';
import type { Topology, WaypointSpec } from '../../../topology/model.ts';
import { supportsGatewayParameters } from '../istio-version.ts';
import { type KubeObject, type Placement, managedLabels, nodeSelectorOf } from './types.ts';

/** Counters that explain overflow errors; Istio's default inclusion list drops them. */
export const STATS_INCLUSION_REGEXPS = [
  '.*upstream_cx_overflow.*',
  '.*upstream_rq_pending_overflow.*',
  '.*upstream_rq_retry_overflow.*',
  '.*circuit_breakers.*',
  '.*upstream_cx_active.*',
  '.*upstream_rq_active.*',
];

/** The proxy config that enables those counters (Gateway annotation or meshConfig.defaultConfig). */
export function statsProxyConfig(): { proxyStatsMatcher: { inclusionRegexps: string[] } } {
  return { proxyStatsMatcher: { inclusionRegexps: [...STATS_INCLUSION_REGEXPS] } };
}

export function waypointParamsName(w: { name: string }): string {
  return `${w.name}-meshbench-params`;
}

/** Container resources of the waypoint's istio-proxy, from the suite's envelope. */
export function waypointResources(e: WaypointEnvelope) {
  return {
    requests: {
      cpu: e.cpuRequest ?? KUBE_DEFAULT_REQUESTS.cpu,
      memory: e.memoryRequest ?? KUBE_DEFAULT_REQUESTS.memory,
    },
    limits: { cpu: String(e.cpuLimit), memory: e.memoryLimit },
  };
}

/** The per-Gateway overlay (Istio ≥ 1.26): `deployment` key patched onto the generated Deployment. */
export function buildWaypointParams(w: WaypointSpec, placement: Placement): ConfigMap {
  const deployment = {
    spec: {
      template: {
        spec: {
          ...nodeSelectorOf(placement.waypoints),
          containers: [{ name: 'istio-proxy', resources: waypointResources(w.envelope) }],
        },
      },
    },
  };
  return new ConfigMap({
    metadata: { name: waypointParamsName(w), namespace: w.namespace, labels: managedLabels() },
    data: { deployment: stringify(deployment) },
  });
}

export function buildWaypointGateway(w: WaypointSpec, istioVersion: string): Gateway {
  const guests = w.admits.filter((ns) => ns !== w.namespace);
  const params = supportsGatewayParameters(istioVersion);
  return new Gateway({
    metadata: {
      name: w.name,
      namespace: w.namespace,
      labels: managedLabels({ 'istio.io/waypoint-for': 'service' }),
      annotations: { 'proxy.istio.io/config': JSON.stringify(statsProxyConfig()) },
    },
    spec: {
      gatewayClassName: 'istio-waypoint',
      listeners: [
        {
          name: 'mesh',
          port: 15008,
          protocol: 'HBONE',
          // Sharing across namespaces needs the guests admitted, or the attachment is refused.
          ...(guests.length
            ? {
                allowedRoutes: {
                  namespaces: {
                    from: 'Selector' as const,
                    selector: {
                      matchExpressions: [
                        { key: 'kubernetes.io/metadata.name', operator: 'In', values: [...w.admits] },
                      ],
                    },
                  },
                },
              }
            : {}),
        },
      ],
      ...(params
        ? { infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: waypointParamsName(w) } } }
        : {}),
    },
  });
}

/** The Gateways of a topology, each preceded by its parameters ConfigMap when the Istio version has them. */
export function buildWaypoints(input: {
  topology: Topology;
  istioVersion: string;
  placement: Placement;
}): KubeObject[] {
  const params = supportsGatewayParameters(input.istioVersion);
  return input.topology.waypoints.flatMap((w) => [
    ...(params ? [buildWaypointParams(w, input.placement)] : []),
    buildWaypointGateway(w, input.istioVersion),
  ]);
}
