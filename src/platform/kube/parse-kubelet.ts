/**
 * Kubelet payloads read through the API server (pure): the Summary API (cumulative CPU per container and
 * node, memory) and cAdvisor's Prometheus text (CFS periods, throttling, the CPU quota = the limit).
 */
import { parsePrometheusText } from '../../metrics/prometheus-text.ts';

export interface ContainerUsage {
  namespace: string;
  pod: string;
  container: string;
  /** Cumulative CPU seconds (usageCoreNanoSeconds / 1e9). */
  cpuSeconds: number;
  memoryBytes?: number;
}

export interface NodeUsage {
  node: string;
  cpuSeconds: number;
  memoryBytes?: number;
  containers: ContainerUsage[];
}

interface SummaryJson {
  node?: {
    nodeName?: string;
    cpu?: { usageCoreNanoSeconds?: number };
    memory?: { workingSetBytes?: number };
  };
  pods?: Array<{
    podRef?: { name?: string; namespace?: string };
    containers?: Array<{
      name?: string;
      cpu?: { usageCoreNanoSeconds?: number };
      memory?: { workingSetBytes?: number };
    }>;
  }>;
}

/** GET /api/v1/nodes/NODE/proxy/stats/summary → usage per container (containers without CPU data skipped). */
export function parseSummary(json: unknown): NodeUsage {
  const s = (json ?? {}) as SummaryJson;
  const containers: ContainerUsage[] = [];
  for (const p of s.pods ?? []) {
    for (const c of p.containers ?? []) {
      if (typeof c.cpu?.usageCoreNanoSeconds !== 'number') continue;
      containers.push({
        namespace: p.podRef?.namespace ?? '',
        pod: p.podRef?.name ?? '',
        container: c.name ?? '',
        cpuSeconds: c.cpu.usageCoreNanoSeconds / 1e9,
        ...(typeof c.memory?.workingSetBytes === 'number' ? { memoryBytes: c.memory.workingSetBytes } : {}),
      });
    }
  }
  return {
    node: s.node?.nodeName ?? '',
    cpuSeconds: (s.node?.cpu?.usageCoreNanoSeconds ?? 0) / 1e9,
    ...(typeof s.node?.memory?.workingSetBytes === 'number'
      ? { memoryBytes: s.node.memory.workingSetBytes }
      : {}),
    containers,
  };
}

export interface ContainerThrottling {
  namespace: string;
  pod: string;
  container: string;
  periods?: number;
  throttledPeriods?: number;
  throttledSeconds?: number;
  /** CPU limit in cores (quota / period), when the container has one. */
  limitCores?: number;
  cpuSeconds?: number;
}

const key = (ns: string, pod: string, c: string) => `${ns}/${pod}/${c}`;

/** GET /api/v1/nodes/NODE/proxy/metrics/cadvisor → CFS figures per container (by namespace/pod/container). */
export function parseCadvisor(text: string): Map<string, ContainerThrottling> {
  const out = new Map<string, ContainerThrottling>();
  const quota = new Map<string, number>();
  const period = new Map<string, number>();
  for (const s of parsePrometheusText(text)) {
    const { namespace, pod, container } = s.labels;
    // Pod-level and sandbox series have no container name (or "POD"): skip them.
    if (!namespace || !pod || !container || container === 'POD') continue;
    const k = key(namespace, pod, container);
    const e = out.get(k) ?? { namespace, pod, container };
    switch (s.name) {
      case 'container_cpu_cfs_periods_total':
        e.periods = s.value;
        break;
      case 'container_cpu_cfs_throttled_periods_total':
        e.throttledPeriods = s.value;
        break;
      case 'container_cpu_cfs_throttled_seconds_total':
        e.throttledSeconds = s.value;
        break;
      case 'container_cpu_usage_seconds_total':
        e.cpuSeconds = (e.cpuSeconds ?? 0) + s.value;
        break;
      case 'container_spec_cpu_quota':
        quota.set(k, s.value);
        break;
      case 'container_spec_cpu_period':
        period.set(k, s.value);
        break;
      default:
        continue;
    }
    out.set(k, e);
  }
  for (const [k, q] of quota) {
    const p = period.get(k);
    const e = out.get(k);
    if (e && p && q > 0) e.limitCores = Math.round((q / p) * 1000) / 1000;
  }
  return out;
}

export function throttlingKey(c: { namespace: string; pod: string; container: string }): string {
  return key(c.namespace, c.pod, c.container);
}
