/**
 * Preflight (pure): before a variant's load, the experiment must be what the suite says — the L7 policy
 * enforced, and each tenant's traffic crossing the waypoint the variant says serves it. This module
 * plans the probes and judges their answers; a platform sends them.
 */
import { type PolicySpec, type Topology, waypointFor, waypointKey } from './model.ts';

/** A namespace no suite allows: the denied-source probe comes from it. */
export const OUTSIDER_NAMESPACE = 'meshbench-preflight-outsider';
/** Methods tried, in order, for the denied-method probe (the first the policy does not allow). */
const DENIABLE_METHODS = ['POST', 'DELETE', 'PUT', 'PATCH'];

export interface ProbeSpec {
  tenant: string;
  /** allowed: the load's own request; denied-method / denied-source: what the policy must refuse. */
  name: 'allowed' | 'denied-method' | 'denied-source';
  method: string;
  sourceNamespace: string;
  /** 200, or 403 from the waypoint (Envoy's RBAC local reply). */
  expectStatus: 200 | 403;
}

export interface ProbeOutcome extends ProbeSpec {
  /** The answer's status; null when the request failed. */
  status: number | null;
  /** Why the request failed, when it did. */
  error?: string;
  ok: boolean;
}

export interface PathCheck {
  tenant: string;
  /** The waypoint the variant says serves the tenant. */
  waypoint: string;
  /** Its request counter's growth over the probes, and the least the probes account for. */
  grew: number;
  expected: number;
  ok: boolean;
}

export interface PreflightReport {
  ok: boolean;
  probes: ProbeOutcome[];
  paths: PathCheck[];
  /** What was not probed, and why (no waypoint, no policy). */
  notes: string[];
}

export interface TenantProbePlan {
  tenant: string;
  namespace: string;
  service: string;
  /** The waypoint serving the tenant's service, or null (L4 only: no L7 policy can apply). */
  waypoint: string | null;
  probes: ProbeSpec[];
  notes: string[];
}

/** The probes of one tenant under a topology. */
export function planTenantProbes(
  topology: Topology,
  tenant: { name: string; namespace: string; service: string; method: string },
): TenantProbePlan {
  const ref = waypointFor(topology, tenant.namespace, tenant.service);
  const base = {
    tenant: tenant.name,
    namespace: tenant.namespace,
    service: tenant.service,
    waypoint: ref ? waypointKey(ref) : null,
  };
  const allowed: ProbeSpec = {
    tenant: tenant.name,
    name: 'allowed',
    method: tenant.method,
    sourceNamespace: tenant.namespace,
    expectStatus: 200,
  };
  const where = `${tenant.namespace}/${tenant.service}`;
  if (!ref)
    return {
      ...base,
      probes: [allowed],
      notes: [
        `${tenant.name}: no waypoint serves ${where} in this variant, so no L7 policy applies (by design)`,
      ],
    };
  const policy: PolicySpec | undefined = topology.policies.find(
    (p) => p.namespace === tenant.namespace && p.service === tenant.service,
  );
  if (!policy)
    return { ...base, probes: [allowed], notes: [`${tenant.name}: no AuthorizationPolicy on ${where}`] };
  const probes: ProbeSpec[] = [allowed];
  const notes: string[] = [];
  const method = DENIABLE_METHODS.find((m) => !policy.methods.includes(m));
  if (method)
    probes.push({
      tenant: tenant.name,
      name: 'denied-method',
      method,
      sourceNamespace: tenant.namespace,
      expectStatus: 403,
    });
  else notes.push(`${tenant.name}: the policy allows every method probed, so none is probed as denied`);
  if (!policy.sourceNamespaces.includes(OUTSIDER_NAMESPACE))
    probes.push({
      tenant: tenant.name,
      name: 'denied-source',
      method: tenant.method,
      sourceNamespace: OUTSIDER_NAMESPACE,
      expectStatus: 403,
    });
  return { ...base, probes, notes };
}

/** Judges one probe's answer: the expected status, and a 403 only from the waypoint's RBAC. */
export function judgeProbe(
  spec: ProbeSpec,
  answer: { status: number | null; fromWaypoint?: boolean; error?: string },
): ProbeOutcome {
  const ok =
    answer.status === spec.expectStatus && (spec.expectStatus !== 403 || answer.fromWaypoint === true);
  return { ...spec, status: answer.status, ...(answer.error ? { error: answer.error } : {}), ok };
}

/** The path check: the waypoint's request counter grew by at least the probes sent through it. */
export function judgePath(input: {
  tenant: string;
  waypoint: string;
  before: number;
  after: number;
  probes: number;
}): PathCheck {
  const grew = input.after - input.before;
  return {
    tenant: input.tenant,
    waypoint: input.waypoint,
    grew,
    expected: input.probes,
    ok: grew >= input.probes,
  };
}

export function buildReport(probes: ProbeOutcome[], paths: PathCheck[], notes: string[]): PreflightReport {
  return { ok: probes.every((p) => p.ok) && paths.every((p) => p.ok), probes, paths, notes };
}

function answered(p: ProbeOutcome): string {
  return p.status === null ? `no answer (${p.error ?? 'failed'})` : String(p.status);
}

/** One line per failed probe or path: the probe, what was expected, what was seen. */
export function describeFailures(r: PreflightReport): string[] {
  return [
    ...r.probes
      .filter((p) => !p.ok)
      .map(
        (p) =>
          `${p.tenant}: probe ${p.name} (${p.method} from ${p.sourceNamespace}) expected ${p.expectStatus}${p.expectStatus === 403 ? ' from the waypoint' : ''}, got ${answered(p)}`,
      ),
    ...r.paths
      .filter((p) => !p.ok)
      .map(
        (p) =>
          `${p.tenant}: traffic did not cross ${p.waypoint}: its request counter grew by ${p.grew}, the probes alone account for ${p.expected}`,
      ),
  ];
}

/** One line for the live display and the reports: every probe and path, passed or not. */
export function describePreflight(r: PreflightReport): string {
  const probes = r.probes.map((p) => `${p.tenant} ${p.name} ${answered(p)}${p.ok ? '' : ' FAILED'}`);
  const paths = r.paths.map((p) => `${p.tenant} via ${p.waypoint} +${p.grew}${p.ok ? '' : ' FAILED'}`);
  return `preflight ${r.ok ? 'passed' : 'FAILED'}: ${[...probes, ...paths].join(', ')}`;
}
