/** The reference experiment's two-tenant topology at scale 0.1, for pure tests of routes and probes. */
import type { Variant } from '../../src/suite/schema.ts';
import { buildTopology } from '../../src/topology/build.ts';
import type { Topology } from '../../src/topology/model.ts';

export const referenceEnvelope = {
  cpuLimit: 0.2,
  memoryLimit: '1Gi',
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  maxConnections: 102,
  maxPendingRequests: 102,
  maxRequests: 102,
  istioBehaviour: '1.24' as const,
};

/** ns-1 and ns-2, each driving its productpage; the policy allows `methods` from both namespaces. */
export function twoTenantTopology(variant: Variant, methods: string[] = ['GET']): Topology {
  return buildTopology({
    variant,
    namespaces: ['ns-1', 'ns-2'],
    tenantNamespace: { 'ns-1': 'ns-1', 'ns-2': 'ns-2' },
    targetServices: { 'ns-1': 'productpage', 'ns-2': 'productpage' },
    envelope: referenceEnvelope,
    policy: { methods, sourceNamespaces: ['ns-1', 'ns-2'] },
  });
}
