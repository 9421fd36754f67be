import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  explainLatencyShape,
  explainOtherErrors,
  explainOverflowErrors,
  explainRun,
  explainUnsent,
  explainValidity,
} from '../../../src/analysis/explain.ts';
import {
  connectionLimitOf,
  cpuLimitOf,
  explainCpuHeadroom,
  explainLimits,
  parseOverflowCounter,
} from '../../../src/analysis/explain-limits.ts';
import { fmtCount, fmtMsWords, fmtShare } from '../../../src/analysis/explain-words.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import type {
  LatencySummary,
  TenantSummary,
  VariantSummary,
  WaypointSummary,
} from '../../../src/analysis/summary-types.ts';
import type { LoadResult } from '../../../src/load/types.ts';
import type { CpuSeries, RunResult, StatsSeries, VariantResult } from '../../../src/result/types.ts';
import { schedule } from '../../helpers/schedule.ts';

// ---- hand-built fragments --------------------------------------------------------------------------------

/** A waypoint CPU series from [t, cores, throttledRatio?] points. */
function cpu(points: Array<[number, number, number?]>, over: Partial<CpuSeries> = {}): CpuSeries {
  return {
    component: 'ns-1/waypoint',
    kind: 'waypoint',
    namespace: 'ns-1',
    limitCores: 0.45,
    points: points.map(([t, cores, throttledRatio]) => ({ t, cores, throttledRatio })),
    ...over,
  };
}

function stats(
  points: Array<[number, Record<string, number>]>,
  over: Partial<StatsSeries> = {},
): StatsSeries {
  const deltas: Record<string, number> = {};
  for (const [, counters] of points)
    for (const [k, n] of Object.entries(counters)) deltas[k] = (deltas[k] ?? 0) + n;
  return {
    component: 'ns-1/waypoint',
    deltas,
    points: points.map(([t, counters]) => ({ t, counters })),
    ...over,
  };
}

/** One repeat of a variant; only the tenants' start offsets and warm-up matter to the limit rules. */
function variant(
  over: Partial<VariantResult> & { warmupMs?: number; offsetsMs?: number[] } = {},
): VariantResult {
  const { warmupMs = 0, offsetsMs = [0], ...rest } = over;
  return {
    name: 'shared',
    repeat: 1,
    kind: 'shared',
    startedAt: 0,
    endedAt: 1,
    complete: true,
    tenants: offsetsMs.map((startOffsetMs, i) => ({
      tenant: `ns-${i + 1}`,
      namespace: `ns-${i + 1}`,
      load: { schedule: schedule({ url: 'http://127.0.0.1:1/', startOffsetMs, warmupMs }) } as LoadResult,
    })),
    cpu: [],
    stats: [],
    ...rest,
  };
}

function latency(avgMs: number, count = 100): LatencySummary {
  return {
    count,
    minMs: avgMs,
    avgMs,
    stddevMs: 0,
    p50Ms: avgMs,
    p90Ms: avgMs,
    p99Ms: avgMs,
    p999Ms: avgMs,
    maxMs: avgMs,
  };
}

function tenant(
  name: string,
  f: {
    ok?: number;
    byClass?: Record<string, number>;
    skipped?: number;
    avgMs?: number;
    actualAvgMs?: number;
    waypoint?: string;
    extra?: object;
  } = {},
): TenantSummary {
  const byClass = f.byClass ?? {};
  const errors = Object.values(byClass).reduce((a, b) => a + b, 0);
  const ok = f.ok ?? 10_000;
  const figures = {
    requests: {
      intended: ok + errors + (f.skipped ?? 0),
      sent: ok + errors,
      completed: ok + errors,
      ok,
      errors,
      skipped: f.skipped ?? 0,
      warmup: 0,
    },
    latency: latency(f.avgMs ?? 30),
    latencyActual: latency(f.actualAvgMs ?? 29),
    errors: { count: errors, rate: errors / (ok + errors), byClass },
    rps: { achieved: 100 },
    scheduleLag: { avgMs: 0, p99Ms: 0, maxMs: 0 },
    validity: { valid: true, reasons: [] as string[] },
  };
  return {
    tenant: name,
    namespace: name,
    waypoint: f.waypoint,
    merged: { ...figures, ...f.extra },
    histograms: { intended: '', actual: '' },
    perRepeat: [{ repeat: 1, incomplete: false, ...figures }],
    spread: {},
    incomplete: false,
  };
}

function waypoint(
  component: string,
  f: {
    tenants?: string[];
    overflow?: number;
    maxCores?: number;
    limitCores?: number;
    throttledRatio?: number;
  },
): WaypointSummary {
  const figures = {
    avgCores: (f.maxCores ?? 0.3) / 2,
    maxCores: f.maxCores ?? 0.3,
    throttledRatio: f.throttledRatio,
    overflow: f.overflow ?? 0,
    overflowByCounter: (f.overflow ? { upstream_cx_overflow: f.overflow } : {}) as Record<string, number>,
  };
  return {
    component,
    limitCores: f.limitCores,
    tenants: f.tenants ?? [],
    merged: figures,
    coresPoints: [figures.avgCores, figures.maxCores],
    perRepeat: [{ repeat: 1, ...figures }],
  };
}

function summaryOf(
  tenants: TenantSummary[],
  waypoints: WaypointSummary[] = [],
  over: Partial<VariantSummary> = {},
): VariantSummary {
  return {
    name: 'shared',
    kind: 'shared',
    repeats: [1],
    complete: true,
    tenants,
    waypoints,
    errors: [],
    ...over,
  };
}

// ---- rules ------------------------------------------------------------------------------------------------

describe('rule cpu-limit', () => {
  it('names the first second of a sustained stretch at 95% of the limit and the throttling from then on', () => {
    const v = variant({
      cpu: [
        cpu([
          [1.1, 0.2, 0],
          [2.1, 0.3, 0.1],
          [3.1, 0.44, 0.9],
          [4.1, 0.44, 0.92],
          [5.1, 0.45, 0.94],
        ]),
      ],
    });
    expect(cpuLimitOf(v.cpu[0])).toEqual({
      t: 3.1,
      limitCores: 0.45,
      throttled: { share: expect.closeTo(0.92, 9), over: 'since' },
    });
    expect(explainLimits(v)).toEqual([
      {
        variant: 'shared',
        rule: 'cpu-limit',
        severity: 'limit',
        text: 'shared waypoint ns-1/waypoint reached its CPU limit (0.45 cores) at t=3.1 s (throttled in 92.0% of periods from then on)',
      },
    ]);
  });

  it("says 'modelled' when the limit is the local model's charged Envoy CPU", () => {
    const series = {
      ...cpu([
        [1, 0.2, 0.9],
        [2, 0.2, 0.95],
      ]),
      limitCores: 0.2,
      enforcement: 'modelled' as const,
    };
    const hit = cpuLimitOf(series);
    expect(hit).toMatchObject({ t: 1, limitCores: 0.2, modelled: true });
    expect(explainLimits(variant({ cpu: [series] }))[0].text).toContain(
      'reached its modelled CPU limit (0.2 cores) at t=1.0 s',
    );
  });

  it('does not count one busy second: the stretch must last two samples', () => {
    const spike = cpu([
      [1, 0.45, 0],
      [2, 0.2, 0],
      [3, 0.45, 0],
      [4, 0.45, 0],
    ]);
    expect(cpuLimitOf(spike)?.t).toBe(3);
    expect(
      cpuLimitOf(
        cpu([
          [1, 0.45],
          [2, 0.2],
          [3, 0.45],
        ]),
      ),
    ).toBeUndefined();
    expect(
      cpuLimitOf(
        cpu([
          [1, 0.42],
          [2, 0.42],
        ]),
      ),
    ).toBeUndefined(); // 0.42 < 0.95 × 0.45
  });

  it('counts throttling of at least half the periods as the limit, also without a known limit', () => {
    const hit = cpuLimitOf(
      cpu(
        [
          [1, 0.1, 0.49],
          [2, 0.1, 0.5],
          [3, 0.1, 0.7],
        ],
        { limitCores: undefined },
      ),
    );
    expect(hit).toEqual({ t: 2, limitCores: undefined, throttled: { share: 0.6, over: 'since' } });
    const v = variant({
      kind: 'dedicated',
      name: 'dedicated',
      cpu: [
        cpu(
          [
            [2, 0.1, 0.5],
            [3, 0.1, 0.7],
          ],
          { limitCores: undefined },
        ),
      ],
    });
    expect(explainLimits(v)[0].text).toBe(
      'dedicated waypoint ns-1/waypoint reached its CPU limit at t=2.0 s (throttled in 60.0% of periods from then on)',
    );
  });

  it('falls back to the period totals when the points carry no throttled ratio, and says so', () => {
    const series = cpu(
      [
        [1, 0.45],
        [2, 0.45],
      ],
      { periods: 200, throttledPeriods: 150 },
    );
    expect(cpuLimitOf(series)?.throttled).toEqual({ share: 0.75, over: 'variant' });
    expect(explainLimits(variant({ cpu: [series] }))[0].text).toContain(
      '(throttled in 75.0% of all its periods)',
    );
    expect(
      cpuLimitOf(
        cpu([
          [1, 0.45],
          [2, 0.45],
        ]),
      )?.throttled,
    ).toBeUndefined();
  });

  it('ignores a stretch that ends before the first measured second, not one that runs into it', () => {
    const v = variant({
      warmupMs: 3000,
      cpu: [
        cpu([
          [1, 0.45, 0.9],
          [2, 0.45, 0.9],
          [3, 0.2, 0],
          [4, 0.2, 0],
        ]),
      ],
    });
    expect(explainLimits(v)).toEqual([]);
    v.cpu[0].points[2].cores = 0.45;
    v.cpu[0].points[3].cores = 0.45;
    expect(explainLimits(v)[0].text).toContain('at t=1.0 s');
  });

  it('names the waypoint without the local platform prefix, sets the repeat, and skips other components', () => {
    const v = variant({
      cpu: [
        cpu(
          [
            [1, 0.45],
            [2, 0.45],
          ],
          { component: 'waypoint ns-1/waypoint' },
        ),
        cpu(
          [
            [1, 9],
            [2, 9],
          ],
          { component: 'machine', kind: 'machine', limitCores: 1 },
        ),
      ],
    });
    const f = explainLimits(v, 2);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ repeat: 2, rule: 'cpu-limit' });
    expect(f[0].text).toMatch(/^shared waypoint ns-1\/waypoint reached/);
  });
});

describe('rule cpu-headroom', () => {
  const dedicated = (points: Array<[number, number, number?]>) =>
    variant({
      name: 'dedicated',
      kind: 'dedicated',
      cpu: [cpu(points), cpu([[1, 0.1, 0]], { component: 'ns-2/waypoint', namespace: 'ns-2' })],
    });
  const s = summaryOf(
    [],
    [
      waypoint('ns-1/waypoint', { maxCores: 0.62, limitCores: 0.45, throttledRatio: 0.03 }),
      waypoint('ns-2/waypoint', { maxCores: 0.1, limitCores: 0.45, throttledRatio: 0 }),
    ],
    { name: 'dedicated', kind: 'dedicated' },
  );

  it('lists each waypoint of the variant with its peak, limit and throttling when none reached its limit', () => {
    expect(
      explainCpuHeadroom(s, [
        dedicated([
          [1, 0.62, 0.03],
          [2, 0.3, 0],
        ]),
      ]),
    ).toEqual([
      {
        variant: 'dedicated',
        rule: 'cpu-headroom',
        severity: 'info',
        text: 'dedicated waypoints stayed below their CPU limit: ns-1/waypoint at most 0.62 of 0.45 cores (throttled in 3.0% of periods) and ns-2/waypoint at most 0.1 of 0.45 cores (throttled in 0% of periods)',
      },
    ]);
  });

  it('says nothing when a waypoint of the variant reached its limit (rule cpu-limit speaks instead)', () => {
    expect(
      explainCpuHeadroom(s, [
        dedicated([
          [1, 0.45],
          [2, 0.45],
        ]),
      ]),
    ).toEqual([]);
  });

  it('one waypoint, one without a limit, none sampled', () => {
    const one = summaryOf([], [waypoint('ns-1/waypoint', { maxCores: 0.2, limitCores: 2 })]);
    expect(explainCpuHeadroom(one, [variant()])[0].text).toBe(
      'shared waypoint stayed below its CPU limit: ns-1/waypoint at most 0.2 of 2 cores',
    );
    const unlimited = summaryOf([], [waypoint('ns-1/waypoint', { maxCores: 1.25 })]);
    expect(explainCpuHeadroom(unlimited, [variant()])[0].text).toBe(
      'shared waypoint had no CPU limit: ns-1/waypoint at most 1.25 cores',
    );
    const unsampled = summaryOf([], [{ ...waypoint('ns-1/waypoint', {}), coresPoints: [] }]);
    expect(explainCpuHeadroom(unsampled, [variant()])).toEqual([]);
  });
});

describe('rule connection-limit', () => {
  it('reads the overflow counters in every form the platforms record', () => {
    expect(parseOverflowCounter('upstream_cx_overflow')).toEqual({ counter: 'upstream_cx_overflow' });
    expect(parseOverflowCounter('cluster.main_internal.upstream_cx_overflow')).toEqual({
      counter: 'upstream_cx_overflow',
      cluster: 'main_internal',
    });
    expect(
      parseOverflowCounter('outbound|9080||productpage.ns-1.svc.cluster.local.upstream_rq_pending_overflow'),
    ).toEqual({
      counter: 'upstream_rq_pending_overflow',
      cluster: 'outbound|9080||productpage.ns-1.svc.cluster.local',
    });
    expect(parseOverflowCounter('envoy_cluster_upstream_cx_overflow{cluster_name="main_internal"}')).toEqual({
      counter: 'upstream_cx_overflow',
      cluster: 'main_internal',
    });
    expect(parseOverflowCounter('upstream_rq_total')).toBeUndefined();
    expect(parseOverflowCounter('main_internal.upstream_cx_active')).toBeUndefined();
  });

  it('names the first second an overflow counter rose and the cluster that overflowed most', () => {
    const s = stats([
      [2.2, { upstream_rq_total: 500 }],
      [3.2, { upstream_cx_overflow: 7, 'cluster.main_internal.upstream_cx_overflow': 7 }],
      [4.2, { upstream_cx_overflow: 9, 'cluster.main_internal.upstream_cx_overflow': 9 }],
    ]);
    expect(connectionLimitOf(s)).toEqual({ t: 3.2, cluster: 'main_internal', overflows: 16 });
    expect(explainLimits(variant({ stats: [s] }))).toEqual([
      {
        variant: 'shared',
        rule: 'connection-limit',
        severity: 'limit',
        text: 'shared waypoint ns-1/waypoint reached its internal connection limit (main_internal) at t=3.2 s',
      },
    ]);
  });

  it('calls another cluster the upstream connection limit, and bare totals just the connection limit', () => {
    const upstream = stats([
      [5, { 'outbound|9080||reviews.ns-1.svc.cluster.local.upstream_rq_pending_overflow': 3 }],
    ]);
    expect(explainLimits(variant({ stats: [upstream] }))[0].text).toBe(
      'shared waypoint ns-1/waypoint reached its upstream connection limit (outbound|9080||reviews.ns-1.svc.cluster.local) at t=5.0 s',
    );
    const bare = stats([[6, { upstream_rq_pending_overflow: 3 }]]);
    expect(explainLimits(variant({ stats: [bare] }))[0].text).toBe(
      'shared waypoint ns-1/waypoint reached its connection limit at t=6.0 s',
    );
  });

  it('joins the CPU limit of the same waypoint in one sentence', () => {
    const v = variant({
      cpu: [
        cpu([
          [3.1, 0.2, 0],
          [4.1, 0.45, 0.93],
          [5.1, 0.45, 0.93],
        ]),
      ],
      stats: [stats([[3.2, { 'main_internal.upstream_cx_overflow': 4 }]])],
    });
    expect(explainLimits(v)).toEqual([
      {
        variant: 'shared',
        rule: 'cpu-and-connection-limit',
        severity: 'limit',
        text: 'shared waypoint ns-1/waypoint reached its CPU limit (0.45 cores) at t=4.1 s (throttled in 93.0% of periods from then on) and its internal connection limit (main_internal) at t=3.2 s',
      },
    ]);
  });

  it('ignores overflows of the warm-up only; with totals but no points it gives the count', () => {
    const early = stats([[1, { upstream_cx_overflow: 5 }]]);
    expect(connectionLimitOf(early, 3)).toBeUndefined();
    expect(
      connectionLimitOf(
        stats([
          [1, { upstream_cx_overflow: 5 }],
          [4, { upstream_cx_overflow: 1 }],
        ]),
        3,
      )?.t,
    ).toBe(1);
    const totals: StatsSeries = {
      component: 'ns-1/waypoint',
      deltas: {
        upstream_cx_overflow: 1500,
        'cluster.main_internal.upstream_cx_overflow': 1500,
        upstream_rq_total: 9,
      },
      points: [],
    };
    expect(connectionLimitOf(totals)).toEqual({ cluster: 'main_internal', overflows: 1500 });
    expect(explainLimits(variant({ stats: [totals] }))[0].text).toBe(
      'shared waypoint ns-1/waypoint reached its internal connection limit (main_internal) (1,500 overflows over the variant)',
    );
    expect(explainLimits(variant({ stats: [stats([[2, { upstream_rq_total: 9 }]])] }))).toEqual([]);
  });
});

describe('rule overflow-errors', () => {
  it("counts a tenant's 503s as overflow when the waypoint serving it counted overflows", () => {
    const s = summaryOf(
      [
        tenant('ns-1', { ok: 20_000 }),
        tenant('ns-2', {
          ok: 23_000,
          byClass: { http_503: 10_935, timeout: 100 },
          waypoint: 'ns-1/waypoint',
        }),
      ],
      [waypoint('ns-1/waypoint', { tenants: ['ns-1', 'ns-2'], overflow: 11_000 })],
    );
    expect(explainOverflowErrors(s)).toEqual([
      {
        variant: 'shared',
        rule: 'overflow-errors',
        severity: 'limit',
        text: '10,935 requests of ns-2 answered 503 with upstream overflow (32.1% of its requests)',
      },
    ]);
  });

  it('finds the serving waypoint through WaypointSummary.tenants too; no overflow, no finding', () => {
    const t = tenant('ns-2', { ok: 900, byClass: { http_503: 100 } });
    expect(
      explainOverflowErrors(summaryOf([t], [waypoint('ns-1/waypoint', { tenants: ['ns-2'], overflow: 5 })])),
    ).toHaveLength(1);
    expect(
      explainOverflowErrors(summaryOf([t], [waypoint('ns-1/waypoint', { tenants: ['ns-2'], overflow: 0 })])),
    ).toEqual([]);
    expect(
      explainOverflowErrors(summaryOf([t], [waypoint('ns-2/waypoint', { tenants: ['ns-1'], overflow: 5 })])),
    ).toEqual([]);
  });
});

describe('rule other-errors', () => {
  it('names each other class above 0.1% of the requests, largest first', () => {
    const s = summaryOf([
      tenant('ns-1', { ok: 58_796 - 100, byClass: { timeout: 1_204, reset: 60, refused: 40 } }),
    ]);
    // 60 of 60,000 is exactly 0.1%: not above it.
    expect(explainOtherErrors(s)).toEqual([
      {
        variant: 'shared',
        rule: 'other-errors',
        severity: 'warning',
        text: 'ns-1: 1,204 timeouts (2.0%)',
      },
    ]);
    const more = summaryOf([
      tenant('ns-1', { ok: 9_000, byClass: { reset: 20, other_EPIPE: 1, http_502: 30 } }),
    ]);
    expect(explainOtherErrors(more)[0].text).toBe(
      'ns-1: 30 HTTP 502 responses (0.3%) and 20 connection resets (0.2%)',
    );
  });

  it('names 503s here when no overflow explains them, and leaves them to overflow-errors when one does', () => {
    const t = tenant('ns-2', { ok: 990, byClass: { http_503: 10 }, waypoint: 'ns-1/waypoint' });
    expect(explainOtherErrors(summaryOf([t], [waypoint('ns-1/waypoint', { overflow: 0 })]))[0].text).toBe(
      'ns-2: 10 HTTP 503 responses (1.0%)',
    );
    expect(explainOtherErrors(summaryOf([t], [waypoint('ns-1/waypoint', { overflow: 3 })]))).toEqual([]);
  });
});

describe('rule unsent', () => {
  it('counts requests never sent and blames the busy connections by default', () => {
    expect(explainUnsent(summaryOf([tenant('ns-1', { skipped: 4_512 }), tenant('ns-2')]))).toEqual([
      {
        variant: 'shared',
        rule: 'unsent',
        severity: 'warning',
        text: 'ns-1 left 4,512 requests unsent (backpressure: its connections were still busy)',
      },
    ]);
  });

  it("splits the unsent requests by the engine's own count of those it left behind", () => {
    const runWith = (generatorUnsent: number | undefined) => {
      const v = variant({ offsetsMs: [0, 0] });
      if (generatorUnsent !== undefined)
        Object.assign(v.tenants[0].load, { lateness: { backpressure: 0, generator: 0, generatorUnsent } });
      return [v];
    };
    const s = summaryOf([
      tenant('ns-1', { skipped: 4_512, extra: { late: { backpressure: 9, generator: 9 } } }),
    ]);
    expect(explainUnsent(s, runWith(512))[0].text).toBe(
      'ns-1 left 4,512 requests unsent (4,000 to backpressure: its connections were still busy; 512 because the load generator fell behind its schedule)',
    );
    expect(explainUnsent(s, runWith(0))[0].text).toBe(
      'ns-1 left 4,512 requests unsent (backpressure: its connections were still busy)',
    );
    expect(explainUnsent(s, runWith(9_999))[0].text).toBe(
      'ns-1 left 4,512 requests unsent (the load generator fell behind its schedule)',
    );
    // Without the engine's split, the late counts name both causes.
    expect(explainUnsent(s, runWith(undefined))[0].text).toContain(
      '; the load generator fell behind its schedule too',
    );
  });

  it('names the load generator when the late figures blame it', () => {
    const gen = tenant('ns-1', { skipped: 1, extra: { late: { backpressure: 0, generator: 40 } } });
    expect(explainUnsent(summaryOf([gen]))[0].text).toBe(
      'ns-1 left 1 request unsent (the load generator fell behind its schedule)',
    );
    const both = tenant('ns-1', { skipped: 10, extra: { late: { backpressure: 5, generator: 5 } } });
    expect(explainUnsent(summaryOf([both]))[0].text).toBe(
      'ns-1 left 10 requests unsent (backpressure: its connections were still busy; the load generator fell behind its schedule too)',
    );
  });
});

describe('rule invalid-result', () => {
  it('warns with the reasons when the figures say the result is invalid', () => {
    const bad = tenant('ns-1', {
      extra: { validity: { valid: false, reasons: ['the generator was late for 12% of requests', 'x'] } },
    });
    const good = tenant('ns-2', { extra: { validity: { valid: true, reasons: [] } } });
    expect(explainValidity(summaryOf([bad, good]))).toEqual([
      {
        variant: 'shared',
        rule: 'invalid-result',
        severity: 'warning',
        text: "ns-1's result is INVALID: the generator was late for 12% of requests; x",
      },
    ]);
  });

  it('says nothing for a valid result or one without a validity verdict', () => {
    expect(explainValidity(summaryOf([tenant('ns-1')]))).toEqual([]);
    const t = tenant('ns-1');
    delete (t.merged as { validity?: unknown }).validity;
    expect(explainValidity(summaryOf([t]))).toEqual([]);
  });
});

describe('rule latency-shape', () => {
  it('says the schedule was not kept when the intended-start average is far above the actual-start one', () => {
    expect(explainLatencyShape(summaryOf([tenant('ns-1', { avgMs: 812, actualAvgMs: 31 })]))).toEqual([
      {
        variant: 'shared',
        rule: 'latency-shape',
        severity: 'info',
        text: "ns-1's latency from the intended start (812 ms) is far above that from the actual start (31 ms): the system could not keep the schedule",
      },
    ]);
  });

  it('needs both more than twice and more than 5 ms above', () => {
    expect(explainLatencyShape(summaryOf([tenant('ns-1', { avgMs: 8, actualAvgMs: 3 })]))).toEqual([]);
    expect(
      explainLatencyShape(summaryOf([tenant('ns-1', { avgMs: 8.1, actualAvgMs: 3 })]))[0].text,
    ).toContain('(8.1 ms) is far above that from the actual start (3.0 ms)');
    expect(explainLatencyShape(summaryOf([tenant('ns-1', { avgMs: 60, actualAvgMs: 30 })]))).toEqual([]);
  });
});

describe('explainRun', () => {
  const result: RunResult = JSON.parse(
    readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'),
  );

  it('explains the sample result, variants in plan order and limits first', () => {
    expect(explainRun(result, summarizeRun(result))).toEqual([
      {
        variant: 'dedicated',
        rule: 'cpu-headroom',
        severity: 'info',
        text: 'dedicated waypoints stayed below their CPU limit: ns-1/waypoint at most 0.115 of 0.2 cores (throttled in 0% of periods) and ns-2/waypoint at most 0.115 of 0.2 cores (throttled in 0% of periods)',
      },
      {
        variant: 'shared',
        rule: 'cpu-and-connection-limit',
        severity: 'limit',
        text: 'shared waypoint ns-1/waypoint reached its CPU limit (0.2 cores) at t=4.0 s (throttled in 69.3% of periods from then on) and its connection limit at t=4.0 s',
      },
      {
        variant: 'shared',
        rule: 'overflow-errors',
        severity: 'limit',
        text: '5,368 requests of ns-2 answered 503 with upstream overflow (30.6% of its requests)',
      },
      {
        variant: 'shared',
        rule: 'other-errors',
        severity: 'warning',
        text: 'ns-2: 191 timeouts (1.1%) and 181 connection resets (1.0%)',
      },
    ]);
  });

  it('sorts by severity, not by rule: CPU headroom (context) after the overflow errors it precedes in the rules', () => {
    const r = structuredClone(result);
    const shared = r.variants.find((v) => v.name === 'shared')!;
    for (const p of shared.cpu[0].points) Object.assign(p, { cores: 0.1, throttledRatio: 0 });
    expect(explainRun(r, summarizeRun(r)).filter((x) => x.variant === 'shared')).toEqual([
      expect.objectContaining({
        rule: 'connection-limit',
        text: 'shared waypoint ns-1/waypoint reached its connection limit at t=4.0 s',
      }),
      expect.objectContaining({ rule: 'overflow-errors', severity: 'limit' }),
      expect.objectContaining({ rule: 'other-errors', severity: 'warning' }),
      expect.objectContaining({ rule: 'cpu-headroom', severity: 'info' }),
    ]);
  });

  it('puts limits before warnings before context within a variant, and numbers repeats', () => {
    const r = structuredClone(result);
    const shared = r.variants.find((v) => v.name === 'shared')!;
    r.variants.push({ ...structuredClone(shared), repeat: 2 });
    shared.tenants[0].load.outcomes.skipped = 10;
    const f = explainRun(r, summarizeRun(r)).filter((x) => x.variant === 'shared');
    expect(f.map((x) => [x.rule, x.repeat])).toEqual([
      ['cpu-and-connection-limit', 1],
      ['cpu-and-connection-limit', 2],
      ['overflow-errors', undefined],
      ['other-errors', undefined],
      ['unsent', undefined],
    ]);
  });
});

describe('numbers in findings', () => {
  it('thousands separators, one-decimal shares, ms by size', () => {
    expect([fmtCount(0), fmtCount(999), fmtCount(1234), fmtCount(10_935_001)]).toEqual([
      '0',
      '999',
      '1,234',
      '10,935,001',
    ]);
    expect([fmtShare(0), fmtShare(0.321), fmtShare(0.0004), fmtShare(0.9999), fmtShare(1)]).toEqual([
      '0%',
      '32.1%',
      '<0.1%',
      '>99.9%',
      '100%',
    ]);
    expect([fmtMsWords(1234.4), fmtMsWords(31.4), fmtMsWords(4.25), fmtMsWords(0.451)]).toEqual([
      '1,234 ms',
      '31 ms',
      '4.3 ms',
      '0.45 ms',
    ]);
  });
});
