import { describe, expect, it } from 'vitest';
import { comparePublished } from '../../../src/analysis/published.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import type { RunPlan } from '../../../src/suite/plan.ts';
import { buildSampleResult } from './build-sample-result.ts';

const result = buildSampleResult();
const summary = summarizeRun(result);
const merged = (v: string, t: string) =>
  summary.variants.find((x) => x.name === v)!.tenants.find((x) => x.tenant === t)!.merged;

type Figure = NonNullable<RunPlan['published']>['figures'][number];
const plan = (...figures: Figure[]): Pick<RunPlan, 'published'> => ({
  published: { source: 'the article', figures },
});

describe('comparePublished', () => {
  it('puts each published figure beside this run’s, in the suite’s order, with measured / published', () => {
    const rows = comparePublished(result.plan, summary);
    const m11 = merged('dedicated', 'ns-1').latencyActual.avgMs;
    const m22 = merged('shared', 'ns-2').errors.rate;
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      label: 'dedicated ns-1 average',
      metric: 'latency_actual.avg',
      variant: 'dedicated',
      tenant: 'ns-1',
      published: 30.8,
      measured: m11,
      ratio: m11 / 30.8,
      unit: 'ms',
    });
    expect(rows[3]).toEqual({
      label: 'shared ns-2 errors',
      metric: 'errors.rate',
      variant: 'shared',
      tenant: 'ns-2',
      published: 0.32,
      measured: m22,
      ratio: m22 / 0.32,
      unit: '',
    });
    expect(rows.map((r) => r.label)).toEqual([
      'dedicated ns-1 average',
      'dedicated ns-2 average',
      'shared ns-1 average',
      'shared ns-2 errors',
    ]);
  });

  it('reads each metric from its own figure: intended vs actual start, average vs median', () => {
    const at = { variant: 'shared', tenant: 'ns-1', value: 10 };
    const rows = comparePublished(
      plan(
        { label: 'a', metric: 'latency.avg', ...at },
        { label: 'b', metric: 'latency.p50', ...at },
        { label: 'c', metric: 'latency_actual.avg', ...at },
        { label: 'd', metric: 'latency_actual.p50', ...at },
      ),
      summary,
    );
    const m = merged('shared', 'ns-1');
    expect(rows.map((r) => r.measured)).toEqual([
      m.latency.avgMs,
      m.latency.p50Ms,
      m.latencyActual.avgMs,
      m.latencyActual.p50Ms,
    ]);
    // The sample's lag makes the intended-start figures the larger: a swap would show here.
    expect(m.latency.avgMs).toBeGreaterThan(m.latencyActual.avgMs);
    expect(rows.map((r) => r.unit)).toEqual(['ms', 'ms', 'ms', 'ms']);
  });

  it('gives null figures for a variant or tenant this run did not measure', () => {
    const rows = comparePublished(
      plan(
        { label: 'x', metric: 'latency_actual.avg', variant: 'per-service', tenant: 'ns-1', value: 30 },
        { label: 'y', metric: 'errors.rate', variant: 'shared', tenant: 'ns-9', value: 0.1 },
      ),
      summary,
    );
    expect(rows.map((r) => [r.label, r.published, r.measured, r.ratio])).toEqual([
      ['x', 30, null, null],
      ['y', 0.1, null, null],
    ]);
  });

  it('gives no ratio to a published 0, but still the measured figure', () => {
    const [row] = comparePublished(
      plan({ label: 'no errors', metric: 'errors.rate', variant: 'dedicated', tenant: 'ns-1', value: 0 }),
      summary,
    );
    expect(row).toMatchObject({ published: 0, measured: 0, ratio: null, unit: '' });
  });

  it('is empty when the plan has no published figures', () => {
    expect(comparePublished({}, summary)).toEqual([]);
    expect(comparePublished({ published: undefined }, summary)).toEqual([]);
  });
});
