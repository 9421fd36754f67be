/**
 * The mesh model as data (pure). "Dedicated" and "shared" are two values of Topology; each platform
 * renders it (processes locally, Kubernetes objects on clusters).
 */
import type { WaypointEnvelope } from './schema.ts';

/** Bookinfo services and their call graph (productpage → details, reviews; reviews v2/v3 → ratings). */
export const BOOKINFO_SERVICES = ['productpage', 'details', 'reviews', 'ratings'] as const;
export type BookinfoService = (typeof BOOKINFO_SERVICES)[number];
export const BOOKINFO_PORT = 9080;

export interface WaypointRef {
  namespace: string;
  name: string;
}

export interface WaypointSpec extends WaypointRef {
  /** Namespaces whose traffic this waypoint accepts (Gateway allowedRoutes). */
  admits: string[];
  envelope: WaypointEnvelope;
}

/** Which waypoint (if any) serves one service of one namespace. */
export interface ServiceBinding {
  namespace: string;
  service: BookinfoService;
  waypoint: WaypointRef | null;
}

/** L7 AuthorizationPolicy attached to a Service (ALLOW methods from sourceNamespaces). */
export interface PolicySpec {
  name: string;
  namespace: string;
  service: string;
  methods: string[];
  sourceNamespaces: string[];
}

export interface Topology {
  variant: string;
  kind: 'dedicated' | 'shared' | 'per-service' | 'none';
  namespaces: string[];
  waypoints: WaypointSpec[];
  bindings: ServiceBinding[];
  policies: PolicySpec[];
}

export function waypointKey(w: WaypointRef): string {
  return `${w.namespace}/${w.name}`;
}

/** The waypoint that serves a service, or null when its calls go straight to it (L4 only). */
export function waypointFor(t: Topology, namespace: string, service: string): WaypointRef | null {
  return t.bindings.find((b) => b.namespace === namespace && b.service === service)?.waypoint ?? null;
}

/**
 * The envelope of a run: every waypoint of every variant carries the same one (the suite has one), so
 * the first found is it; undefined when no variant has a waypoint.
 */
export function envelopeOf(topologies: ReadonlyArray<Topology>): WaypointSpec['envelope'] | undefined {
  for (const t of topologies) if (t.waypoints.length > 0) return t.waypoints[0].envelope;
  return undefined;
}
