import { describe, expect, it } from 'vitest';
import { buildLoadResult } from '../../../src/load/build-result.ts';
import { mergeTallies, TallyRecorder } from '../../../src/load/tally.ts';
import { schedule } from '../../helpers/schedule.ts';

const base = schedule({
  url: 'http://127.0.0.1:1/',
  rate: 100,
  connections: 1,
  durationMs: 5000,
  warmupMs: 2500,
  timeoutMs: 1000,
  workers: 1,
});

/** 100 req/s for 5 s from t=0, each answered in 2 ms. */
function run(rec: TallyRecorder): void {
  for (let i = 0; i < 500; i++) {
    const due = i * 10;
    rec.sent(due, due);
    rec.complete(due, due, due + 2, 200, undefined);
  }
}

describe('buildLoadResult series with a warm-up that ends mid-second', () => {
  it('flags only whole warm-up seconds, and the measured per-second counts add up to requests.completed', () => {
    const rec = new TallyRecorder(0, base.warmupMs);
    run(rec);
    const r = buildLoadResult({
      schedule: base,
      driver: 'paced',
      tally: rec.toTally(1, []),
      startedAt: 0,
      endedAt: 5000,
      incomplete: false,
    });
    expect(r.requests.completed).toBe(250);
    expect(r.series.map((s) => s.warmup)).toEqual([true, true, false, false, false]);
    expect(r.series.map((s) => s.measured)).toEqual([0, 0, 50, 100, 100]);
    expect(r.series.reduce((a, s) => a + (s.measured ?? 0), 0)).toBe(r.requests.completed);
    // Every non-warm-up second is reported, including the one the warm-up ends in.
    expect(r.series.filter((s) => !s.warmup).reduce((a, s) => a + (s.measured ?? 0), 0)).toBe(250);
  });

  it('keeps measured counts exact when worker tallies merge', () => {
    const a = new TallyRecorder(0, base.warmupMs);
    const b = new TallyRecorder(0, base.warmupMs);
    run(a);
    run(b);
    const t = mergeTallies([a.toTally(1, []), b.toTally(1, [])]);
    expect(t.series.map((s) => s.measured)).toEqual([0, 0, 100, 200, 200]);
    expect(t.series.reduce((x, s) => x + s.measured, 0)).toBe(t.completed);
  });
});

describe('buildLoadResult lateness', () => {
  it('carries the backpressure/generator split for the open model and leaves it out for a closed loop', () => {
    const rec = new TallyRecorder(0, 0);
    rec.sent(0, 20, 20);
    rec.sent(10, 30, 5);
    rec.unsent(40, false);
    const tally = rec.toTally(1, []);
    const open = buildLoadResult({
      schedule: base,
      driver: 'paced',
      tally,
      startedAt: 0,
      endedAt: 5000,
      incomplete: false,
    });
    expect(open.lateness).toMatchObject({
      lateMs: 5,
      backpressure: 1,
      generator: 2,
      generatorLateMs: 10,
      generatorLate: 2,
      generatorUnsent: 1,
    });
    expect(open.lateness?.generatorLag).toBe(tally.generatorLagHist);
    const closed = buildLoadResult({
      schedule: { ...base, model: 'closed', rate: undefined },
      driver: 'autocannon',
      tally,
      startedAt: 0,
      endedAt: 5000,
      incomplete: false,
    });
    expect(closed.lateness).toBeUndefined();
  });
});
