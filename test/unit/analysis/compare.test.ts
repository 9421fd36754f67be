import { describe, expect, it } from 'vitest';
import { compareRuns, judgeDelta } from '../../../src/analysis/compare.ts';
import { spreadOf } from '../../../src/analysis/spread.ts';
import { createHistogram, encodeHistogram } from '../../../src/metrics/histogram.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult } from './build-sample-result.ts';

const base = buildSampleResult({ repeats: 2, id: 'base' });
// compareRuns does not mutate its inputs, so the tests share one (expensive) regressed candidate.
const slow = buildSampleResult({ repeats: 2, id: 'slow', seed: 7, latencyFactor: 1.3 });

/** A copy of the run in which no request completed (a run whose load never reached anything). */
function measuredNothing(r: RunResult): RunResult {
  const out = structuredClone(r);
  const empty = encodeHistogram(createHistogram());
  for (const v of out.variants) {
    for (const t of v.tenants) {
      const load = t.load;
      load.requests = { ...load.requests, sent: 0, completed: 0 };
      load.outcomes = { ...load.outcomes, ok: 0, status: {}, timeout: 0, reset: 0, refused: 0, other: {} };
      load.achievedRps = 0;
      load.latency = { intended: empty, actual: empty, errors: empty };
      load.series = [];
    }
  }
  return out;
}

describe('compareRuns', () => {
  it('finds no regression between two runs of the same system (different seeds)', () => {
    const c = compareRuns(base, buildSampleResult({ repeats: 2, id: 'again', seed: 9 }), { tolerance: 0.1 });
    expect(c.regressions).toBe(0);
    expect(c.deltas.filter((d) => d.status === 'regression')).toEqual([]);
    expect(c.baseline.id).toBe('base');
    expect(c.candidate.id).toBe('again');
    // variants × tenants × metrics, every pair present on both sides
    expect(new Set(c.deltas.map((d) => `${d.variant}/${d.tenant}`))).toEqual(
      new Set(['dedicated/ns-1', 'dedicated/ns-2', 'shared/ns-1', 'shared/ns-2']),
    );
  });

  it('flags latency 30% up as a regression with abs and % deltas', () => {
    const c = compareRuns(base, slow, { tolerance: 0.1 });
    expect(c.regressions).toBeGreaterThan(0);
    const avg = c.deltas.find(
      (d) => d.variant === 'dedicated' && d.tenant === 'ns-1' && d.metric === 'latency.avg',
    )!;
    expect(avg.status).toBe('regression');
    expect(avg.deltaPct!).toBeGreaterThan(0.25);
    expect(avg.delta!).toBeCloseTo(avg.candidate! - avg.baseline!, 10);
    // rate unchanged: not a regression
    expect(c.deltas.find((d) => d.metric === 'rps')!.status).toBe('ok');
  });

  it('accepts the same 30% with a tolerance of 0.5, and reports an improvement the other way', () => {
    expect(compareRuns(base, slow, { tolerance: 0.5 }).regressions).toBe(0);
    const back = compareRuns(slow, base, { tolerance: 0.1 });
    expect(back.regressions).toBe(0);
    expect(back.improvements).toBeGreaterThan(0);
  });

  it('never reads a candidate with no successes as a latency improvement', () => {
    const cand = structuredClone(base);
    for (const v of cand.variants) {
      for (const t of v.tenants) {
        t.load.outcomes.status['503'] = t.load.outcomes.ok;
        t.load.outcomes.ok = 0;
        t.load.latency.intended = '';
        t.load.latency.actual = '';
      }
    }
    const c = compareRuns(base, cand, { tolerance: 0.1 });
    const avg = c.deltas.find(
      (d) => d.variant === 'dedicated' && d.tenant === 'ns-1' && d.metric === 'latency.avg',
    )!;
    expect(avg.candidate).toBeNull();
    expect(avg.status).not.toBe('improved');
    expect(c.deltas.some((d) => d.metric.startsWith('latency') && d.status === 'improved')).toBe(false);
    expect(
      c.deltas.find((d) => d.variant === 'dedicated' && d.tenant === 'ns-1' && d.metric === 'errors.rate')!
        .status,
    ).toBe('regression');
  });

  it('counts a tenant missing from the candidate as a regression', () => {
    const cand = structuredClone(base);
    for (const v of cand.variants) v.tenants = v.tenants.filter((t) => t.tenant !== 'ns-2');
    const c = compareRuns(base, cand, { tolerance: 0.1 });
    expect(c.deltas.some((d) => d.tenant === 'ns-2' && d.status === 'missing')).toBe(true);
    expect(c.regressions).toBeGreaterThan(0);
  });

  it('fails a candidate that measured nothing on every judged figure (0% errors is no pass; issue 11)', () => {
    const c = compareRuns(base, measuredNothing(base), { tolerance: 0.1 });
    const row = (m: string) =>
      c.deltas.find((x) => x.variant === 'dedicated' && x.tenant === 'ns-1' && x.metric === m)!;
    for (const m of ['latency.avg', 'errors.rate', 'rps']) {
      expect(row(m)).toMatchObject({ status: 'missing', candidate: null });
    }
    expect(c.regressions).toBeGreaterThan(0);
  });

  it('finds nothing comparable between two runs that measured nothing, or different variants', () => {
    const nothing = measuredNothing(base);
    const none = compareRuns(nothing, nothing, { tolerance: 0.1 });
    expect(none.comparable).toBe(0);
    expect(none.regressions).toBe(0);
    const renamed = structuredClone(base);
    for (const v of renamed.variants) v.name = `other-${v.name}`;
    expect(compareRuns(base, renamed, { tolerance: 0.1 }).comparable).toBe(0);
    expect(compareRuns(base, base, { tolerance: 0.1 }).comparable).toBeGreaterThan(0);
  });

  it('flags an error rate going up and an achieved rate going down', () => {
    const cand = structuredClone(base);
    for (const v of cand.variants.filter((x) => x.name === 'dedicated')) {
      for (const t of v.tenants) {
        t.load.outcomes.status['503'] = Math.round(t.load.outcomes.ok * 0.05);
        t.load.achievedRps *= 0.8;
      }
    }
    const c = compareRuns(base, cand, { tolerance: 0.1 });
    const d = (m: string) =>
      c.deltas.find((x) => x.variant === 'dedicated' && x.tenant === 'ns-1' && x.metric === m)!;
    expect(d('errors.rate').status).toBe('regression');
    expect(d('rps').status).toBe('regression');
    expect(d('rps').deltaPct).toBeCloseTo(-0.2, 6);
  });
});

describe('judgeDelta', () => {
  const latency = { direction: 'up-is-bad' as const, floor: 0.1 };
  it('is ok within tolerance, a regression beyond it, noise when the repeat ranges overlap', () => {
    expect(judgeDelta({ metric: latency, baseline: 100, candidate: 109, tolerance: 0.1 }).status).toBe('ok');
    expect(judgeDelta({ metric: latency, baseline: 100, candidate: 120, tolerance: 0.1 }).status).toBe(
      'regression',
    );
    expect(
      judgeDelta({
        metric: latency,
        baseline: 100,
        candidate: 120,
        tolerance: 0.1,
        baselineSpread: spreadOf([80, 100, 125]),
        candidateSpread: spreadOf([110, 120, 130]),
      }),
    ).toMatchObject({ status: 'noise' });
    expect(
      judgeDelta({
        metric: latency,
        baseline: 100,
        candidate: 120,
        tolerance: 0.1,
        baselineSpread: spreadOf([98, 100, 102]),
        candidateSpread: spreadOf([118, 120, 122]),
      }).status,
    ).toBe('regression');
  });

  it('calls a change within two combined standard deviations noise even when two repeats do not overlap', () => {
    const r = judgeDelta({
      metric: latency,
      baseline: 100,
      candidate: 120,
      tolerance: 0.1,
      baselineSpread: spreadOf([90, 110]),
      candidateSpread: spreadOf([112, 128]),
    });
    expect(r.status).toBe('noise');
  });

  it('ignores changes below the floor (0.02 ms → 0.03 ms is not +50%)', () => {
    expect(judgeDelta({ metric: latency, baseline: 0.02, candidate: 0.03, tolerance: 0.1 }).status).toBe(
      'ok',
    );
  });

  it('treats down as bad for rates and never judges info metrics', () => {
    const rps = { direction: 'down-is-bad' as const, floor: 0.5 };
    expect(judgeDelta({ metric: rps, baseline: 650, candidate: 500, tolerance: 0.1 }).status).toBe(
      'regression',
    );
    expect(judgeDelta({ metric: rps, baseline: 650, candidate: 800, tolerance: 0.1 }).status).toBe(
      'improved',
    );
    expect(
      judgeDelta({ metric: { direction: 'info', floor: 0 }, baseline: 1, candidate: 9, tolerance: 0.1 })
        .status,
    ).toBe('info');
  });
});
