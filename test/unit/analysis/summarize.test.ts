import { describe, expect, it } from 'vitest';
import { summarizeLoad } from '../../../src/load/summarize-load.ts';
import {
  isWaypointComponent,
  summarizeErrors,
  summarizeRun,
  summarizeWaypoint,
} from '../../../src/analysis/summarize.ts';
import type { LoadResult } from '../../../src/load/types.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { schedule } from '../../helpers/schedule.ts';
import { buildSampleResult } from './build-sample-result.ts';

function encode(ms: number[]): string {
  const h = createHistogram();
  for (const x of ms) recordMicros(h, x * 1000);
  return encodeHistogram(h);
}

/** A LoadResult whose successes took exactly `okMs`, with the given error outcomes. */
function load(okMs: number[], extra: Partial<LoadResult['outcomes']> = {}, achievedRps = 100): LoadResult {
  const outcomes = {
    ok: okMs.length,
    status: {},
    timeout: 0,
    reset: 0,
    refused: 0,
    skipped: 0,
    other: {},
    ...extra,
  };
  return {
    schedule: schedule({ url: 'http://127.0.0.1:1/', rate: 100, durationMs: 10_000, timeoutMs: 1000 }),
    driver: 'paced',
    startedAt: 0,
    endedAt: 10_000,
    measuredMs: 10_000,
    requests: { intended: 1000, sent: 1000, completed: 1000, warmup: 0 },
    outcomes,
    achievedRps,
    latency: { intended: encode(okMs), actual: encode(okMs.map((x) => x / 2)), errors: encode([]) },
    scheduleLag: encode([0.5, 1, 2]),
    series: [],
    engine: { workers: 1, maxLagMs: 2, notes: [] },
  };
}

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** The sample's plan with hand-made variants: repeat r of 'dedicated' has tenant ns-1 at the given loads. */
function runWith(
  variants: Array<{
    repeat: number;
    ns1: LoadResult;
    cpu?: RunResult['variants'][0]['cpu'];
    stats?: RunResult['variants'][0]['stats'];
  }>,
): RunResult {
  const base = buildSampleResult();
  base.variants = variants.map((v) => ({
    name: 'dedicated',
    repeat: v.repeat,
    kind: 'dedicated',
    startedAt: 0,
    endedAt: 1,
    complete: true,
    tenants: [{ tenant: 'ns-1', namespace: 'ns-1', load: v.ns1 }],
    cpu: v.cpu ?? [],
    stats: v.stats ?? [],
  }));
  return base;
}

describe('summarizeRun', () => {
  it('computes latency figures from the intended and actual histograms', () => {
    const s = summarizeRun(runWith([{ repeat: 1, ns1: load(range(100, (i) => i + 1)) }]));
    const t = s.variants[0].tenants[0];
    expect(t.merged.latency.count).toBe(100);
    expect(t.merged.latency.avgMs).toBeCloseTo(50.5, 1);
    expect(t.merged.latency.p50Ms).toBeCloseTo(50, 0);
    expect(t.merged.latency.p99Ms).toBeCloseTo(99, 0);
    expect(t.merged.latency.maxMs).toBeCloseTo(100, 0);
    expect(t.merged.latencyActual.avgMs).toBeCloseTo(25.25, 1);
    expect(t.merged.scheduleLag.maxMs).toBeCloseTo(2, 1);
    expect(t.merged.rps).toEqual({ achieved: 100, target: 100, ratio: 1 });
    expect(s.variantNames).toEqual(['dedicated', 'shared']);
    expect(s.variants.map((v) => v.name)).toEqual(['dedicated']);
  });

  it('classifies errors and excludes skips from the error rate', () => {
    const e = summarizeErrors(
      load(
        range(70, () => 5),
        {
          status: { '503': 20, '403': 5 },
          timeout: 3,
          reset: 1,
          refused: 1,
          skipped: 9,
          other: { EPROTO: 0 },
        },
      ),
    );
    expect(e.byClass).toEqual({ http_403: 5, http_503: 20, refused: 1, reset: 1, timeout: 3 });
    expect(e.count).toBe(30);
    expect(e.rate).toBeCloseTo(0.3, 10);
  });

  it("uses the `load` command's key scheme, one for every summary (issue 12: '503'/'other:X' there)", () => {
    const l = load(
      range(10, () => 5),
      { status: { '503': 2 }, other: { EPROTO: 1 } },
    );
    expect(summarizeLoad(l).errorsByClass).toEqual({ http_503: 2, other_EPROTO: 1 });
    expect(summarizeErrors(l).byClass).toEqual(summarizeLoad(l).errorsByClass);
  });

  it('merges repeats exactly and keeps their spread', () => {
    const r1 = load(
      range(100, () => 10),
      {},
      90,
    );
    const r2 = load(
      range(100, () => 30),
      { status: { '503': 100 } },
      110,
    );
    const t = summarizeRun(
      runWith([
        { repeat: 2, ns1: r2 },
        { repeat: 1, ns1: r1 },
      ]),
    ).variants[0].tenants[0];
    expect(t.perRepeat.map((r) => r.repeat)).toEqual([1, 2]);
    // The merged histogram is the union: half at 10 ms, half at 30 ms.
    expect(t.merged.latency.count).toBe(200);
    expect(t.merged.latency.avgMs).toBeCloseTo(20, 1);
    expect(t.merged.latency.p99Ms).toBeCloseTo(30, 0);
    expect(t.merged.errors.count).toBe(100);
    expect(t.merged.errors.rate).toBeCloseTo(100 / 300, 10);
    expect(t.merged.rps.achieved).toBe(100);
    expect(t.spread['latency.avg']).toMatchObject({
      n: 2,
      min: expect.closeTo(10, 1),
      max: expect.closeTo(30, 1),
    });
    expect(t.spread['latency.avg']!.stddev).toBeCloseTo(Math.SQRT2 * 10, 0);
    expect(t.spread.rps).toMatchObject({ n: 2, mean: 100, min: 90, max: 110 });
    expect(t.spread['errors.rate']).toMatchObject({ min: 0, max: 0.5 });
  });

  it("finds the waypoint serving each tenant and its CPU, throttling and overflows (Envoy's prefixed names)", () => {
    const s = summarizeRun(
      runWith([
        {
          repeat: 1,
          ns1: load([10]),
          cpu: [
            {
              component: 'ns-1/waypoint',
              kind: 'waypoint',
              namespace: 'ns-1',
              limitCores: 0.2,
              points: [
                { t: 1, cores: 0.1 },
                { t: 2, cores: 0.2 },
                { t: 3, cores: 0.15 },
              ],
              periods: 30,
              throttledPeriods: 12,
            },
            {
              component: 'ns-1/productpage',
              kind: 'service',
              namespace: 'ns-1',
              points: [{ t: 1, cores: 1 }],
            },
          ],
          stats: [
            {
              component: 'ns-1/waypoint',
              deltas: {
                'cluster.inbound-vip|9080|http|productpage.ns-1.svc.cluster.local;.upstream_cx_overflow': 7,
                upstream_rq_pending_overflow: 3,
                upstream_rq_total: 1000,
              },
              points: [],
            },
          ],
        },
      ]),
    );
    const v = s.variants[0];
    expect(v.tenants[0].waypoint).toBe('ns-1/waypoint');
    expect(v.waypoints).toHaveLength(1);
    const w = v.waypoints[0];
    expect(w.tenants).toEqual(['ns-1']);
    expect(w.merged.avgCores).toBeCloseTo(0.15, 10);
    expect(w.merged.maxCores).toBe(0.2);
    expect(w.merged.throttledRatio).toBeCloseTo(0.4, 10);
    expect(w.merged.overflow).toBe(10);
    expect(w.merged.overflowByCounter).toEqual({ upstream_cx_overflow: 7, upstream_rq_pending_overflow: 3 });
    expect(v.tenants[0].spread['overflow.count']).toMatchObject({ n: 1, mean: 10 });
  });

  it('counts an overflow total once when per-cluster copies are also present', () => {
    const s = summarizeRun(
      runWith([
        {
          repeat: 1,
          ns1: load([10]),
          cpu: [
            {
              component: 'waypoint ns-1/waypoint',
              kind: 'waypoint',
              namespace: 'ns-1',
              points: [{ t: 1, cores: 0.1 }],
            },
          ],
          stats: [
            {
              component: 'waypoint ns-1/waypoint',
              deltas: {
                upstream_cx_overflow: 5,
                'cluster.a.upstream_cx_overflow': 2,
                'cluster.b.upstream_cx_overflow': 3,
              },
              points: [],
            },
          ],
        },
      ]),
    );
    expect(s.variants[0].tenants[0].waypoint).toBe('waypoint ns-1/waypoint');
    expect(s.variants[0].waypoints[0].merged.overflow).toBe(5);
  });

  it('tells a namespace waypoint from a per-service one in the same namespace', () => {
    const ref = { namespace: 'ns-1', name: 'waypoint' };
    expect(isWaypointComponent({ component: 'waypoint ns-1/waypoint', namespace: 'ns-1' }, ref)).toBe(true);
    expect(isWaypointComponent({ component: 'ns-1/waypoint' }, ref)).toBe(true);
    expect(
      isWaypointComponent({ component: 'waypoint ns-1/productpage-waypoint', namespace: 'ns-1' }, ref),
    ).toBe(false);
    expect(isWaypointComponent({ component: 'waypoint ns-2/waypoint', namespace: 'ns-2' }, ref)).toBe(false);
    expect(isWaypointComponent({ component: 'waypoint@ns-1', namespace: 'ns-1' }, ref, true)).toBe(true);
  });

  it('maps both tenants to the one shared waypoint in the sample run', () => {
    const s = summarizeRun(buildSampleResult());
    const shared = s.variants.find((v) => v.name === 'shared')!;
    expect(shared.waypoints.map((w) => [w.component, w.tenants])).toEqual([
      ['ns-1/waypoint', ['ns-1', 'ns-2']],
    ]);
    expect(shared.tenants.map((t) => t.waypoint)).toEqual(['ns-1/waypoint', 'ns-1/waypoint']);
    const dedicated = s.variants.find((v) => v.name === 'dedicated')!;
    expect(dedicated.tenants.map((t) => t.waypoint)).toEqual(['ns-1/waypoint', 'ns-2/waypoint']);
    expect(shared.waypoints[0].merged.overflow).toBeGreaterThan(0);
    expect(shared.waypoints[0].merged.throttledRatio).toBeGreaterThan(0.3);
  });

  it('marks incomplete tenants and records variant failures', () => {
    const r = runWith([{ repeat: 1, ns1: { ...load([1]), incomplete: true } }]);
    r.variants[0].error = { code: 'PLATFORM_FAILED', message: 'waypoint died' };
    r.variants[0].complete = false;
    const v = summarizeRun(r).variants[0];
    expect(v.tenants[0].incomplete).toBe(true);
    expect(v.complete).toBe(false);
    expect(v.errors).toEqual(['repeat 1: PLATFORM_FAILED waypoint died']);
  });
});

describe('summarizeWaypoint at any length', () => {
  it("a 36 h run's CPU series (130,000 points) does not overflow the stack (issue 11)", () => {
    const points = Array.from({ length: 130_000 }, (_, i) => ({ t: i, cores: (i % 100) / 100 }));
    const w = summarizeWaypoint([{ component: 'waypoint ns-1/waypoint', kind: 'waypoint', points }], []);
    expect(w.maxCores).toBe(0.99);
    expect(w.avgCores).toBeCloseTo(0.495, 6);
  });
});
