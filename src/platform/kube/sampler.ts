/**
 * The Kubernetes sampler (effects: API reads each second): per-container CPU of the waypoints, the target
 * services (productpage) and ztunnel from the kubelet Summary API, limits and CFS throttling from cAdvisor,
 * node CPU and memory, and the waypoints' Envoy overflow counters through the pod proxy.
 */
import type { CpuReading, Sample, Sampler, StatsReading } from '../types.ts';
import type { KubeClient, KubeJson } from './client.ts';
import { parseCadvisor, parseSummary, throttlingKey } from './parse-kubelet.ts';
import { parseEnvoyOverflow } from './parse-envoy.ts';

export interface SampleTargets {
  waypoints: Array<{ namespace: string; name: string }>;
  /** Services whose pods are sampled (label app=<service>), e.g. each tenant's productpage. */
  services: Array<{ namespace: string; service: string }>;
  /** ztunnel's namespace (istio-system). */
  ztunnelNamespace?: string;
}

interface PodRef {
  namespace: string;
  name: string;
  node: string;
  container: string;
  component: string;
  kind: CpuReading['kind'];
  /** Tenant namespace the component serves (the waypoint's own namespace for waypoints). */
  owner?: string;
  waypoint?: boolean;
}

const POD_REFRESH_MS = 10_000;

export class KubeSampler implements Sampler {
  private pods: PodRef[] = [];
  private podsAt = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly targets: SampleTargets,
  ) {}

  private async podsFor(namespace: string, selector: string): Promise<KubeJson[]> {
    return (await this.client.list('v1', 'Pod', { namespace, labelSelector: selector })).filter(
      (p) => (p.status as { phase?: string } | undefined)?.phase === 'Running',
    );
  }

  /** Finds the pods behind the targets (refreshed every few seconds: waypoints come and go with variants). */
  async refreshPods(): Promise<PodRef[]> {
    const refs: PodRef[] = [];
    const add = (p: KubeJson, r: Omit<PodRef, 'namespace' | 'name' | 'node'>) =>
      refs.push({
        namespace: p.metadata?.namespace ?? '',
        name: p.metadata?.name ?? '',
        node: (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
        ...r,
      });
    for (const w of this.targets.waypoints) {
      for (const p of await this.podsFor(w.namespace, `gateway.networking.k8s.io/gateway-name=${w.name}`))
        add(p, {
          container: 'istio-proxy',
          component: `${w.namespace}/${w.name}`,
          kind: 'waypoint',
          owner: w.namespace,
          waypoint: true,
        });
    }
    for (const s of this.targets.services) {
      for (const p of await this.podsFor(s.namespace, `app=${s.service}`))
        add(p, {
          container: s.service,
          component: `${s.namespace}/${s.service}`,
          kind: 'service',
          owner: s.namespace,
        });
    }
    const zns = this.targets.ztunnelNamespace ?? 'istio-system';
    for (const p of await this.podsFor(zns, 'app=ztunnel')) {
      const node = (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
      add(p, { container: 'istio-proxy', component: `ztunnel@${node}`, kind: 'ztunnel' });
    }
    this.pods = refs;
    this.podsAt = Date.now();
    return refs;
  }

  async sample(): Promise<Sample> {
    // A transient API or kubelet error must not end the run: that reading is skipped.
    if (Date.now() - this.podsAt > POD_REFRESH_MS) await this.refreshPods().catch(() => this.pods);
    const at = Date.now();
    const nodes = [...new Set(this.pods.map((p) => p.node).filter(Boolean))];
    const perNode = await Promise.all(
      nodes.map(async (node) => {
        try {
          const base = `/api/v1/nodes/${encodeURIComponent(node)}/proxy`;
          const [summary, cadvisor] = await Promise.all([
            this.client.getJson<unknown>(`${base}/stats/summary`),
            this.client.getText(`${base}/metrics/cadvisor`),
          ]);
          return [{ node, usage: parseSummary(summary), throttling: parseCadvisor(cadvisor) }];
        } catch {
          return [];
        }
      }),
    ).then((r) => r.flat());
    const cpu = new Map<string, CpuReading>();
    for (const { node, usage, throttling } of perNode) {
      cpu.set(`node/${node}`, {
        component: `node/${node}`,
        kind: 'machine',
        cpuSeconds: usage.cpuSeconds,
        ...(usage.memoryBytes !== undefined ? { memoryBytes: usage.memoryBytes } : {}),
      });
      for (const ref of this.pods.filter((p) => p.node === node)) {
        const c = usage.containers.find(
          (x) => x.namespace === ref.namespace && x.pod === ref.name && x.container === ref.container,
        );
        if (!c) continue;
        const t = throttling.get(throttlingKey(c));
        const prev = cpu.get(ref.component);
        // Replicas of one component add up.
        cpu.set(ref.component, {
          component: ref.component,
          kind: ref.kind,
          ...(ref.owner ? { namespace: ref.owner } : {}),
          cpuSeconds: (prev?.cpuSeconds ?? 0) + c.cpuSeconds,
          ...(t?.limitCores !== undefined ? { limitCores: (prev?.limitCores ?? 0) + t.limitCores } : {}),
          enforcement: t?.limitCores !== undefined ? 'kubernetes' : 'none',
          ...(t?.periods !== undefined ? { periods: (prev?.periods ?? 0) + t.periods } : {}),
          ...(t?.throttledPeriods !== undefined
            ? { throttledPeriods: (prev?.throttledPeriods ?? 0) + t.throttledPeriods }
            : {}),
          ...(t?.throttledSeconds !== undefined
            ? { throttledSeconds: (prev?.throttledSeconds ?? 0) + t.throttledSeconds }
            : {}),
          ...(c.memoryBytes !== undefined ? { memoryBytes: (prev?.memoryBytes ?? 0) + c.memoryBytes } : {}),
        });
      }
    }
    const stats: StatsReading[] = [];
    for (const ref of this.pods.filter((p) => p.waypoint)) {
      const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.name)}:15020/proxy/stats/prometheus`;
      const text = await this.client.getText(path).catch(() => undefined);
      if (text === undefined) continue;
      const counters = parseEnvoyOverflow(text);
      const prev = stats.find((s) => s.component === ref.component);
      if (!prev) stats.push({ component: ref.component, counters });
      else for (const [k, v] of Object.entries(counters)) prev.counters[k] = (prev.counters[k] ?? 0) + v;
    }
    return { at, cpu: [...cpu.values()], stats };
  }
}
