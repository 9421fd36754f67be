/**
 * Cost per tenant (pure): the waypoint CPU a tenant's successful requests cost, in ms of CPU per 1,000. A
 * shared waypoint's CPU is split second by second by each tenant's share of the requests it proxied upstream,
 * read from its own counters (Envoy's per-cluster `upstream_rq_total`, whose cluster names carry the
 * destination namespace); a waypoint serving one tenant charges it all. Over the measured window only: the
 * seconds from the first tenant's warm-up end to the last tenant's end, CPU and requests alike.
 */
import type { CpuSeries, StatsSeries, VariantResult } from '../result/types.ts';

export interface TenantCost {
  /** Waypoint CPU seconds charged to the tenant over the window. */
  cpuSeconds: number;
  /** The tenant's successful requests over the same window. */
  ok: number;
  /** The tenant's share of what the waypoint proxied over the window (1 for a waypoint of its own). */
  share: number;
}

/**
 * A per-cluster request counter and its destination namespace: `cluster.outbound|9080||productpage.ns-2.svc
 * .cluster.local.upstream_rq_total` (the local stand-in, Envoy's own stat name) or `inbound-vip|9080|http|
 * productpage.ns-2.svc.cluster.local.upstream_rq_total` (a real waypoint, by its Prometheus cluster label).
 */
const CLUSTER_RQ =
  /^(?:cluster\.)?(?:outbound|inbound-vip|inbound)\|\d+\|[^|]*\|[^.|]+\.([^.|]+)\.svc\.[^|]*\.upstream_rq_total$/;

function namespaceRequests(counters: Record<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, n] of Object.entries(counters)) {
    const m = CLUSTER_RQ.exec(k);
    if (m) out.set(m[1], (out.get(m[1]) ?? 0) + n);
  }
  return out;
}

/**
 * One tenant's cost on the waypoint `cpu` in one variant run; undefined without CPU points or successes.
 * `servedNamespaces`: the namespaces whose tenants this waypoint serves.
 */
export function tenantCost(input: {
  run: Pick<VariantResult, 'tenants'>;
  tenant: string;
  cpu: CpuSeries;
  stats?: StatsSeries;
  servedNamespaces: readonly string[];
}): TenantCost | undefined {
  const { run, cpu, stats } = input;
  const me = run.tenants.find((t) => t.tenant === input.tenant);
  if (!me) return undefined;
  const served = run.tenants.filter((t) => input.servedNamespaces.includes(t.namespace));
  const schedules = (served.length ? served : [me]).map((t) => t.load.schedule);
  const fromS = Math.min(...schedules.map((s) => s.startOffsetMs + s.warmupMs)) / 1000;
  const toS = Math.max(...schedules.map((s) => s.startOffsetMs + s.durationMs)) / 1000;
  const alone = served.length <= 1;
  const total = stats ? namespaceRequests(stats.deltas) : new Map<string, number>();
  const overall = (() => {
    const all = [...total.values()].reduce((a, b) => a + b, 0);
    return all > 0 ? (total.get(me.namespace) ?? 0) / all : undefined;
  })();
  if (!alone && overall === undefined) return undefined; // shared, and no counters to split it by
  const perSecond = new Map((stats?.points ?? []).map((p) => [p.t, namespaceRequests(p.counters)]));
  let cpuSeconds = 0;
  let charged = 0;
  let seconds = 0;
  for (const p of cpu.points) {
    if (p.t < fromS || p.t > toS) continue;
    let share = 1;
    if (!alone) {
      const sec = perSecond.get(p.t);
      const all = sec ? [...sec.values()].reduce((a, b) => a + b, 0) : 0;
      share = all > 0 ? (sec!.get(me.namespace) ?? 0) / all : overall!;
    }
    cpuSeconds += p.cores * share;
    charged += share;
    seconds++;
  }
  // The tenant's successes whose second (on the variant's axis) falls in the same window.
  const offsetS = me.load.schedule.startOffsetMs / 1000;
  const ok = me.load.series
    .filter((s) => s.t + offsetS >= fromS && s.t + offsetS < toS)
    .reduce((a, s) => a + s.ok, 0);
  if (seconds === 0 || ok === 0) return undefined;
  return { cpuSeconds, ok, share: alone ? 1 : charged / seconds };
}

/** Ms of waypoint CPU per 1,000 successful requests, over several runs (CPU and requests summed). */
export function costPer1k(costs: readonly TenantCost[]): number | undefined {
  const ok = costs.reduce((a, c) => a + c.ok, 0);
  if (ok === 0) return undefined;
  return (costs.reduce((a, c) => a + c.cpuSeconds, 0) * 1000) / (ok / 1000);
}
