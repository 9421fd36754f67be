/**
 * The two latency definitions every report shows per tenant, intended start first (pure): from when
 * each request was due (the honest figure under load) and from when it was sent (what Fortio measures).
 */
import type { Spread } from '../analysis/spread.ts';
import type { LatencySummary, TenantSummary } from '../analysis/summary-types.ts';
import { fmtMs, fmtSpread } from './format.ts';

export type LatencyFrom = 'intended' | 'actual';
export type LatencyStat = 'avg' | 'p50' | 'p90' | 'p99' | 'p999' | 'max';

/** How a report names each definition. */
export const LATENCY_FROM: Record<LatencyFrom, string> = {
  intended: 'intended start',
  actual: 'actual start · Fortio',
};

const STAT: Record<LatencyStat, { label: string; field: keyof LatencySummary }> = {
  avg: { label: 'avg', field: 'avgMs' },
  p50: { label: 'p50', field: 'p50Ms' },
  p90: { label: 'p90', field: 'p90Ms' },
  p99: { label: 'p99', field: 'p99Ms' },
  p999: { label: 'p99.9', field: 'p999Ms' },
  max: { label: 'max', field: 'maxMs' },
};

export function latencyStatLabel(stat: LatencyStat): string {
  return STAT[stat].label;
}

/** One latency figure in ms, with its ±sd across repeats when the summary keeps one. */
function fmtLatency(t: TenantSummary, from: LatencyFrom, stat: LatencyStat): string {
  const s = from === 'intended' ? t.merged.latency : t.merged.latencyActual;
  const key = `${from === 'intended' ? 'latency' : 'latency_actual'}.${stat}`;
  return fmtMs(s[STAT[stat].field]) + fmtSpread((t.spread as Partial<Record<string, Spread>>)[key], fmtMs);
}

export interface LatencyRow {
  from: LatencyFrom;
  stat: LatencyStat;
  /** e.g. 'p99 (ms, intended start)', 'avg (ms, actual start · Fortio)'. */
  label: string;
  cell: (t: TenantSummary) => string;
}

/** Rows for a table with a column per variant: the intended-start figures, then the actual-start ones. */
export function latencyRows(stats: Record<LatencyFrom, LatencyStat[]>): LatencyRow[] {
  return (['intended', 'actual'] as const).flatMap((from) =>
    stats[from].map((stat) => ({
      from,
      stat,
      label: `${STAT[stat].label} (ms, ${LATENCY_FROM[from]})`,
      cell: (t: TenantSummary) => fmtLatency(t, from, stat),
    })),
  );
}
