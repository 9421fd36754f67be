/** The value of one metric aggregation for one variant and tenant of a RunSummary (pure). */
import { decodeHistogram, percentileMs } from '../metrics/histogram.ts';
import { percentileOf } from './spread.ts';
import type { LatencySummary, RunSummary, TenantSummary, WaypointSummary } from './summary-types.ts';
import type { Agg, MetricName } from '../suite/threshold-grammar.ts';

export type MetricValue = { value: number; note?: undefined } | { value: null; note: string };

const none = (note: string): MetricValue => ({ value: null, note });
const some = (value: number): MetricValue =>
  Number.isFinite(value) ? { value } : none(`the value is not finite (${value})`);

export function findTenant(
  summary: RunSummary,
  variant: string,
  tenant: string,
): { tenant: TenantSummary; waypoint?: WaypointSummary } | { missing: string } {
  const v = summary.variants.find((x) => x.name === variant);
  if (!v) return { missing: `variant "${variant}" was not measured in this run` };
  const t = v.tenants.find((x) => x.tenant === tenant);
  if (!t) return { missing: `tenant "${tenant}" was not measured in variant "${variant}"` };
  return { tenant: t, waypoint: v.waypoints.find((w) => w.component === t.waypoint) };
}

function latencyValue(s: LatencySummary, encoded: string, agg: Agg): MetricValue {
  switch (agg.name) {
    case 'avg':
      return some(s.avgMs);
    case 'min':
      return some(s.minMs);
    case 'max':
      return some(s.maxMs);
    case 'med':
      return some(s.p50Ms);
    case 'stddev':
      return some(s.stddevMs);
    case 'count':
      return some(s.count);
    case 'p':
      return some(percentileMs(decodeHistogram(encoded), agg.p ?? 99));
    default:
      return none(`"${agg.name}" does not apply to latency`);
  }
}

/** A variant's isolation score (or an end of its interval), judged on its earlier tenant. */
function isolationValue(summary: RunSummary, at: { variant: string; tenant: string }, agg: Agg): MetricValue {
  const v = summary.variants.find((x) => x.name === at.variant);
  if (!v) return none(`variant "${at.variant}" was not measured in this run`);
  const iso = v.isolation;
  if (!iso) return none(`no isolation score for variant "${at.variant}"`);
  if (iso.earlier !== undefined && at.tenant !== iso.earlier)
    return none(`isolation is judged on the earlier tenant "${iso.earlier}", not "${at.tenant}"`);
  if ('unavailable' in iso) return none(`no isolation score for variant "${at.variant}": ${iso.unavailable}`);
  return some(agg.name === 'lo' ? iso.p99.lo : agg.name === 'hi' ? iso.p99.hi : iso.score);
}

/** A variant's breaking point (req/s per tenant, mean over repeats; 0 when the SLO was missed at every load). */
function capacityValue(summary: RunSummary, at: { variant: string }): MetricValue {
  if (!summary.searches) return none('this run has no search (the suite sets no `search`)');
  const mine = summary.searches.filter((s) => s.variant === at.variant);
  if (mine.length === 0) return none(`variant "${at.variant}" was not searched in this run`);
  const open = mine.find((s) => !s.capacity && !/every load/.test(s.why));
  if (open) return none(`the search of variant "${at.variant}" has no answer: ${open.why}`);
  const rates = mine.map((s) => s.capacity?.rate ?? 0);
  return some(rates.reduce((a, b) => a + b, 0) / rates.length);
}

/**
 * The tenant a variant-level metric is judged on (isolation: the earlier tenant; capacity: the first, as all
 * tenants are loaded alike), when the run says.
 */
export function judgedTenant(summary: RunSummary, variant: string, metric: MetricName): string | undefined {
  if (metric === 'capacity') return summary.tenants[0];
  return summary.variants.find((x) => x.name === variant)?.isolation?.earlier;
}

/** Resolves `metric`'s aggregation `agg` for (variant, tenant); null with a note when not computable. */
export function metricValue(
  summary: RunSummary,
  at: { variant: string; tenant: string },
  metric: MetricName,
  agg: Agg,
): MetricValue {
  if (metric === 'isolation') return isolationValue(summary, at, agg);
  if (metric === 'capacity') return capacityValue(summary, at);
  const found = findTenant(summary, at.variant, at.tenant);
  if ('missing' in found) return none(found.missing);
  const { tenant: t, waypoint: w } = found;
  if (metric === 'latency' || metric === 'latency_actual') {
    const intended = metric === 'latency';
    if ((intended ? t.merged.latency : t.merged.latencyActual).count === 0 && agg.name !== 'count') {
      return none(`no successful requests for tenant "${at.tenant}" in variant "${at.variant}"`);
    }
    return intended
      ? latencyValue(t.merged.latency, t.histograms.intended, agg)
      : latencyValue(t.merged.latencyActual, t.histograms.actual, agg);
  }
  if (metric === 'errors') return some(agg.name === 'count' ? t.merged.errors.count : t.merged.errors.rate);
  if (metric === 'unsent') {
    const { skipped, intended } = t.merged.requests;
    if (agg.name === 'count') return some(skipped);
    if (intended === 0)
      return none(`no requests were scheduled for tenant "${at.tenant}" in variant "${at.variant}"`);
    return some(skipped / intended);
  }
  if (metric === 'rps') return some(t.merged.rps.achieved);
  if (!w) return none(`tenant "${at.tenant}" has no sampled waypoint in variant "${at.variant}"`);
  if (metric === 'waypoint_cpu') {
    if (w.coresPoints.length === 0) return none(`no CPU samples for waypoint ${w.component}`);
    if (agg.name === 'avg') return some(w.merged.avgCores);
    if (agg.name === 'max') return some(w.merged.maxCores);
    return some(percentileOf(w.coresPoints, agg.p ?? 99));
  }
  if (metric === 'throttled') {
    const r = w.merged.throttledRatio;
    return r === undefined ? none(`throttling was not measured for waypoint ${w.component}`) : some(r);
  }
  return some(w.merged.overflow);
}
