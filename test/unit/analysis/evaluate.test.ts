import { describe, expect, it } from 'vitest';
import { allPassed, anyAbortOnFail, evaluateThresholds } from '../../../src/analysis/evaluate.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import {
  type ParsedThreshold,
  parseThresholdExpression,
  parseThresholdKey,
} from '../../../src/suite/threshold-grammar.ts';
import { buildSampleResult } from './build-sample-result.ts';

function threshold(key: string, expression: string, abortOnFail = false): ParsedThreshold {
  const k = parseThresholdKey(key);
  if (!k.ok) throw new Error(k.message);
  const e = parseThresholdExpression(expression, k.value.metric);
  if (!e.ok) throw new Error(e.message);
  return { key, expression, abortOnFail, ...k.value, ...e.value };
}

const summary = summarizeRun(buildSampleResult());
const tenant = (v: string, t: string) =>
  summary.variants.find((x) => x.name === v)!.tenants.find((x) => x.tenant === t)!;

describe('evaluateThresholds', () => {
  it('judges isolation once per variant, on the earlier tenant, and says why when there is no score', () => {
    const scored = structuredClone(summary);
    const score = (v: number) => ({
      earlier: 'ns-1',
      later: 'ns-2',
      windowS: 10,
      windows: { before: { from: 5, to: 15 }, after: { from: 15, to: 25 } },
      repeats: 1,
      p50: { before: 5, after: 5, ratio: 1, lo: 1, hi: 1 },
      p99: { before: 10, after: 10 * v, ratio: v, lo: v - 0.1, hi: v + 0.2 },
      score: v,
      method: 'm',
    });
    scored.variants[0].isolation = score(1.02);
    scored.variants[1].isolation = score(1.9);
    const v = evaluateThresholds(scored, [
      threshold('isolation', 'value < 1.3'),
      threshold('isolation{variant:shared}', 'lo / lo{variant:dedicated} > 1.5'),
    ]);
    expect(v.map((x) => [x.selector.variant, x.selector.tenant, x.pass])).toEqual([
      ['dedicated', 'ns-1', true],
      ['shared', 'ns-1', false],
      ['shared', 'ns-1', true],
    ]);
    expect(v[2].actual).toBeCloseTo(1.8 / 0.92, 10);
    const [other] = evaluateThresholds(scored, [threshold('isolation{tenant:ns-2}', 'value < 2')]);
    expect(other).toMatchObject({
      actual: null,
      pass: false,
      note: expect.stringMatching(/judged on the earlier tenant "ns-1"/),
    });
    const none = structuredClone(summary);
    none.variants[0].isolation = {
      earlier: 'ns-1',
      later: 'ns-2',
      unavailable: 'the stagger is inside the warm-up',
    };
    const [u] = evaluateThresholds(none, [threshold('isolation{variant:dedicated}', 'value < 1.3')]);
    expect(u).toMatchObject({
      actual: null,
      pass: false,
      note: expect.stringMatching(/the stagger is inside the warm-up/),
    });
  });

  it('judges capacity once per variant from its searches (mean over repeats), and says why when there is none', () => {
    const searched = structuredClone(summary);
    const search = (variant: string, repeat: number, rate?: number) => ({
      variant,
      repeat,
      probes: [],
      ...(rate === undefined ? {} : { capacity: { factor: rate / 325, rate, connections: 33 } }),
      confirmed: rate !== undefined,
      why:
        rate === undefined ? "missed the SLO at every load tried, down to 0.003906× the suite's load" : 'met',
    });
    searched.searches = [search('dedicated', 1, 480), search('dedicated', 2, 500), search('shared', 1, 240)];
    const v = evaluateThresholds(searched, [
      threshold('capacity{variant:shared}', 'value / value{variant:dedicated} < 0.8'),
      threshold('capacity', 'value > 300'),
    ]);
    expect(v[0].actual).toBeCloseTo(240 / 490, 12);
    expect(v.map((x) => [x.selector.variant, x.selector.tenant, x.pass, x.actual])).toEqual([
      ['shared', 'ns-1', true, v[0].actual],
      ['dedicated', 'ns-1', true, 490],
      ['shared', 'ns-1', false, 240],
    ]);
    // No load met the SLO: a measured 0, not a missing figure.
    searched.searches = [search('shared', 1)];
    expect(
      evaluateThresholds(searched, [threshold('capacity{variant:shared}', 'value > 0')])[0],
    ).toMatchObject({
      actual: 0,
      pass: false,
    });
    const [none] = evaluateThresholds(summary, [threshold('capacity{variant:shared}', 'value > 0')]);
    expect(none).toMatchObject({ actual: null, pass: false, note: expect.stringMatching(/no search/) });
  });

  it('evaluates a threshold without selectors for every variant × tenant', () => {
    const v = evaluateThresholds(summary, [threshold('latency', 'p(99)<100')]);
    expect(v.map((x) => [x.selector.variant, x.selector.tenant, x.pass])).toEqual([
      ['dedicated', 'ns-1', true],
      ['dedicated', 'ns-2', true],
      ['shared', 'ns-1', false],
      ['shared', 'ns-2', false],
    ]);
    expect(v[2].actual).toBeCloseTo(tenant('shared', 'ns-1').merged.latency.p99Ms, 6);
    expect(allPassed(v)).toBe(false);
  });

  it('uses the key selector and any percentile from the merged histogram', () => {
    const [v] = evaluateThresholds(summary, [threshold('latency{variant:shared,tenant:ns-1}', 'p(75)>0')]);
    expect(v.selector).toEqual({ variant: 'shared', tenant: 'ns-1' });
    const t = tenant('shared', 'ns-1').merged.latency;
    expect(v.actual!).toBeGreaterThan(t.p50Ms);
    expect(v.actual!).toBeLessThan(t.p90Ms);
  });

  it('divides by another variant (a / b{variant:x}) and passes or fails on the ratio', () => {
    const [v] = evaluateThresholds(summary, [
      threshold('latency{variant:shared,tenant:ns-1}', 'avg / avg{variant:dedicated} < 1.5'),
    ]);
    expect(v.actual).toBeCloseTo(
      tenant('shared', 'ns-1').merged.latency.avgMs / tenant('dedicated', 'ns-1').merged.latency.avgMs,
      10,
    );
    expect(v.actual!).toBeGreaterThan(1.9);
    expect(v.pass).toBe(false);
    expect(v.note).toMatch(/\(shared, ns-1\) vs .* \(dedicated, ns-1\)/);
  });

  it('computes the symmetric ratio max(a/b, b/a)', () => {
    const t = threshold('latency{variant:shared}', 'ratio(avg{tenant:ns-2}, avg{tenant:ns-1}) < 1.5');
    const [v] = evaluateThresholds(summary, [t]).filter((x) => x.selector.tenant === 'ns-1');
    const a = tenant('shared', 'ns-2').merged.latency.avgMs;
    const b = tenant('shared', 'ns-1').merged.latency.avgMs;
    expect(a).toBeLessThan(b);
    expect(v.actual).toBeCloseTo(b / a, 10);
    expect(v.pass).toBe(true);
  });

  it('evaluates errors, rps, waypoint CPU, throttling and overflows', () => {
    const v = evaluateThresholds(summary, [
      threshold('errors{variant:shared,tenant:ns-2}', 'rate<0.01'),
      threshold('errors{variant:shared,tenant:ns-2}', 'count>1000'),
      threshold('rps{variant:dedicated,tenant:ns-1}', 'value>=640'),
      threshold('waypoint_cpu{variant:shared,tenant:ns-2}', 'max<=0.2'),
      threshold('waypoint_cpu{variant:shared,tenant:ns-2}', 'p(50)>0.15'),
      threshold('throttled{variant:shared,tenant:ns-1}', 'rate<0.1'),
      threshold('overflow{variant:dedicated,tenant:ns-1}', 'count==0'),
      threshold('overflow{variant:shared,tenant:ns-2}', 'count>0'),
    ]);
    expect(v.map((x) => x.pass)).toEqual([false, true, true, true, true, false, true, true]);
    expect(v[0].actual).toBeCloseTo(tenant('shared', 'ns-2').merged.errors.rate, 10);
  });

  it('evaluates unsent: the requests never sent on schedule, as a count and a share of the intended', () => {
    const r = buildSampleResult();
    const load = r.variants.find((v) => v.name === 'shared')!.tenants.find((t) => t.tenant === 'ns-1')!.load;
    load.outcomes.skipped = 1755;
    load.requests.intended += 1755;
    const behind = summarizeRun(r);
    const requests = behind.variants[1].tenants[0].merged.requests;
    expect([requests.skipped, requests.intended]).toEqual([1755, 17550 + 1755]);
    const v = evaluateThresholds(behind, [
      threshold('unsent{tenant:ns-1}', 'count==0'),
      threshold('unsent{variant:shared,tenant:ns-1}', 'rate<0.05'),
    ]);
    expect(v.map((x) => [x.selector.variant, x.actual, x.pass])).toEqual([
      ['dedicated', 0, true],
      ['shared', 1755, false],
      ['shared', 1755 / 19305, false],
    ]);
    expect(v[2].actual).toBeCloseTo(1 / 11, 12);
  });

  it('gives no unsent rate when nothing was scheduled', () => {
    const r = buildSampleResult();
    const load = r.variants[0].tenants[0].load;
    load.requests = { intended: 0, sent: 0, completed: 0, warmup: 0 };
    const [count, rate] = evaluateThresholds(summarizeRun(r), [
      threshold('unsent{variant:dedicated,tenant:ns-1}', 'count==0'),
      threshold('unsent{variant:dedicated,tenant:ns-1}', 'rate<0.01'),
    ]);
    expect([count.actual, count.pass]).toEqual([0, true]);
    expect([rate.actual, rate.pass, rate.note]).toEqual([
      null,
      false,
      'no requests were scheduled for tenant "ns-1" in variant "dedicated"',
    ]);
  });

  it('fails a verdict for a missing variant or tenant, with a note', () => {
    const v = evaluateThresholds(summary, [
      threshold('latency{variant:per-svc}', 'avg<100'),
      threshold('latency{tenant:ns-9}', 'avg<100'),
      threshold('latency{variant:shared,tenant:ns-1}', 'avg / avg{variant:nope} < 2'),
    ]);
    expect(v.every((x) => !x.pass && x.actual === null)).toBe(true);
    expect(v[0].note).toMatch(/variant "per-svc" was not measured/);
    expect(v.find((x) => x.key === 'latency{tenant:ns-9}')!.note).toMatch(/tenant "ns-9" was not measured/);
    expect(v.at(-1)!.note).toMatch(/variant "nope"/);
  });

  it('never divides by zero', () => {
    const [v] = evaluateThresholds(summary, [
      threshold('errors{variant:shared,tenant:ns-2}', 'rate / rate{variant:dedicated} > 1'),
    ]);
    expect(v.actual).toBeNull();
    expect(v.pass).toBe(false);
    expect(v.note).toMatch(/divide by zero/);
  });

  it('reports abortOnFail only for failed thresholds that ask for it', () => {
    const soft = threshold('latency', 'avg<1');
    const hard = threshold('errors', 'rate<0.01', true);
    const vs = evaluateThresholds(summary, [soft, hard]);
    expect(anyAbortOnFail([soft, hard], vs)).toBe(true);
    const ok = evaluateThresholds(summary, [threshold('errors{variant:dedicated}', 'rate<0.01', true), soft]);
    expect(anyAbortOnFail([threshold('errors{variant:dedicated}', 'rate<0.01', true), soft], ok)).toBe(false);
  });
});
