import { describe, expect, it } from 'vitest';
import { classifyError, TIMEOUT_CODE } from '../../../src/load/classify-error.ts';
import { GENERATOR_LATE_MS, LATE_MS, mergeTallies, TallyRecorder } from '../../../src/load/tally.ts';
import { decodeHistogram } from '../../../src/metrics/histogram.ts';

/** A recorder fed with synthetic requests: n successes of latency `ms` each, due 10 ms apart from t=0. */
function feed(rec: TallyRecorder, n: number, ms: number, offset = 0): void {
  for (let i = 0; i < n; i++) {
    const due = offset + i * 10;
    rec.sent(due, due + 1);
    rec.complete(due, due + 1, due + ms, 200, undefined);
  }
}

describe('TallyRecorder', () => {
  it('measures from the intended start, separately from the actual start and the lag', () => {
    const rec = new TallyRecorder(0, 0);
    feed(rec, 100, 5);
    const t = rec.toTally(1, []);
    expect(Math.abs(decodeHistogram(t.intendedHist).getValueAtPercentile(50) - 5000)).toBeLessThan(
      5000 * 0.002,
    );
    expect(Math.abs(decodeHistogram(t.actualHist).getValueAtPercentile(50) - 4000)).toBeLessThan(
      4000 * 0.002,
    );
    expect(Math.abs(decodeHistogram(t.lagHist).getValueAtPercentile(50) - 1000)).toBeLessThan(1000 * 0.002);
    expect(t.outcomes.okByStatus).toEqual({ '200': 100 });
  });

  it('keeps the warm-up out of the counts and histograms but in the series', () => {
    const rec = new TallyRecorder(0, 500);
    feed(rec, 100, 5);
    const t = rec.toTally(1, []);
    expect(t.warmup).toBe(50);
    expect(t.intended).toBe(50);
    expect(t.completed).toBe(50);
    expect(decodeHistogram(t.intendedHist).totalCount).toBe(50);
    expect(t.series[0].completed).toBe(100);
  });

  it('classifies errors into their outcome class with latency kept apart', () => {
    const rec = new TallyRecorder(0, 0);
    const cases: unknown[] = [
      Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      Object.assign(new Error('t'), { code: TIMEOUT_CODE }),
      Object.assign(new Error('p'), { code: 'HPE_INVALID_CONSTANT' }),
      Object.assign(new Error('d'), { code: 'ENOTFOUND' }),
    ];
    cases.forEach((err, i) => {
      rec.sent(i, i);
      rec.complete(i, i, i + 3, 0, err);
    });
    rec.sent(9, 9);
    rec.complete(9, 9, 12, 503, undefined);
    const t = rec.toTally(1, []);
    expect(t.outcomes).toMatchObject({
      ok: 0,
      refused: 1,
      reset: 1,
      timeout: 1,
      status: { '503': 1 },
      other: { HPE_INVALID_CONSTANT: 1, ENOTFOUND: 1 },
    });
    expect(decodeHistogram(t.errorsHist).totalCount).toBe(6);
    expect(decodeHistogram(t.intendedHist).totalCount).toBe(0);
  });

  it('classifyError maps "other side closed" without a code to reset', () => {
    expect(classifyError(new Error('other side closed')).cls).toBe('reset');
    expect(classifyError(Object.assign(new Error('x'), { code: 'ECONNRESET' })).cls).toBe('reset');
    expect(classifyError({ name: 'HTTPParserError', message: 'bad' })).toEqual({
      cls: 'other',
      code: 'HPE_PARSE_ERROR',
    });
  });
});

describe('mergeTallies', () => {
  it('merges worker tallies exactly: counts add, histograms equal one recorder fed everything', () => {
    const a = new TallyRecorder(0, 0);
    const b = new TallyRecorder(0, 0);
    const all = new TallyRecorder(0, 0);
    feed(a, 300, 4);
    feed(b, 200, 9, 5);
    feed(all, 300, 4);
    feed(all, 200, 9, 5);
    const merged = mergeTallies([a.toTally(1, []), b.toTally(1, [])]);
    const whole = all.toTally(2, []);
    expect(merged.completed).toBe(500);
    expect(merged.workers).toBe(2);
    for (const p of [50, 90, 99, 99.9, 100]) {
      expect(decodeHistogram(merged.intendedHist).getValueAtPercentile(p)).toBe(
        decodeHistogram(whole.intendedHist).getValueAtPercentile(p),
      );
    }
    expect(decodeHistogram(merged.intendedHist).totalCount).toBe(500);
    expect(merged.series.map((s) => s.completed)).toEqual(whole.series.map((s) => s.completed));
    expect(merged.outcomes.okByStatus).toEqual({ '200': 500 });
  });
});

describe('lateness split: backpressure vs generator lag', () => {
  it('exports the bounds it counts by', () => {
    expect(LATE_MS).toBe(5);
    expect(GENERATOR_LATE_MS).toBe(10);
  });

  it("splits each sent request's lag at the moment its connection became free", () => {
    const rec = new TallyRecorder(0, 50);
    // Warm-up: not counted, however late.
    rec.sent(10, 40);
    // On time (a first request: its connection was ready from the start).
    rec.sent(100, 100.5);
    // Connection busy until 250: all 50 ms are backpressure.
    rec.sent(200, 250, 250);
    // Connection free since 290, sent at 320: 20 ms of generator lag (late and generator-late).
    rec.sent(300, 320, 290);
    // 10 ms late: 3 ms backpressure, 7 ms generator → late, by the generator, but not generator-late.
    rec.sent(400, 410, 403);
    // 9 ms late: 6 ms backpressure, 3 ms generator → late by backpressure.
    rec.sent(500, 509, 506);
    // Free later than sent (clock skew): the backpressure part is clamped to the total.
    rec.sent(600, 650, 700);
    // 4 ms of generator lag: not late at all.
    rec.sent(700, 704, 690);
    const t = rec.toTally(1, []);
    expect(t.sent).toBe(7);
    expect(t.lateBackpressure).toBe(3);
    expect(t.lateGenerator).toBe(2);
    expect(t.generatorLate).toBe(1);
    expect(t.generatorUnsent).toBe(0);
    const gen = decodeHistogram(t.generatorLagHist);
    expect(gen.totalCount).toBe(7);
    expect(Math.abs(gen.maxValue - 20_000)).toBeLessThan(20);
    // The total lag is unchanged: the largest is 50 ms.
    expect(Math.abs(decodeHistogram(t.lagHist).maxValue - 50_000)).toBeLessThan(50);
  });

  it('blames a request never sent on backpressure when its connection was busy at its due time', () => {
    const rec = new TallyRecorder(0, 50);
    rec.skipped(10, false); // warm-up
    rec.skipped(100, true);
    rec.skipped(200, false);
    rec.unsent(300, true);
    rec.unsent(400, false);
    rec.unsent(500, false);
    const t = rec.toTally(1, []);
    expect(t.outcomes.skipped).toBe(5);
    expect(t.unsentAtEnd).toBe(3);
    expect(t.lateBackpressure).toBe(2);
    expect(t.lateGenerator).toBe(3);
    expect(t.generatorLate).toBe(3);
    expect(t.generatorUnsent).toBe(3);
    expect(decodeHistogram(t.generatorLagHist).totalCount).toBe(0);
  });

  it('merges the split exactly across worker tallies', () => {
    /** Requests due 10 ms apart: every 3rd busy (backpressure), every 5th sent 15 ms late on a free connection. */
    const feedLate = (rec: TallyRecorder, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const due = i * 10;
        if (i % 3 === 0) rec.sent(due, due + 8, due + 8);
        else if (i % 5 === 0) rec.sent(due, due + 15, due - 1);
        else if (i % 7 === 0) rec.skipped(due, i % 2 === 0);
        else rec.sent(due, due + (i % 4) * 0.5);
      }
    };
    const a = new TallyRecorder(0, 0);
    const b = new TallyRecorder(0, 0);
    const all = new TallyRecorder(0, 0);
    feedLate(a, 0, 300);
    feedLate(b, 300, 1000);
    feedLate(all, 0, 1000);
    const merged = mergeTallies([a.toTally(1, []), b.toTally(1, [])]);
    const whole = all.toTally(2, []);
    for (const k of ['lateBackpressure', 'lateGenerator', 'generatorLate', 'generatorUnsent'] as const) {
      expect(merged[k]).toBe(whole[k]);
      expect(merged[k]).toBe(a.toTally(1, [])[k] + b.toTally(1, [])[k]);
    }
    expect(whole.lateBackpressure).toBeGreaterThan(0);
    expect(whole.lateGenerator).toBeGreaterThan(0);
    expect(whole.generatorUnsent).toBeGreaterThan(0);
    const m = decodeHistogram(merged.generatorLagHist);
    const w = decodeHistogram(whole.generatorLagHist);
    expect(m.totalCount).toBe(w.totalCount);
    for (const p of [50, 90, 99, 100]) expect(m.getValueAtPercentile(p)).toBe(w.getValueAtPercentile(p));
  });
});
