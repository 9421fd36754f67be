import { describe, expect, it } from 'vitest';
import { evaluateThresholds } from '../../../src/analysis/evaluate.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import {
  evaluateValidity,
  findInvalidResults,
  findInvalidUnderVerdicts,
  formatInvalidResult,
  GENERATOR_LAG_P99_MAX_MS,
  GENERATOR_LATE_SHARE_MAX,
  mergeValidity,
} from '../../../src/analysis/validity.ts';
import type { Lateness } from '../../../src/load/types.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult } from './build-sample-result.ts';

/** Lateness whose generator-lag histogram holds `n` requests at 0.01 ms and `slow` more at `slowMs`. */
function lateness(n: number, slow: number, slowMs: number, over: Partial<Lateness> = {}): Lateness {
  const h = createHistogram();
  for (let i = 0; i < n; i++) recordMicros(h, 10);
  for (let i = 0; i < slow; i++) recordMicros(h, slowMs * 1000);
  return {
    lateMs: 5,
    backpressure: 0,
    generator: 0,
    generatorLateMs: 10,
    generatorLate: 0,
    generatorUnsent: 0,
    generatorLag: encodeHistogram(h),
    ...over,
  };
}

/** Built once per repeat count (it takes a while), copied for each use. */
const samples = new Map<number, RunResult>();
function sample(repeats = 1): RunResult {
  if (!samples.has(repeats)) samples.set(repeats, buildSampleResult({ repeats }));
  return structuredClone(samples.get(repeats) as RunResult);
}

/** The sample run with lateness on every tenant (clean), then `edit` applied to chosen loads. */
function sampleWith(
  edit: (variant: string, repeat: number, tenant: string) => Lateness | undefined,
  repeats = 1,
): RunResult {
  const r = sample(repeats);
  for (const v of r.variants)
    for (const t of v.tenants) t.load.lateness = edit(v.name, v.repeat, t.tenant) ?? lateness(1000, 0, 0);
  return r;
}

describe('evaluateValidity', () => {
  it('holds the bounds from the issue: p99 over 5 ms or over 0.1% late is invalid', () => {
    expect(GENERATOR_LAG_P99_MAX_MS).toBe(5);
    expect(GENERATOR_LATE_SHARE_MAX).toBe(0.001);
    expect(evaluateValidity({ p99Ms: 5, maxMs: 40, lateShare: 0.001 })).toEqual({ valid: true, reasons: [] });
    expect(evaluateValidity({ p99Ms: 7.2, maxMs: 40, lateShare: 0 })).toEqual({
      valid: false,
      reasons: ['generator lag p99 7.2 ms > 5 ms'],
    });
    const both = evaluateValidity({ p99Ms: 312.4, maxMs: 400, lateShare: 0.0025 });
    expect(both.valid).toBe(false);
    expect(both.reasons).toEqual([
      'generator lag p99 312 ms > 5 ms',
      'generator-late share 0.25% of requests > 0.1%',
    ]);
  });

  it('nothing measured, or a load cut short, is invalid (issue 11: a verdict passed on 0 requests)', () => {
    expect(evaluateValidity(undefined, { completed: 0 })).toEqual({
      valid: false,
      reasons: ['no request was measured'],
    });
    expect(evaluateValidity(undefined, { completed: 120, incomplete: true })).toEqual({
      valid: false,
      reasons: ['the load ended before its schedule (incomplete)'],
    });
    expect(evaluateValidity(undefined, { completed: 120 })).toEqual({ valid: true, reasons: [] });
    expect(evaluateValidity({ p99Ms: 1, maxMs: 2, lateShare: 0 }, { completed: 0 }).valid).toBe(false);
  });

  it('does not judge a tiny run by one descheduling: too few late requests, or too few for a p99', () => {
    // 160 requests, one of them 13 ms late: 0.63% and the p99, but one event.
    expect(evaluateValidity({ p99Ms: 13, maxMs: 13, lateShare: 1 / 160, late: 1, requests: 160 })).toEqual({
      valid: true,
      reasons: [],
    });
    // The same share over a real run is judged.
    expect(
      evaluateValidity({ p99Ms: 1, maxMs: 30, lateShare: 120 / 19500, late: 120, requests: 19500 }).valid,
    ).toBe(false);
    expect(evaluateValidity({ p99Ms: 6, maxMs: 9, lateShare: 0, late: 0, requests: 19500 }).valid).toBe(
      false,
    );
    expect(evaluateValidity({ p99Ms: 6, maxMs: 9, lateShare: 0, late: 0, requests: 999 }).valid).toBe(true);
  });

  it('treats a result without generator figures (other drivers) as valid', () => {
    expect(evaluateValidity(undefined)).toEqual({ valid: true, reasons: [] });
  });

  it('merges repeats: valid only if every repeat is, reasons labelled by repeat', () => {
    const bad = { valid: false, reasons: ['generator lag p99 7.2 ms > 5 ms'] };
    const good = { valid: true, reasons: [] };
    expect(
      mergeValidity([
        { repeat: 1, validity: good },
        { repeat: 2, validity: good },
      ]).valid,
    ).toBe(true);
    expect(
      mergeValidity([
        { repeat: 1, validity: good },
        { repeat: 2, validity: bad },
      ]),
    ).toEqual({
      valid: false,
      reasons: ['repeat 2: generator lag p99 7.2 ms > 5 ms'],
    });
    expect(mergeValidity([{ repeat: 1, validity: bad }])).toEqual(bad);
  });
});

describe('validity in the run summary', () => {
  it('summarizes the generator lag and the late split, and marks the lagging tenant invalid', () => {
    const s = summarizeRun(
      sampleWith((variant, _r, tenant) =>
        variant === 'shared' && tenant === 'ns-1'
          ? lateness(98, 2, 7.2, { backpressure: 40, generator: 3, generatorLate: 2, generatorUnsent: 1 })
          : undefined,
      ),
    );
    const shared = s.variants.find((v) => v.name === 'shared');
    const ns1 = shared?.tenants.find((t) => t.tenant === 'ns-1');
    expect(ns1?.merged.generatorLag?.p99Ms).toBeCloseTo(7.2, 1);
    expect(ns1?.merged.late).toEqual({ backpressure: 40, generator: 3 });
    // generatorLate / (sent + generator-attributed unsent)
    expect(ns1?.merged.generatorLag?.lateShare).toBeCloseTo(2 / ((ns1?.merged.requests.sent ?? 0) + 1), 12);
    expect(ns1?.merged.validity).toEqual({ valid: false, reasons: ['generator lag p99 7.2 ms > 5 ms'] });
    expect(ns1?.perRepeat[0].validity.valid).toBe(false);
    const ns2 = shared?.tenants.find((t) => t.tenant === 'ns-2');
    expect(ns2?.merged.validity).toEqual({ valid: true, reasons: [] });
    expect(ns2?.merged.late).toEqual({ backpressure: 0, generator: 0 });
    const invalid = findInvalidResults(s);
    expect(invalid).toEqual([
      { variant: 'shared', tenant: 'ns-1', reasons: ['generator lag p99 7.2 ms > 5 ms'] },
    ]);
    expect(formatInvalidResult(invalid[0])).toBe('INVALID ns-1 (shared): generator lag p99 7.2 ms > 5 ms');
  });

  it('counts generator-late requests against the share, never-sent ones included', () => {
    const s = summarizeRun(
      sampleWith((variant, _r, tenant) =>
        variant === 'dedicated' && tenant === 'ns-2'
          ? lateness(1000, 0, 0, { generator: 60, generatorLate: 60, generatorUnsent: 20 })
          : undefined,
      ),
    );
    const t = s.variants[0].tenants.find((x) => x.tenant === 'ns-2');
    const share = 60 / ((t?.merged.requests.sent ?? 0) + 20);
    expect(share).toBeGreaterThan(GENERATOR_LATE_SHARE_MAX);
    expect(t?.merged.generatorLag?.lateShare).toBeCloseTo(share, 12);
    expect(t?.merged.validity.valid).toBe(false);
    expect(t?.merged.validity.reasons[0]).toMatch(/^generator-late share 0\.\d+% of requests > 0\.1%$/);
  });

  it('is valid only if every repeat is', () => {
    const s = summarizeRun(
      sampleWith(
        (variant, repeat, tenant) =>
          variant === 'dedicated' && repeat === 2 && tenant === 'ns-1' ? lateness(90, 10, 30) : undefined,
        2,
      ),
    );
    const t = s.variants[0].tenants.find((x) => x.tenant === 'ns-1');
    expect(t?.perRepeat.map((r) => r.validity.valid)).toEqual([true, false]);
    expect(t?.merged.validity.valid).toBe(false);
    expect(t?.merged.validity.reasons).toEqual([
      expect.stringMatching(/^repeat 2: generator lag p99 30(\.\d+)? ms > 5 ms$/),
    ]);
  });

  it('leaves results of drivers without lateness data valid, with no generator figures', () => {
    const s = summarizeRun(sample());
    for (const v of s.variants)
      for (const t of v.tenants) {
        expect(t.merged.validity).toEqual({ valid: true, reasons: [] });
        expect(t.merged.generatorLag).toBeUndefined();
        expect(t.merged.late).toBeUndefined();
      }
    expect(findInvalidResults(s)).toEqual([]);
  });
});

describe('findInvalidUnderVerdicts', () => {
  const run = sampleWith((variant, _r, tenant) =>
    variant === 'dedicated' && tenant === 'ns-1' ? lateness(90, 10, 30) : undefined,
  );
  const summary = summarizeRun(run);
  const verdict = (selector: { variant?: string; tenant?: string }) => ({
    key: 'latency',
    expression: 'p(99)<250',
    selector,
    actual: 1,
    pass: true,
  });

  it('finds an invalid result under a verdict computed on it, or on every variant or tenant', () => {
    expect(
      findInvalidUnderVerdicts(summary, [verdict({ variant: 'dedicated', tenant: 'ns-1' })]),
    ).toHaveLength(1);
    expect(findInvalidUnderVerdicts(summary, [verdict({})])).toHaveLength(1);
    expect(findInvalidUnderVerdicts(summary, [verdict({ tenant: 'ns-1' })])).toHaveLength(1);
    expect(findInvalidUnderVerdicts(summary, [verdict({ variant: 'shared' })])).toEqual([]);
    expect(findInvalidUnderVerdicts(summary, [verdict({ variant: 'dedicated', tenant: 'ns-2' })])).toEqual(
      [],
    );
    expect(findInvalidUnderVerdicts(summary, [])).toEqual([]);
  });

  it("follows a ratio's other side through the threshold's term selectors", () => {
    // 'latency{variant:dedicated,tenant:ns-2}': ratio(avg, avg{tenant:ns-1}) reads ns-1's figures too.
    const verdicts = evaluateThresholds(summary, run.plan.thresholds).filter((v) =>
      v.expression.startsWith('ratio('),
    );
    expect(verdicts.map((v) => v.selector)).toEqual([{ variant: 'dedicated', tenant: 'ns-2' }]);
    expect(findInvalidUnderVerdicts(summary, verdicts)).toEqual([]);
    expect(findInvalidUnderVerdicts(summary, verdicts, run.plan.thresholds)).toEqual([
      { variant: 'dedicated', tenant: 'ns-1', reasons: [expect.stringMatching(/^generator lag p99/)] },
    ]);
  });
});
