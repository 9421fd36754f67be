/**
 * The reference suite's release gate judges the control condition in absolute terms: a run whose
 * dedicated tenants ran seconds behind their schedule (fast answers from the actual start, requests left
 * unsent) must fail it, however alike the two tenants look to each other.
 */
import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../../src/analysis/evaluate.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { readSuite } from '../../../src/suite/read-suite.ts';
import { REFERENCE_SUITE } from '../../../src/suite/reference.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

/** A histogram of `n` values spread evenly over [fromMs, toMs]. */
function spread(n: number, fromMs: number, toMs: number): string {
  const h = createHistogram();
  for (let i = 0; i < n; i++) recordMicros(h, (fromMs + ((toMs - fromMs) * i) / Math.max(1, n - 1)) * 1000);
  return encodeHistogram(h);
}

/** The sample result with every tenant's latency set: intended and actual ranges, unsent requests. */
function withLatency(
  base: RunResult,
  set: (variant: string) => { intended: [number, number]; actual: [number, number]; unsent: number },
): RunResult {
  const r = structuredClone(base);
  for (const v of r.variants)
    for (const t of v.tenants) {
      const s = set(v.name);
      const ok = t.load.outcomes.ok;
      t.load.latency.intended = spread(ok, ...s.intended);
      t.load.latency.actual = spread(ok, ...s.actual);
      t.load.outcomes.skipped = s.unsent;
    }
  return r;
}

describe('the reference suite gate', async () => {
  const suite = await readSuite(REFERENCE_SUITE);
  const sample = buildSampleResult();
  const judge = (r: RunResult) => evaluateThresholds(summarizeRun(r), suite.thresholds);

  it('passes a run shaped like the article', () => {
    const r = withLatency(sample, (v) =>
      v === 'dedicated'
        ? { intended: [20, 42], actual: [20, 40], unsent: 0 }
        : { intended: [40, 80], actual: [38, 78], unsent: 0 },
    );
    const failed = judge(r).filter((v) => !v.pass);
    // Only the sample's own error mix may fail here (it is not the suite's); latency and unsent pass.
    expect(failed.filter((v) => !v.key.startsWith('errors'))).toEqual([]);
  });

  it('fails a control condition seconds behind its schedule, whose tenants still look alike', () => {
    const r = withLatency(sample, (v) =>
      v === 'dedicated'
        ? { intended: [2000, 14000], actual: [20, 40], unsent: 4000 }
        : { intended: [40, 80], actual: [38, 78], unsent: 0 },
    );
    const verdicts = judge(r);
    const failed = verdicts
      .filter((v) => !v.pass)
      .map((v) => `${v.key}: ${v.expression} ${v.selector.tenant}`);
    expect(failed).toContain('latency{variant:dedicated}: p(99)<100 ns-1');
    expect(failed).toContain('latency{variant:dedicated}: p(99)<100 ns-2');
    expect(failed).toContain('unsent{variant:dedicated}: count==0 ns-1');
    expect(failed).toContain('unsent{variant:dedicated}: count==0 ns-2');
    // The likeness check alone would have passed it: that is why the absolute gates exist.
    expect(verdicts.find((v) => v.key === 'latency{variant:dedicated,tenant:ns-2}')?.pass).toBe(true);
  });
});
