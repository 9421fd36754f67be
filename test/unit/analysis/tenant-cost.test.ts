import { describe, expect, it } from 'vitest';
import { costPer1k, tenantCost } from '../../../src/analysis/tenant-cost.ts';
import type { CpuSeries, StatsSeries, VariantResult } from '../../../src/result/types.ts';

/** A tenant whose load ran `durationS` seconds from `offsetS`, `ok` successes a second, no warm-up. */
function tenant(name: string, offsetS: number, durationS: number, ok: number) {
  return {
    tenant: name,
    namespace: name,
    load: {
      schedule: { startOffsetMs: offsetS * 1000, warmupMs: 0, durationMs: durationS * 1000 },
      series: Array.from({ length: durationS }, (_, t) => ({ t, ok })),
    },
  } as unknown as VariantResult['tenants'][number];
}

const rq = (ns: string) => `cluster.outbound|9080||productpage.${ns}.svc.cluster.local.upstream_rq_total`;
// A real waypoint's cluster, as the kube sampler keys it (Prometheus cluster_name label, no "cluster." prefix).
const details = (ns: string) => `inbound-vip|9080|http|details.${ns}.svc.cluster.local.upstream_rq_total`;

describe('tenantCost', () => {
  it('charges a waypoint of its own wholly to its tenant: ms of CPU per 1,000 successes', () => {
    const cpu: CpuSeries = {
      component: 'ns-1/waypoint',
      kind: 'waypoint',
      points: Array.from({ length: 10 }, (_, t) => ({ t, cores: 0.05 })),
    };
    const c = tenantCost({
      run: { tenants: [tenant('ns-1', 0, 10, 100)] },
      tenant: 'ns-1',
      cpu,
      servedNamespaces: ['ns-1'],
    })!;
    expect(c.share).toBe(1);
    // 0.05 cores for 10 s = 0.5 CPU-s over 1,000 successes: 500 ms per 1,000.
    expect(costPer1k([c])).toBeCloseTo(500, 6);
  });

  it('splits a shared waypoint second by second by the requests it proxied for each namespace', () => {
    // ns-2 joins at 2 s; from then on the waypoint proxies 3 ns-2 requests for every ns-1 request.
    const points = Array.from({ length: 6 }, (_, t) => ({ t, cores: t < 2 ? 0.1 : 0.4 }));
    const stats: StatsSeries = {
      component: 'waypoint ns-1/waypoint',
      deltas: { [rq('ns-1')]: 600, [rq('ns-2')]: 1200, 'cluster.main_internal.upstream_rq_total': 99 },
      points: points.map((p) => ({
        t: p.t,
        counters:
          p.t < 2 ? { [rq('ns-1')]: 100 } : { [rq('ns-1')]: 50, [details('ns-1')]: 50, [rq('ns-2')]: 300 },
      })),
    };
    const cpu: CpuSeries = { component: 'ns-1/waypoint', kind: 'waypoint', points };
    const run = { tenants: [tenant('ns-1', 0, 6, 100), tenant('ns-2', 2, 4, 300)] };
    const one = tenantCost({ run, tenant: 'ns-1', cpu, stats, servedNamespaces: ['ns-1', 'ns-2'] })!;
    const two = tenantCost({ run, tenant: 'ns-2', cpu, stats, servedNamespaces: ['ns-1', 'ns-2'] })!;
    // ns-1: 2 s × 0.1 + 4 s × 0.4 × 1/4 = 0.6 CPU-s; ns-2: 4 s × 0.4 × 3/4 = 1.2 CPU-s: together all of it.
    expect(one.cpuSeconds).toBeCloseTo(0.6, 9);
    expect(two.cpuSeconds).toBeCloseTo(1.2, 9);
    expect(one.cpuSeconds + two.cpuSeconds).toBeCloseTo(
      points.reduce((a, p) => a + p.cores, 0),
      9,
    );
    expect(one.ok).toBe(600);
    expect(two.ok).toBe(1200);
    expect(costPer1k([one])).toBeCloseTo(1000, 6);
    expect(costPer1k([two])).toBeCloseTo(1000, 6);
  });

  it('says nothing for a shared waypoint without counters to split it by', () => {
    const cpu: CpuSeries = { component: 'w', kind: 'waypoint', points: [{ t: 0, cores: 1 }] };
    const run = { tenants: [tenant('ns-1', 0, 1, 10), tenant('ns-2', 0, 1, 10)] };
    expect(tenantCost({ run, tenant: 'ns-1', cpu, servedNamespaces: ['ns-1', 'ns-2'] })).toBeUndefined();
  });
});
