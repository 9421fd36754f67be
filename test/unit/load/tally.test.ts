import { describe, expect, it } from 'vitest';
import { classifyError, TIMEOUT_CODE } from '../../../src/load/classify-error.ts';
import { mergeTallies, TallyRecorder } from '../../../src/load/tally.ts';
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
