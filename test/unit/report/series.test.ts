import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  encodeHistogram,
  mergeEncoded,
  percentileMs,
  recordMicros,
} from '../../../src/metrics/histogram.ts';
import {
  MAX_CHART_POINTS,
  bucketSeconds,
  collectTenantSeconds,
  secondsKey,
  tenantSeconds,
  waypointSeconds,
} from '../../../src/report/charts/series.ts';
import type { SecondSample } from '../../../src/load/types.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

/** The sample run with `n` seconds in ns-1's dedicated series: second t holds t+1 ms latencies (t < n). */
function longRun(n: number): { result: RunResult; hists: string[] } {
  const result = buildSampleResult({ repeats: 1, id: 'long' });
  const load = result.variants
    .find((v) => v.name === 'dedicated')!
    .tenants.find((t) => t.tenant === 'ns-1')!.load;
  const hists: string[] = [];
  const series: SecondSample[] = [];
  for (let t = 0; t < n; t++) {
    const h = createHistogram();
    for (let i = 0; i < 3; i++) recordMicros(h, (t + 1) * 1000 + i);
    hists.push(encodeHistogram(h));
    series.push({ t, completed: 4, ok: 3, errors: 1, histogram: hists[t], warmup: t < 10 });
  }
  load.series = series;
  load.schedule.startOffsetMs = 0;
  return { result, hists };
}

describe('chart series of a long run (issue 11: ~4 ms a point, and deaf to Ctrl-C)', () => {
  it('keeps one point per second up to the chart limit', () => {
    const { result } = longRun(MAX_CHART_POINTS);
    const pts = tenantSeconds(result, 'dedicated', 'ns-1');
    expect(pts).toHaveLength(MAX_CHART_POINTS);
    expect(pts[5]).toMatchObject({ t: 5.5, p50Ms: expect.closeTo(6, 1), errorRate: 0.25, warmup: true });
    expect(pts[10].warmup).toBe(false);
  });

  it('merges a longer run into buckets of whole seconds, exact histograms per bucket', () => {
    const n = 5 * MAX_CHART_POINTS + 3;
    const { result, hists } = longRun(n);
    const width = bucketSeconds(n);
    expect(width).toBe(6);
    const pts = tenantSeconds(result, 'dedicated', 'ns-1');
    expect(pts.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(pts.length).toBe(Math.ceil(n / width));
    // Bucket 1 is seconds 6..11: its p99 is the p99 of their requests, not an average of per-second p99s.
    expect(pts[1].t).toBe(9);
    expect(pts[1].p99Ms).toBe(percentileMs(mergeEncoded(hists.slice(6, 12)), 99));
    // Warm-up ends at second 10: bucket 1 holds measured seconds, so it is not warm-up.
    expect(pts[0].warmup).toBe(true);
    expect(pts[1].warmup).toBe(false);
  });

  it('collects the same lines asynchronously, pausing for the event loop', async () => {
    const { result } = longRun(3000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const lines = await collectTenantSeconds(result, [{ variant: 'dedicated', tenant: 'ns-1' }]);
    clearInterval(timer);
    expect(lines.get(secondsKey('dedicated', 'ns-1'))).toEqual(tenantSeconds(result, 'dedicated', 'ns-1'));
    expect(ticks).toBeGreaterThan(0);
  });

  it('averages CPU over the same buckets', () => {
    const result = buildSampleResult({ repeats: 1, id: 'cpu' });
    const v = result.variants[0];
    const c = v.cpu.find((x) => x.kind === 'waypoint')!;
    c.points = Array.from({ length: 2500 }, (_, i) => ({ t: i + 1, cores: i % 3 }));
    const pts = waypointSeconds(result, v.name, c.component);
    expect(pts.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
    expect(pts[1]).toEqual({ t: 4.5, cores: 1 });
  });
});
