/** Rendering a Topology onto the embedded mesh (pure): waypoint configs, client-side routes, targets. */
import type { BreakerLimits } from './breaker.ts';
import type { Route } from './mesh-client.ts';
import type { WaypointConfig } from './waypoint-server.ts';
import {
  BOOKINFO_SERVICES,
  type BookinfoService,
  type Topology,
  type WaypointSpec,
  waypointKey,
} from '../../topology/model.ts';
import { quantityValue } from '../../topology/schema.ts';
import { DESTINATION_HEADER, SOURCE_NAMESPACE_HEADER, SOURCE_SA_HEADER, serviceHost } from './destination.ts';

export { LOADGEN_SA } from './destination.ts';

/** Requests each waypoint proxies to itself before ready (JIT warm-up outside the quota). */
export const WAYPOINT_WARMUP_REQUESTS = 4000;

/** The waypoint process config for one WaypointSpec of a topology. */
export function buildWaypointConfig(input: {
  spec: WaypointSpec;
  topology: Topology;
  /** `ns/service` → port of every Bookinfo service. */
  services: Record<string, number>;
  emulateQuota: boolean;
  /** Local CPU quota in cores (the calibrated envelope); 0 = none. Default: the envelope's own limit. */
  cpuLimit?: number;
  /** Envoy's CPU modelled in the waypoint (the modelled envelope). */
  modelledCpu?: WaypointConfig['modelledCpu'];
  /** The host's cores: more worker processes than that would only queue for the CPU. */
  hostCores: number;
}): WaypointConfig {
  const { spec, topology } = input;
  const workers = waypointWorkers(spec.envelope.cpuLimit, input.hostCores);
  const limits: BreakerLimits = {
    maxConnections: spec.envelope.maxConnections,
    maxPendingRequests: spec.envelope.maxPendingRequests,
    maxRequests: spec.envelope.maxRequests,
  };
  return {
    namespace: spec.namespace,
    name: spec.name,
    admits: [...spec.admits],
    cpuLimit: input.cpuLimit ?? spec.envelope.cpuLimit,
    limits,
    istioBehaviour: spec.envelope.istioBehaviour,
    services: input.services,
    policies: topology.policies.filter((p) => spec.admits.includes(p.namespace)),
    emulateQuota: input.emulateQuota && input.cpuLimit !== 0,
    ...(input.modelledCpu ? { modelledCpu: input.modelledCpu } : {}),
    warmupRequests: WAYPOINT_WARMUP_REQUESTS,
    workers,
    heapMi: heapPerProcessMi(spec.envelope.memoryLimit, workers),
  };
}

/** Envoy's workers for a (scaled) CPU limit: ceil of it, as Istio sets them, at most the host's cores. */
export function waypointWorkers(cpuLimit: number, hostCores: number): number {
  return Math.max(1, Math.min(Math.ceil(cpuLimit - 1e-9), Math.max(1, hostCores)));
}

/** The memory limit over the stand-in's processes (a primary and its workers when there are several). */
export function heapPerProcessMi(memoryLimit: string, workers: number): number {
  const processes = workers > 1 ? workers + 1 : 1;
  return Math.floor(quantityValue(memoryLimit) / 2 ** 20 / processes);
}

/** A stable identity of a waypoint's config: a running waypoint is kept when this is unchanged. */
export function waypointFingerprint(config: WaypointConfig): string {
  return JSON.stringify(config);
}

/** Client-side routes of one namespace: each service → its waypoint's port, or the service's own. */
export function buildRoutes(input: {
  topology: Topology;
  namespace: string;
  servicePorts: Record<BookinfoService, number>;
  waypointPorts: Record<string, number>;
}): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const service of BOOKINFO_SERVICES) {
    const binding = input.topology.bindings.find(
      (b) => b.namespace === input.namespace && b.service === service,
    );
    const wp = binding?.waypoint ? waypointKey(binding.waypoint) : undefined;
    const wpPort = wp ? input.waypointPorts[wp] : undefined;
    routes[service] =
      wp && wpPort !== undefined
        ? { port: wpPort, via: 'waypoint', waypoint: wp }
        : { port: input.servicePorts[service], via: 'direct' };
  }
  return routes;
}

/** Headers the client side adds to a call from `namespace`/`sa` to `service.namespace`. */
export function buildMeshHeaders(input: {
  service: string;
  namespace: string;
  sourceNamespace: string;
  sourceSa: string;
}): Record<string, string> {
  return {
    [DESTINATION_HEADER]: serviceHost({ service: input.service, namespace: input.namespace }),
    [SOURCE_NAMESPACE_HEADER]: input.sourceNamespace,
    [SOURCE_SA_HEADER]: input.sourceSa,
  };
}
