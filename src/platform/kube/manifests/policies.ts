/**
 * AuthorizationPolicies enforced at the waypoint: targetRefs to the Service (so they live in the
 * Service's namespace, which also works through a shared cross-namespace waypoint).
 */
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy';
import type { PolicySpec, Topology } from '../../../topology/model.ts';
import { managedLabels } from './types.ts';

/** `extraSources`: namespaces added to the allowed callers (the in-mesh load namespace). */
export function buildAuthorizationPolicy(p: PolicySpec, extraSources: string[] = []): AuthorizationPolicy {
  const namespaces = [...new Set([...p.sourceNamespaces, ...extraSources])];
  return new AuthorizationPolicy({
    metadata: { name: p.name, namespace: p.namespace, labels: managedLabels() },
    spec: {
      targetRefs: [{ kind: 'Service', group: '', name: p.service }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces } }], to: [{ operation: { methods: [...p.methods] } }] }],
    },
  });
}

export function buildAuthorizationPolicies(
  topology: Topology,
  extraSources: string[] = [],
): AuthorizationPolicy[] {
  return topology.policies.map((p) => buildAuthorizationPolicy(p, extraSources));
}
