/**
 * A run's figures in the formats CI benchmark trackers read (pure): github-action-benchmark's
 * `customSmallerIsBetter` / `customBiggerIsBetter` tool inputs and Bencher's metric format (BMF). One entry
 * per metric × variant × tenant, the same figures as the reports and `history` (analysis/history.ts).
 */
import { HISTORY_METRICS, type RunFigure, runFigures } from '../analysis/history.ts';
import type { RunSummary } from '../analysis/summary-types.ts';

export const EXPORT_FORMATS = ['gab', 'gab-bigger', 'bencher'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const UNIT: Record<RunFigure['metric'], string> = {
  'latency.avg': 'ms',
  'latency.p50': 'ms',
  'latency.p90': 'ms',
  'latency.p99': 'ms',
  'latency.p999': 'ms',
  'errors.rate': 'ratio',
  rps: 'req/s',
  'waypoint_cpu.avg': 'cores',
  isolation: 'ratio',
  capacity: 'req/s',
};

const name = (suite: string, f: RunFigure) =>
  [suite, f.variant, ...(f.tenant === undefined ? [] : [f.tenant]), f.metric].join(' · ');

/** github-action-benchmark: `[{ name, unit, value, range?, extra? }]`, lower (or higher) is better. */
function gab(summary: RunSummary, better: 'smaller' | 'bigger', extra: string) {
  return runFigures(summary)
    .filter((f) => (HISTORY_METRICS[f.metric].worse === 'up') === (better === 'smaller'))
    .map((f) => {
      const spread = f.samples.length > 1 ? Math.max(...f.samples) - Math.min(...f.samples) : undefined;
      return {
        name: name(summary.suite, f),
        unit: UNIT[f.metric],
        value: f.value,
        ...(spread === undefined ? {} : { range: `± ${(spread / 2).toPrecision(3)}` }),
        extra,
      };
    });
}

/**
 * Bencher Metric Format: `{ "<benchmark>": { "<measure>": { value, lower_value?, upper_value? } } }`, a
 * benchmark per suite · variant · tenant and a measure per metric (bounds: the repeats' range).
 */
function bencher(summary: RunSummary) {
  const out: Record<
    string,
    Record<string, { value: number; lower_value?: number; upper_value?: number }>
  > = {};
  for (const f of runFigures(summary)) {
    const bench = [summary.suite, f.variant, ...(f.tenant === undefined ? [] : [f.tenant])].join('/');
    const measure =
      `${f.metric.replace(/[^a-z0-9]+/gi, '-')}-${UNIT[f.metric].replace('/', '-per-')}`.toLowerCase();
    out[bench] ??= {};
    out[bench][measure] = {
      value: f.value,
      ...(f.samples.length > 1
        ? { lower_value: Math.min(...f.samples), upper_value: Math.max(...f.samples) }
        : {}),
    };
  }
  return out;
}

export function exportRun(summary: RunSummary, format: ExportFormat, meta: { git?: string }): unknown {
  const extra = `run ${summary.runId} on ${summary.platform}${meta.git ? ` at ${meta.git}` : ''}`;
  if (format === 'bencher') return bencher(summary);
  return gab(summary, format === 'gab' ? 'smaller' : 'bigger', extra);
}
