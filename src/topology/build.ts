/** Variant builders: turn a suite variant into a Topology value (pure). */
import type { Policy, Variant, WaypointEnvelope } from './schema.ts';
import {
  BOOKINFO_SERVICES,
  type PolicySpec,
  type ServiceBinding,
  type Topology,
  type WaypointSpec,
} from './model.ts';

export const DEFAULT_WAYPOINT_NAME = 'waypoint';

export interface BuildTopologyInput {
  variant: Variant;
  /** Tenant namespaces, in suite order. */
  namespaces: string[];
  /** Map tenant name → namespace (shared variants name their host by tenant). */
  tenantNamespace: Record<string, string>;
  /** Service each tenant's load targets; it carries the policy. */
  targetServices: Record<string, string>;
  envelope: WaypointEnvelope;
  policy: Policy;
}

export function buildTopology(input: BuildTopologyInput): Topology {
  const { variant, namespaces, envelope } = input;
  const waypoints: WaypointSpec[] = [];
  const bindings: ServiceBinding[] = [];
  const bindAll = (ns: string, wp: { namespace: string; name: string } | null) => {
    for (const service of BOOKINFO_SERVICES) bindings.push({ namespace: ns, service, waypoint: wp });
  };

  switch (variant.waypoints) {
    case 'dedicated':
      for (const ns of namespaces) {
        waypoints.push({ namespace: ns, name: DEFAULT_WAYPOINT_NAME, admits: [ns], envelope });
        bindAll(ns, { namespace: ns, name: DEFAULT_WAYPOINT_NAME });
      }
      break;
    case 'shared': {
      const host = input.tenantNamespace[variant.host] ?? variant.host;
      waypoints.push({ namespace: host, name: DEFAULT_WAYPOINT_NAME, admits: [...namespaces], envelope });
      for (const ns of namespaces) bindAll(ns, { namespace: host, name: DEFAULT_WAYPOINT_NAME });
      break;
    }
    case 'per-service':
      for (const ns of namespaces) {
        let nsWaypoint = false;
        for (const service of BOOKINFO_SERVICES) {
          const choice = variant.services[service];
          if (choice === 'none') {
            bindings.push({ namespace: ns, service, waypoint: null });
          } else if (choice === 'waypoint') {
            const name = `${service}-waypoint`;
            waypoints.push({ namespace: ns, name, admits: [ns], envelope });
            bindings.push({ namespace: ns, service, waypoint: { namespace: ns, name } });
          } else {
            nsWaypoint = true;
            bindings.push({
              namespace: ns,
              service,
              waypoint: { namespace: ns, name: DEFAULT_WAYPOINT_NAME },
            });
          }
        }
        if (nsWaypoint)
          waypoints.push({ namespace: ns, name: DEFAULT_WAYPOINT_NAME, admits: [ns], envelope });
      }
      break;
    case 'none':
      for (const ns of namespaces) bindAll(ns, null);
      break;
  }

  const sourceNamespaces = input.policy.sourceNamespaces ?? [...namespaces];
  const policies: PolicySpec[] = [];
  for (const [tenant, service] of Object.entries(input.targetServices)) {
    const namespace = input.tenantNamespace[tenant];
    policies.push({
      name: `${service}-authz`,
      namespace,
      service,
      methods: [...input.policy.methods],
      sourceNamespaces,
    });
  }
  return {
    variant: variant.name,
    kind: variant.waypoints,
    namespaces: [...namespaces],
    waypoints,
    bindings,
    policies,
  };
}
