import { describe, expect, it } from 'vitest';
import type { Sample } from '../../../src/platform/types.ts';
import { buildCpuSeries, buildStatsSeries, sampleWindow } from '../../../src/run/series.ts';

const t0 = 1_000_000;
function sample(
  sec: number,
  cpuSeconds: number,
  periods: number,
  throttled: number,
  overflow: number,
): Sample {
  return {
    at: t0 + sec * 1000,
    cpu: [
      {
        component: 'ns-1/waypoint',
        kind: 'waypoint',
        cpuSeconds,
        limitCores: 0.2,
        enforcement: 'cgroup-v1',
        periods,
        throttledPeriods: throttled,
      },
    ],
    stats: [
      {
        component: 'ns-1/waypoint',
        counters: { upstream_cx_overflow: overflow, upstream_rq_total: sec * 100 },
      },
    ],
  };
}

describe('buildCpuSeries', () => {
  it('turns cumulative readings into cores and throttled ratios per interval', () => {
    const series = buildCpuSeries(
      [sample(0, 10, 100, 0, 0), sample(1, 10.2, 110, 9, 0), sample(2, 10.3, 120, 2, 0)],
      t0,
    );
    expect(series).toHaveLength(1);
    const s = series[0];
    expect(s).toMatchObject({
      component: 'ns-1/waypoint',
      kind: 'waypoint',
      limitCores: 0.2,
      enforcement: 'cgroup-v1',
      periods: 20,
      throttledPeriods: 2,
    });
    expect(s.points.map((p) => p.t)).toEqual([1, 2]);
    expect(s.points[0].cores).toBeCloseTo(0.2, 6);
    expect(s.points[0].throttledRatio).toBeCloseTo(0.9, 6);
    expect(s.points[1].cores).toBeCloseTo(0.1, 6);
  });

  it('never reports negative CPU when a counter resets', () => {
    const [s] = buildCpuSeries([sample(0, 10, 0, 0, 0), sample(1, 2, 0, 0, 0)], t0);
    expect(s.points[0].cores).toBe(0);
  });
});

describe('buildStatsSeries', () => {
  it('keeps deltas over the variant and per-interval increases of moving counters', () => {
    const [s] = buildStatsSeries([sample(0, 0, 0, 0, 5), sample(1, 0, 0, 0, 5), sample(2, 0, 0, 0, 12)], t0);
    expect(s.deltas).toEqual({ upstream_cx_overflow: 7, upstream_rq_total: 200 });
    expect(s.points).toEqual([
      { t: 1, counters: { upstream_rq_total: 100 } },
      { t: 2, counters: { upstream_cx_overflow: 7, upstream_rq_total: 100 } },
    ]);
  });
});

describe('sampleWindow', () => {
  const at = (secs: number[]) => secs.map((s) => ({ at: t0 + s * 1000, cpu: [], stats: [] }));
  const secsOf = (xs: Sample[]) => xs.map((x) => (x.at - t0) / 1000);

  it('keeps the baseline before the start, the samples inside and the first after the end', () => {
    expect(secsOf(sampleWindow(at([-2, -1, -0.5, 0.5, 1.5, 2.5, 3.5, 4.5]), t0, t0 + 3000))).toEqual([
      -0.5, 0.5, 1.5, 2.5, 3.5,
    ]);
  });

  it('keeps everything when the samples do not reach past the window', () => {
    expect(secsOf(sampleWindow(at([0.2, 1.2]), t0, t0 + 3000))).toEqual([0.2, 1.2]);
  });
});
