/**
 * Before Istio 1.26 the waypoint's resources are install values (global.waypoint.resources), so a
 * reused cluster keeps the limits of the install that created it (pure). istiod's injector ConfigMap
 * (istio-system/istio-sidecar-injector, data.values: the install's `global` values as JSON) says what is
 * installed; a difference from the suite's envelope names each field.
 */
import { quantityValue, type WaypointEnvelope } from '../../topology/schema.ts';
import type { KubeJson } from './client.ts';
import { waypointResources } from './manifests/waypoints.ts';

type Resources = ReturnType<typeof waypointResources>;

/** The waypoint resources the installed Istio renders, or undefined when the ConfigMap does not say. */
export function installedWaypointResources(injector: KubeJson | undefined): Partial<Resources> | undefined {
  const text = (injector?.data as Record<string, string> | undefined)?.values;
  if (!text) return undefined;
  try {
    const values = JSON.parse(text) as { global?: { waypoint?: { resources?: Partial<Resources> } } };
    return values.global?.waypoint?.resources;
  } catch {
    return undefined;
  }
}

/** One line per envelope field whose installed value differs, naming the suite field and both values. */
export function waypointResourceDrift(
  installed: Partial<Resources> | undefined,
  envelope: WaypointEnvelope,
): string[] {
  const want = waypointResources(envelope);
  const fields: Array<[string, string | undefined, string]> = [
    ['waypoint.cpuLimit', installed?.limits?.cpu, want.limits.cpu],
    ['waypoint.memoryLimit', installed?.limits?.memory, want.limits.memory],
    ['waypoint.cpuRequest', installed?.requests?.cpu, want.requests.cpu],
    ['waypoint.memoryRequest', installed?.requests?.memory, want.requests.memory],
  ];
  return fields
    .filter(([, have, wanted]) => quantityValue(have) !== quantityValue(wanted))
    .map(([field, have, wanted]) => `${field}: installed ${have ?? 'nothing'}, the suite asks ${wanted}`);
}
