/**
 * The envelope's circuit-breaker limits as DestinationRules: one per service a waypoint serves, whose
 * connectionPool Istio (≥ 1.23, istio/istio#51085) applies to that waypoint's cluster for the service
 * (`inbound-vip|<port>|http|<host>`). Without one, those clusters have no effective limit (Istio sets
 * them to the maximum), so the suite's limits are always written out. They live in the service's
 * namespace and are exported everywhere (Istio's default), so a shared waypoint in another namespace
 * finds them too. Istio 1.24's internal cluster keeps its own 1024 (istio/istio#55076): no
 * DestinationRule reaches it; istioBehaviour '1.24' names that.
 */
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule';
import type { WaypointEnvelope } from '../../../topology/schema.ts';
import type { Topology } from '../../../topology/model.ts';
import { managedLabels } from './types.ts';

export function connectionPoolName(service: string): string {
  return `${service}-meshbench-pool`;
}

/** HTTP/1.1 upstreams: connections bound requests in flight; pending and requests cap the queue. */
export function connectionPoolOf(e: WaypointEnvelope) {
  return {
    tcp: { maxConnections: e.maxConnections },
    http: { http1MaxPendingRequests: e.maxPendingRequests, http2MaxRequests: e.maxRequests },
  };
}

/** A DestinationRule for each service a waypoint serves in this topology, with that waypoint's limits. */
export function buildConnectionPools(topology: Topology): DestinationRule[] {
  const envelopes = new Map(topology.waypoints.map((w) => [`${w.namespace}/${w.name}`, w.envelope]));
  return topology.bindings.flatMap((b) => {
    const envelope = b.waypoint && envelopes.get(`${b.waypoint.namespace}/${b.waypoint.name}`);
    if (!envelope) return [];
    return [
      new DestinationRule({
        metadata: { name: connectionPoolName(b.service), namespace: b.namespace, labels: managedLabels() },
        spec: {
          host: `${b.service}.${b.namespace}.svc.cluster.local`,
          trafficPolicy: { connectionPool: connectionPoolOf(envelope) },
        },
      }),
    ];
  });
}
