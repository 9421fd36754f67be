import { describe, expect, it } from 'vitest';
import {
  compare,
  parseThresholdExpression,
  parseThresholdKey,
} from '../../../src/suite/threshold-grammar.ts';

describe('threshold grammar', () => {
  it('parses keys with selectors', () => {
    expect(parseThresholdKey('latency{variant:shared, tenant:ns-2}')).toEqual({
      ok: true,
      value: { metric: 'latency', selector: { variant: 'shared', tenant: 'ns-2' } },
    });
    expect(parseThresholdKey('errors')).toMatchObject({
      ok: true,
      value: { metric: 'errors', selector: {} },
    });
    expect(parseThresholdKey('latency{zone:a}')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/unknown selector "zone"/),
    });
    expect(parseThresholdKey('lat ency')).toMatchObject({ ok: false });
  });

  it('knows isolation, with value, lo and hi only', () => {
    expect(parseThresholdKey('isolation{variant:shared}')).toEqual({
      ok: true,
      value: { metric: 'isolation', selector: { variant: 'shared' } },
    });
    expect(parseThresholdExpression('value < 1.3', 'isolation')).toMatchObject({ ok: true });
    expect(parseThresholdExpression('lo > 1.3', 'isolation')).toEqual({
      ok: true,
      value: { lhs: { kind: 'term', term: { agg: { name: 'lo' }, selector: {} } }, op: '>', value: 1.3 },
    });
    expect(parseThresholdExpression('value / value{variant:dedicated} > 1.5', 'isolation')).toMatchObject({
      ok: true,
    });
    expect(parseThresholdExpression('avg<1', 'isolation')).toEqual({
      ok: false,
      message: '"avg" does not apply to isolation (use value, lo, hi)',
    });
    expect(parseThresholdExpression('lo<1', 'latency')).toMatchObject({ ok: false });
  });

  it('knows capacity, with value only, comparable across variants', () => {
    expect(parseThresholdKey('capacity{variant:shared}')).toEqual({
      ok: true,
      value: { metric: 'capacity', selector: { variant: 'shared' } },
    });
    expect(parseThresholdExpression('value / value{variant:dedicated} < 0.8', 'capacity')).toMatchObject({
      ok: true,
    });
    expect(
      parseThresholdExpression('ratio(value, value{variant:dedicated}) > 0.5', 'capacity'),
    ).toMatchObject({
      ok: true,
    });
    expect(parseThresholdExpression('p(99)<1', 'capacity')).toEqual({
      ok: false,
      message: '"p(99)" does not apply to capacity (use value)',
    });
  });

  it('knows unsent, with the count and rate aggregations only', () => {
    expect(parseThresholdKey('unsent{variant:shared}')).toEqual({
      ok: true,
      value: { metric: 'unsent', selector: { variant: 'shared' } },
    });
    expect(parseThresholdExpression('rate<0.01', 'unsent')).toEqual({
      ok: true,
      value: { lhs: { kind: 'term', term: { agg: { name: 'rate' }, selector: {} } }, op: '<', value: 0.01 },
    });
    expect(parseThresholdExpression('count==0', 'unsent')).toMatchObject({ ok: true });
    expect(parseThresholdExpression('avg<1', 'unsent')).toEqual({
      ok: false,
      message: '"avg" does not apply to unsent (use count, rate)',
    });
  });

  it('parses absolute expressions', () => {
    expect(parseThresholdExpression('p(99.9)<=250', 'latency')).toEqual({
      ok: true,
      value: {
        lhs: { kind: 'term', term: { agg: { name: 'p', p: 99.9 }, selector: {} } },
        op: '<=',
        value: 250,
      },
    });
    expect(parseThresholdExpression('rate < 0.01', 'errors')).toMatchObject({
      ok: true,
      value: { op: '<', value: 0.01 },
    });
  });

  it('parses comparative and symmetric ratio expressions', () => {
    const div = parseThresholdExpression('avg / avg{variant:dedicated} >= 2', 'latency');
    expect(div).toMatchObject({
      ok: true,
      value: { lhs: { kind: 'div', b: { selector: { variant: 'dedicated' } } }, op: '>=', value: 2 },
    });
    const ratio = parseThresholdExpression('ratio(avg, avg{tenant:ns-1}) < 1.5', 'latency');
    expect(ratio).toMatchObject({
      ok: true,
      value: { lhs: { kind: 'ratio', a: { agg: { name: 'avg' } }, b: { selector: { tenant: 'ns-1' } } } },
    });
  });

  it('takes two-key selectors in either term of ratio() (the second used to be rejected; issue 11)', () => {
    const r = parseThresholdExpression(
      'ratio(avg{variant:shared,tenant:ns-1}, avg{variant:dedicated,tenant:ns-2}) < 2',
      'latency',
    );
    expect(r).toMatchObject({
      ok: true,
      value: {
        lhs: {
          kind: 'ratio',
          a: { selector: { variant: 'shared', tenant: 'ns-1' } },
          b: { selector: { variant: 'dedicated', tenant: 'ns-2' } },
        },
      },
    });
    expect(parseThresholdExpression('ratio(avg, avg, avg) < 2', 'latency')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/ratio\(\) takes two terms/),
    });
  });

  it('rejects what does not parse', () => {
    expect(parseThresholdExpression('p(0)<1', 'latency')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/percentile 0/),
    });
    expect(parseThresholdExpression('avg / avg / avg < 1', 'latency')).toMatchObject({ ok: false });
    expect(parseThresholdExpression('avg <', 'latency')).toMatchObject({ ok: false });
    expect(parseThresholdExpression('value < 1', 'latency')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/does not apply to latency/),
    });
  });

  it('compares with every operator', () => {
    expect([
      compare(1, '<', 2),
      compare(2, '<=', 2),
      compare(3, '>', 2),
      compare(2, '>=', 3),
      compare(2, '==', 2),
      compare(2, '!=', 2),
    ]).toEqual([true, true, true, false, true, false]);
  });
});
