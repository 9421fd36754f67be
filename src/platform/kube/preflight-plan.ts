/**
 * The Kubernetes preflight as data (pure): topology/preflight.ts's probes turned into requests of probe
 * pods — the load's own namespace for the allowed and denied-method probes (the policy admits it, as it
 * admits the load), the outsider namespace for the denied-source probe — and their answers judged.
 */
import { parsePrometheusText } from '../../metrics/prometheus-text.ts';
import type { TenantPlan } from '../../suite/plan.ts';
import type { Topology } from '../../topology/model.ts';
import {
  judgeProbe,
  OUTSIDER_NAMESPACE,
  type ProbeOutcome,
  type ProbeSpec,
  planTenantProbes,
  type TenantProbePlan,
} from '../../topology/preflight.ts';
import { type ProbeAnswer, type ProbeRequest, buildProbeObjects } from './manifests/probe.ts';
import { type KubeObject, LOAD_NAMESPACE, type Placement } from './manifests/types.ts';
import { serviceUrl } from './schedule.ts';

export interface KubeProbePlan {
  tenants: Array<TenantProbePlan & { target: TenantPlan }>;
  /** Probe requests by the namespace whose pod sends them. */
  byNamespace: Map<string, ProbeRequest[]>;
  notes: string[];
}

const probeId = (spec: ProbeSpec) => `${spec.tenant}:${spec.name}`;
/** Where a probe is sent from in the cluster: the outsider's own pod, else the load's namespace. */
export const sourceOf = (spec: ProbeSpec) =>
  spec.sourceNamespace === OUTSIDER_NAMESPACE ? OUTSIDER_NAMESPACE : LOAD_NAMESPACE;

export function planKubeProbes(topology: Topology, tenants: readonly TenantPlan[]): KubeProbePlan {
  const byNamespace = new Map<string, ProbeRequest[]>();
  const planned = tenants.map((t) => ({ ...planTenantProbes(topology, t), target: t }));
  for (const p of planned) {
    for (const spec of p.probes) {
      const ns = sourceOf(spec);
      const list = byNamespace.get(ns) ?? [];
      list.push({
        id: probeId(spec),
        url: serviceUrl(p.target),
        method: spec.method,
        headers: p.target.headers,
      });
      byNamespace.set(ns, list);
    }
  }
  return { tenants: planned, byNamespace, notes: planned.flatMap((p) => p.notes) };
}

/** The probe Jobs (and Secrets) of one variant, as the plan prints them and the platform applies them. */
export function buildPreflightObjects(
  topology: Topology,
  tenants: readonly TenantPlan[],
  placement: Placement,
): KubeObject[] {
  const { byNamespace } = planKubeProbes(topology, tenants);
  return [...byNamespace].flatMap(([namespace, requests]) =>
    buildProbeObjects({ namespace, requests, placement }),
  );
}

/** Judges the answers: a 403 counts only as Envoy's RBAC reply ("RBAC: access denied"), not the app's. */
export function judgeKubeProbes(plan: KubeProbePlan, answers: readonly ProbeAnswer[]): ProbeOutcome[] {
  return plan.tenants.flatMap((t) =>
    t.probes.map((spec) => {
      const a = answers.find((x) => x.id === probeId(spec));
      // Report the namespace the probe really came from (the load's, on Kubernetes).
      const sent = { ...spec, sourceNamespace: sourceOf(spec) };
      if (!a) return judgeProbe(sent, { status: null, error: 'the probe pod gave no answer for it' });
      return judgeProbe(sent, {
        status: a.status,
        fromWaypoint: a.status === 403 && (a.body ?? '').startsWith('RBAC:'),
        ...(a.error ? { error: a.error } : {}),
      });
    }),
  );
}

/**
 * Requests a waypoint handled for one service: Istio's standard `istio_requests_total` as the waypoint
 * reports it (denied requests included), summed over response codes and sources.
 */
export function waypointRequestsTo(statsText: string, service: string, namespace: string): number {
  const destination = `${service}.${namespace}.svc.cluster.local`;
  let n = 0;
  for (const s of parsePrometheusText(statsText)) {
    if (s.name !== 'istio_requests_total' || s.labels.reporter !== 'waypoint') continue;
    if (s.labels.destination_service === destination && Number.isFinite(s.value)) n += s.value;
  }
  return n;
}
