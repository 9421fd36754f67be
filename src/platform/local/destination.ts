/** Service addressing inside the embedded mesh (pure): `<service>.<namespace>.svc.cluster.local`. */

export const DESTINATION_HEADER = 'x-meshbench-destination';
export const SOURCE_NAMESPACE_HEADER = 'x-meshbench-source-namespace';
export const SOURCE_SA_HEADER = 'x-meshbench-source-sa';
/** Service account the load generator's identity carries (load for ns-1 comes from ns-1/loadgen). */
export const LOADGEN_SA = 'loadgen';
/** Envoy-style response flags (UO, NR, …) on responses the waypoint itself generated. */
export const RESPONSE_FLAGS_HEADER = 'x-meshbench-response-flags';

export interface Destination {
  service: string;
  namespace: string;
}

/** The cluster-local host name of a service, as the client side addresses it. */
export function serviceHost(d: Destination): string {
  return `${d.service}.${d.namespace}.svc.cluster.local`;
}

/** Service key in routing tables: `ns/service`. */
export function serviceKey(d: Destination): string {
  return `${d.namespace}/${d.service}`;
}

/** Parses `svc.ns[.svc.cluster.local][:port]`; null when it names no namespace. */
export function parseDestination(host: string | undefined): Destination | null {
  if (!host) return null;
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const parts = name.split('.');
  if (parts.length < 2 || !parts[0] || !parts[1]) return null;
  if (parts.length > 2 && name !== `${parts[0]}.${parts[1]}.svc.cluster.local`) return null;
  return { service: parts[0], namespace: parts[1] };
}

/** Envoy's outbound cluster name for a service (used as the stats label). */
export function outboundClusterName(d: Destination, port = 9080): string {
  return `outbound|${port}||${serviceHost(d)}`;
}
