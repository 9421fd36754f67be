/**
 * The Kubernetes sampler (effects: API reads each second): per-container CPU of the waypoints, the target
 * services (productpage) and ztunnel from the kubelet Summary API, limits and CFS throttling from cAdvisor,
 * node CPU and memory, and the waypoints' Envoy overflow counters through the pod proxy. Where the node's
 * cgroup files can be read (kind: docker exec), they replace the Summary API's ~10 s-old CPU figures.
 */
import type { CpuReading, Sample, Sampler, StatsReading } from '../types.ts';
import type { CgroupReader } from './cgroup-reader.ts';
import type { KubeClient, KubeJson } from './client.ts';
import { cgroupCandidates, parseCpuStat } from './parse-cgroup.ts';
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
  uid: string;
  qosClass?: string;
  containerId?: string;
  container: string;
  component: string;
  kind: CpuReading['kind'];
  /** Tenant namespace the component serves (the waypoint's own namespace for waypoints). */
  owner?: string;
  waypoint?: boolean;
}

interface PodJson {
  metadata?: { name?: string; namespace?: string; uid?: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    qosClass?: string;
    containerStatuses?: Array<{ name?: string; containerID?: string }>;
  };
}

const POD_REFRESH_MS = 10_000;

export class KubeSampler implements Sampler {
  private pods: PodRef[] = [];
  private podsAt = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly targets: SampleTargets,
    private readonly cgroup?: CgroupReader,
  ) {}

  private async podsFor(namespace: string, selector: string): Promise<KubeJson[]> {
    return (await this.client.list('v1', 'Pod', { namespace, labelSelector: selector })).filter(
      (p) => (p.status as { phase?: string } | undefined)?.phase === 'Running',
    );
  }

  /** Finds the pods behind the targets (refreshed every few seconds: waypoints come and go with variants). */
  async refreshPods(): Promise<PodRef[]> {
    const refs: PodRef[] = [];
    const add = (
      pod: KubeJson,
      r: Pick<PodRef, 'container' | 'component' | 'kind' | 'owner' | 'waypoint'>,
    ) => {
      const p = pod as unknown as PodJson;
      refs.push({
        namespace: p.metadata?.namespace ?? '',
        name: p.metadata?.name ?? '',
        uid: p.metadata?.uid ?? '',
        node: p.spec?.nodeName ?? '',
        qosClass: p.status?.qosClass,
        containerId: p.status?.containerStatuses?.find((c) => c.name === r.container)?.containerID,
        ...r,
      });
    };
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

  /** Fresh CPU from the node's cgroup files, per pod ref (empty when unreadable). */
  private async readCgroups(
    node: string,
    refs: PodRef[],
  ): Promise<Map<PodRef, ReturnType<typeof parseCpuStat>>> {
    const out = new Map<PodRef, ReturnType<typeof parseCpuStat>>();
    if (!this.cgroup) return out;
    const withIds = refs.filter((r) => r.containerId && r.uid);
    const candidates = new Map(
      withIds.map((r) => [
        r,
        cgroupCandidates({ podUid: r.uid, qosClass: r.qosClass, containerId: r.containerId! }),
      ]),
    );
    const files = await this.cgroup(node, [...candidates.values()].flat()).catch(
      () => new Map<string, string>(),
    );
    for (const [ref, paths] of candidates) {
      const hit = paths.find((p) => files.has(p));
      if (hit) out.set(ref, parseCpuStat(files.get(hit)!));
    }
    return out;
  }

  async sample(): Promise<Sample> {
    // A transient API or kubelet error must not end the run: that reading is skipped.
    if (Date.now() - this.podsAt > POD_REFRESH_MS) await this.refreshPods().catch(() => this.pods);
    const at = Date.now();
    const nodes = [...new Set(this.pods.map((p) => p.node).filter(Boolean))];
    const perNode = await Promise.all(
      nodes.map(async (node) => {
        const refs = this.pods.filter((p) => p.node === node);
        try {
          const base = `/api/v1/nodes/${encodeURIComponent(node)}/proxy`;
          const [summary, cadvisor, fresh] = await Promise.all([
            this.client.getJson<unknown>(`${base}/stats/summary`),
            this.client.getText(`${base}/metrics/cadvisor`),
            this.readCgroups(node, refs),
          ]);
          return [{ node, refs, usage: parseSummary(summary), throttling: parseCadvisor(cadvisor), fresh }];
        } catch {
          return [];
        }
      }),
    ).then((r) => r.flat());
    const cpu = new Map<string, CpuReading>();
    for (const { node, refs, usage, throttling, fresh } of perNode) {
      cpu.set(`node/${node}`, {
        component: `node/${node}`,
        kind: 'machine',
        cpuSeconds: usage.cpuSeconds,
        ...(usage.memoryBytes !== undefined ? { memoryBytes: usage.memoryBytes } : {}),
      });
      for (const ref of refs) {
        const c = usage.containers.find(
          (x) => x.namespace === ref.namespace && x.pod === ref.name && x.container === ref.container,
        );
        if (!c) continue;
        const t = { ...throttling.get(throttlingKey(c)) };
        const f = fresh.get(ref);
        const cpuSeconds = f?.cpuSeconds ?? c.cpuSeconds;
        if (f?.periods !== undefined) t.periods = f.periods;
        if (f?.throttledPeriods !== undefined) t.throttledPeriods = f.throttledPeriods;
        if (f?.throttledSeconds !== undefined) t.throttledSeconds = f.throttledSeconds;
        const prev = cpu.get(ref.component);
        const sum = (a: number | undefined, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);
        // Replicas of one component add up.
        const reading: CpuReading = {
          component: ref.component,
          kind: ref.kind,
          ...(ref.owner ? { namespace: ref.owner } : {}),
          cpuSeconds: (prev?.cpuSeconds ?? 0) + cpuSeconds,
          enforcement: t.limitCores !== undefined ? 'kubernetes' : 'none',
        };
        const limit = sum(prev?.limitCores, t.limitCores);
        const periods = sum(prev?.periods, t.periods);
        const throttledPeriods = sum(prev?.throttledPeriods, t.throttledPeriods);
        const throttledSeconds = sum(prev?.throttledSeconds, t.throttledSeconds);
        const memoryBytes = sum(prev?.memoryBytes, c.memoryBytes);
        if (limit !== undefined) reading.limitCores = limit;
        if (periods !== undefined) reading.periods = periods;
        if (throttledPeriods !== undefined) reading.throttledPeriods = throttledPeriods;
        if (throttledSeconds !== undefined) reading.throttledSeconds = throttledSeconds;
        if (memoryBytes !== undefined) reading.memoryBytes = memoryBytes;
        cpu.set(ref.component, reading);
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
