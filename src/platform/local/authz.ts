/** L7 AuthorizationPolicy evaluation as Istio does it at a waypoint (pure). */
import type { PolicySpec } from '../../topology/model.ts';

export interface AuthzRequest {
  namespace: string;
  service: string;
  method: string;
  sourceNamespace: string | undefined;
}

export interface AuthzDecision {
  allowed: boolean;
  /** The policy that allowed the request, or why it was denied. */
  reason: string;
}

/**
 * ALLOW semantics: with no ALLOW policy attached to the service everything is allowed; with some,
 * a request must match one (method and source namespace).
 */
export function evaluateAuthz(policies: PolicySpec[], req: AuthzRequest): AuthzDecision {
  const attached = policies.filter((p) => p.namespace === req.namespace && p.service === req.service);
  if (attached.length === 0) return { allowed: true, reason: 'no policy' };
  for (const p of attached) {
    const methodOk = p.methods.includes(req.method.toUpperCase());
    const sourceOk = req.sourceNamespace !== undefined && p.sourceNamespaces.includes(req.sourceNamespace);
    if (methodOk && sourceOk) return { allowed: true, reason: p.name };
  }
  return { allowed: false, reason: `denied by ${attached.map((p) => p.name).join(', ')}` };
}
