import { describe, expect, it } from 'vitest';
import { buildFortioResult } from '../../../src/load/fortio-format.ts';
import type { LoadResult } from '../../../src/load/types.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';

function result(): LoadResult {
  const ok = createHistogram();
  for (let i = 1; i <= 1000; i++) recordMicros(ok, i * 10); // 10 µs … 10 ms, uniform
  const errors = createHistogram();
  recordMicros(errors, 50_000);
  recordMicros(errors, 70_000);
  return {
    schedule: {
      url: 'http://127.0.0.1:9/',
      method: 'GET',
      headers: {},
      model: 'open',
      rate: 100,
      connections: 4,
      durationMs: 10_000,
      startOffsetMs: 0,
      warmupMs: 0,
      timeoutMs: 1000,
      behindSchedule: 'skip',
      jitter: 0,
    },
    driver: 'paced',
    startedAt: Date.UTC(2026, 0, 1),
    endedAt: Date.UTC(2026, 0, 1) + 10_000,
    measuredMs: 10_000,
    requests: { intended: 1010, sent: 1003, completed: 1003, warmup: 0 },
    outcomes: {
      ok: 1000,
      okByStatus: { '200': 1000 },
      status: { '503': 1 },
      timeout: 1,
      reset: 1,
      refused: 0,
      skipped: 7,
      other: {},
    },
    achievedRps: 100.3,
    latency: { intended: encodeHistogram(ok), actual: encodeHistogram(ok), errors: encodeHistogram(errors) },
    scheduleLag: encodeHistogram(createHistogram()),
    series: [],
    engine: { workers: 1, maxLagMs: 0, notes: [] },
  };
}

describe('buildFortioResult', () => {
  it("writes Fortio's result fields, seconds, percentiles, RetCodes with -1 for socket errors", () => {
    const f = buildFortioResult(result(), 'tenant ns-1');
    expect(f.RunType).toBe('HTTP');
    expect(f.Labels).toBe('tenant ns-1');
    expect(f.RequestedQPS).toBe('100');
    expect(f.RequestedDuration).toBe('10s');
    expect(f.ActualQPS).toBe(100.3);
    expect(f.ActualDuration).toBe(10_000_000_000);
    expect(f.NumThreads).toBe(4);
    expect(f.NoCatchUp).toBe(true);
    expect(f.StartTime).toBe('2026-01-01T00:00:00.000Z');
    expect(f.RetCodes).toEqual({ '200': 1000, '503': 1, '-1': 2 });
    // Every completion (successes + errors) in DurationHistogram, errors alone in ErrorsDurationHistogram.
    expect(f.DurationHistogram.Count).toBe(1002);
    expect(f.ErrorsDurationHistogram.Count).toBe(2);
    expect(f.ErrorsDurationHistogram.Max).toBeCloseTo(0.07, 3);
    const p50 = f.DurationHistogram.Percentiles?.find((p) => p.Percentile === 50)?.Value ?? 0;
    expect(p50).toBeGreaterThan(0.0049);
    expect(p50).toBeLessThan(0.0052);
    expect(f.DurationHistogram.Percentiles?.map((p) => p.Percentile)).toEqual([50, 75, 90, 99, 99.9]);
    // Buckets: counts sum to Count, cumulative Percent ends at 100, bounds ascend within [Min, Max].
    const data = f.DurationHistogram.Data;
    expect(data.reduce((a, d) => a + d.Count, 0)).toBe(1002);
    expect(data[data.length - 1].Percent).toBeCloseTo(100, 6);
    expect(data[0].Start).toBeCloseTo(f.DurationHistogram.Min, 9);
    expect(data[data.length - 1].End).toBeCloseTo(f.DurationHistogram.Max, 9);
    for (const d of data) expect(d.End).toBeGreaterThanOrEqual(d.Start);
    expect(f.DurationHistogram.Avg * 1002).toBeCloseTo(f.DurationHistogram.Sum, 6);
  });

  it('an empty run gives empty histograms, not NaN', () => {
    const r = result();
    r.latency = { intended: '', actual: '', errors: '' };
    const f = buildFortioResult(r);
    expect(f.DurationHistogram.Count).toBe(0);
    expect(JSON.stringify(f)).not.toContain('NaN');
  });
});
