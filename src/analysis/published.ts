/** comparePublished: the suite's published figures (plan.published) beside this run's (pure). */
import type { RunPlan } from '../suite/plan.ts';
import { metricValue } from './metric-value.ts';
import type { RunSummary } from './summary-types.ts';
import type { Agg, MetricName } from '../suite/threshold-grammar.ts';

type PublishedFigure = NonNullable<RunPlan['published']>['figures'][number];
export type PublishedMetric = PublishedFigure['metric'];

export interface PublishedComparison {
  label: string;
  metric: PublishedMetric;
  variant: string;
  tenant: string;
  published: number;
  /** This run's figure; null when the variant or tenant was not measured (or had no successful request). */
  measured: number | null;
  /** measured / published; null when either is missing or the published value is 0. */
  ratio: number | null;
  /** 'ms' for latency; '' for errors.rate, a fraction. */
  unit: 'ms' | '';
}

const SOURCES: Record<PublishedMetric, { metric: MetricName; agg: Agg; unit: 'ms' | '' }> = {
  'latency.avg': { metric: 'latency', agg: { name: 'avg' }, unit: 'ms' },
  'latency.p50': { metric: 'latency', agg: { name: 'med' }, unit: 'ms' },
  'latency_actual.avg': { metric: 'latency_actual', agg: { name: 'avg' }, unit: 'ms' },
  'latency_actual.p50': { metric: 'latency_actual', agg: { name: 'med' }, unit: 'ms' },
  'errors.rate': { metric: 'errors', agg: { name: 'rate' }, unit: '' },
};

/** One row per published figure, in the suite's order; [] when the plan has none. */
export function comparePublished(
  plan: Pick<RunPlan, 'published'>,
  summary: RunSummary,
): PublishedComparison[] {
  return (plan.published?.figures ?? []).map((f) => {
    const source = SOURCES[f.metric];
    const { value: measured } = metricValue(
      summary,
      { variant: f.variant, tenant: f.tenant },
      source.metric,
      source.agg,
    );
    // A ratio to a published 0 (e.g. "no errors") says nothing: both figures are shown instead.
    const ratio = measured === null || f.value === 0 ? null : measured / f.value;
    return {
      label: f.label,
      metric: f.metric,
      variant: f.variant,
      tenant: f.tenant,
      published: f.value,
      measured,
      ratio,
      unit: source.unit,
    };
  });
}
