/** Namespaces: ambient-enrolled, labelled as meshbench's own, with the variant's use-waypoint labels. */
import { Namespace } from 'kubernetes-models/v1';
import type { Topology, WaypointRef } from '../../../topology/model.ts';
import { LOAD_NAMESPACE, managedLabels } from './types.ts';

export const AMBIENT_LABEL = 'istio.io/dataplane-mode';
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
export const USE_WAYPOINT_NS_LABEL = 'istio.io/use-waypoint-namespace';

/** The waypoint most of a namespace's services use: it becomes the namespace label. */
export function namespaceWaypoint(topology: Topology, namespace: string): WaypointRef | null {
  const counts = new Map<string, { ref: WaypointRef; n: number }>();
  for (const b of topology.bindings) {
    if (b.namespace !== namespace || !b.waypoint) continue;
    const key = `${b.waypoint.namespace}/${b.waypoint.name}`;
    const entry = counts.get(key) ?? { ref: b.waypoint, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  let best: { ref: WaypointRef; n: number } | undefined;
  for (const e of counts.values()) if (!best || e.n > best.n) best = e;
  return best?.ref ?? null;
}

/** use-waypoint labels for an object in `namespace` pointing at `ref` (cross-namespace adds the namespace). */
export function useWaypointLabels(namespace: string, ref: WaypointRef | null): Record<string, string> {
  if (!ref) return {};
  return ref.namespace === namespace
    ? { [USE_WAYPOINT_LABEL]: ref.name }
    : { [USE_WAYPOINT_LABEL]: ref.name, [USE_WAYPOINT_NS_LABEL]: ref.namespace };
}

/** A tenant namespace; with a topology it carries that variant's namespace-level waypoint label. */
export function buildTenantNamespace(namespace: string, topology?: Topology): Namespace {
  const waypoint = topology ? useWaypointLabels(namespace, namespaceWaypoint(topology, namespace)) : {};
  return new Namespace({
    metadata: {
      name: namespace,
      labels: managedLabels({ [AMBIENT_LABEL]: 'ambient', 'meshbench.io/tenant': namespace, ...waypoint }),
    },
  });
}

/** The load agents' namespace: in the mesh (ambient) so their traffic is tunnelled like a client's. */
export function buildLoadNamespace(): Namespace {
  return new Namespace({
    metadata: { name: LOAD_NAMESPACE, labels: managedLabels({ [AMBIENT_LABEL]: 'ambient' }) },
  });
}
