/**
 * What a suite asks of a cluster's CPU, from the plan it runs (pure): each variant's waypoints at their
 * CPU limits, the load Jobs' and Bookinfo's declared CPU requests, against the nodes' allocatable CPU,
 * and the scale that fits. Only the waypoints scale with `scale`; the requests stay.
 */
import type { RunPlan } from '../../suite/plan.ts';
import { quantityValue } from '../../topology/schema.ts';
import type { KubeJson } from './client.ts';
import type { Check } from './doctor-checks.ts';
import { type KubeObject, manifestJson } from './manifests/types.ts';
import type { KubePlan } from './plan.ts';

export interface CpuDemand {
  /** The plan's scale. */
  scale: number;
  /** The busiest variant's waypoints at their CPU limits, cores (scales with `scale`). */
  waypoints: number;
  /** Load Jobs' CPU requests, cores (the busiest variant's). */
  load: number;
  /** Bookinfo's CPU requests (replicas × containers), cores. */
  bookinfo: number;
  total: number;
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are read as plain JSON
type Json = any;

/** CPU requests of a workload's pod template × its replicas (a Job: one pod). */
function requestedCpu(o: KubeObject): number {
  const m = manifestJson(o) as Json;
  const spec = m.spec?.template?.spec;
  if (!spec) return 0;
  const perPod = (spec.containers ?? []).reduce(
    (n: number, c: Json) => n + (quantityValue(c.resources?.requests?.cpu) || 0),
    0,
  );
  return perPod * (m.kind === 'Deployment' ? (m.spec?.replicas ?? 1) : 1);
}

export function estimateCpuDemand(plan: RunPlan, kp: KubePlan): CpuDemand {
  const waypoints = Math.max(
    0,
    ...plan.variants.map((v) => v.topology.waypoints.reduce((n, w) => n + w.envelope.cpuLimit, 0)),
  );
  const load = Math.max(
    0,
    ...kp.steps
      .filter((s) => s.run === 'load')
      .map((s) => s.manifests.reduce((n, o) => n + requestedCpu(o), 0)),
  );
  const bookinfo = kp.steps
    .filter((s) => s.id.startsWith('bookinfo-') && s.run === 'apply')
    .reduce((n, s) => n + s.manifests.reduce((k, o) => k + requestedCpu(o), 0), 0);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    scale: plan.scale,
    waypoints: round(waypoints),
    load: round(load),
    bookinfo: round(bookinfo),
    total: round(waypoints + load + bookinfo),
  };
}

/**
 * CPU the nodes can give. kind's nodes are containers on one host, each reporting the host's CPUs: the
 * host's count, once. A real cluster: the sum over nodes that are not control planes.
 */
export function allocatableCpu(nodes: readonly KubeJson[], platform: 'kind' | 'cluster'): number {
  const cpu = (n: KubeJson) => quantityValue((n.status as Json)?.allocatable?.cpu as string | undefined) || 0;
  if (platform === 'kind') return Math.max(0, ...nodes.map(cpu));
  const workers = nodes.filter(
    (n) => !('node-role.kubernetes.io/control-plane' in (n.metadata?.labels ?? {})),
  );
  return (workers.length ? workers : nodes).reduce((s, n) => s + cpu(n), 0);
}

/** The largest scale (two decimals, at most 1) whose demand fits, or 0 when the unscaled part alone does not. */
export function fittingScale(d: CpuDemand, allocatable: number): number {
  const perScale = d.scale > 0 ? d.waypoints / d.scale : 0;
  const room = allocatable - d.load - d.bookinfo;
  if (room <= 0) return 0;
  if (perScale === 0) return 1;
  return Math.min(1, Math.floor((room / perScale) * 100) / 100);
}

export function capacityCheck(d: CpuDemand, allocatable: number): Check {
  const found = `${allocatable} cores allocatable`;
  const need = `${d.total} cores at scale ${d.scale} (waypoints at their limits ${d.waypoints}, load agents' requests ${d.load}, Bookinfo's requests ${d.bookinfo})`;
  if (d.total <= allocatable) return { name: 'cpu capacity', status: 'ok', found, need };
  const fit = fittingScale(d, allocatable);
  return {
    name: 'cpu capacity',
    status: 'warn',
    found,
    need,
    detail:
      fit > 0
        ? `the suite asks more CPU than the nodes have: it would measure its own starvation; scale ${fit} fits`
        : `even without waypoints the load agents and Bookinfo ask ${Math.round((d.load + d.bookinfo) * 100) / 100} cores: no scale fits`,
    fix:
      fit > 0
        ? `run with --scale ${fit} (or set platforms.<kind|cluster>.scale in the suite)`
        : 'use bigger nodes, or a cluster with more of them',
  };
}
