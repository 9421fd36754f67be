/**
 * A history's reports (pure): history.md, history.html (self-contained like report.html: charts as data:
 * URIs, inline CSS, no script, a CSP), the charts' specs and the terminal table of changes. Every name
 * from a result is data: escaped for the medium it lands in.
 */
import type { Plugin } from 'chart.js';
import { median } from '../analysis/change-points.ts';
import {
  HISTORY_METRICS,
  type HistoryChange,
  type HistoryMetric,
  type HistoryReport,
  type HistorySeries,
  seriesLabel,
} from '../analysis/history.ts';
import { base, type ChartSpec, PALETTE, VARIANT_DASH } from './charts/chart-style.ts';
import type { RenderedChart } from './charts/render.ts';
import { markersPlugin } from './charts/specs.ts';
import { chartFigure, htmlTable, PAGE_CSS, pageHead } from './html-page.ts';
import { escapeHtml as h, escapeMarkdown as md } from './escape.ts';
import { fmtActual } from './format.ts';
import { left, type PlainTable, right } from './table-model.ts';
import { escapeTerminal as esc, renderPlainTable } from './text-table.ts';
import { markdownTable } from './markdown.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : 'from 0');
const fig = (metric: HistoryMetric, x: number) =>
  metric === 'errors.rate' ? `${(x * 100).toFixed(2)}%` : fmtActual(Number(x.toPrecision(4)));

/** Every change point of every series: where, how large, how sure, and whether it is a regression. */
export function historyChangeTable(report: HistoryReport): PlainTable {
  const when = (id: string) => report.runs.find((r) => r.id === id);
  return {
    columns: [
      left('series'),
      left('first run after'),
      left('when'),
      left('git'),
      right('median before'),
      right('median after'),
      right('change'),
      right('p'),
      left('kind'),
    ],
    rows: report.series.flatMap((s) =>
      s.changes.map((c) => [
        seriesLabel(s),
        `${c.runId} (after ${c.previousRunId})`,
        (when(c.runId)?.startedAt ?? '').replace(/:\d\d\.\d+Z$/, 'Z').replace('T', ' '),
        when(c.runId)?.git ?? '',
        fig(s.metric, c.before),
        fig(s.metric, c.after),
        pct(c.change),
        c.pValue.toFixed(3),
        c.regression ? 'regression' : 'improvement',
      ]),
    ),
  };
}

/** The runs in time order. */
function historyRunsTable(report: HistoryReport): PlainTable {
  return {
    columns: [left('run'), left('started'), left('git'), left('platform')],
    rows: report.runs.map((r) => [r.id, r.startedAt, r.git ?? '', r.platform]),
  };
}

/** Every series: how many runs it covers, its newest and median figure, and its change points. */
export function historySeriesTable(report: HistoryReport): PlainTable {
  return {
    columns: [left('series'), right('runs'), right('newest'), right('median'), right('change points')],
    rows: report.series.map((s) => [
      seriesLabel(s),
      String(s.points.length),
      s.points.length ? fig(s.metric, s.points[s.points.length - 1].value) : '—',
      s.points.length ? fig(s.metric, median(s.points.map((p) => p.value))) : '—',
      String(s.changes.length),
    ]),
  };
}

/** "p99 latency … · shared · ns-1: median 110.5 → 2439 (+2108.1%, p 0.003) since run 3ecf74" (unescaped). */
export function describeChange(series: HistorySeries, change: HistoryChange): string {
  return `${seriesLabel(series)}: median ${change.before.toPrecision(4)} → ${change.after.toPrecision(4)} (${pct(change.change)}, p ${change.pValue.toFixed(3)}) since run ${change.runId}`;
}

function method(report: HistoryReport): string {
  const o = report.options;
  return `E-divisive means with a permutation test (${o.permutations} permutations, seed ${o.seed}); a change is reported when p < ${o.significance} and the medians either side differ by at least ${(o.minChange * 100).toFixed(0)}% (error rate: and by 0.5 points); at least ${o.minSamples} samples (runs, or their repeats) on each side`;
}

export function formatHistoryTable(report: HistoryReport): string {
  const t = historyChangeTable(report);
  const head = `${esc(report.suite)}: ${report.runs.length} runs, ${report.series.length} series, ${t.rows.length} change point(s)`;
  if (t.rows.length === 0) return `${head}\n`;
  return `${head}\n${renderPlainTable(t)}\n`;
}

export function buildHistoryMarkdown(report: HistoryReport): string {
  const t = historyChangeTable(report);
  const lines = [
    `## meshbench history · ${md(report.suite)}`,
    '',
    `${report.runs.length} runs from ${md(report.runs[0]?.startedAt ?? '')} to ${md(report.runs.at(-1)?.startedAt ?? '')}; ${report.series.length} series (metric × variant × tenant).`,
    '',
    report.regressions.length
      ? `**${report.regressions.length} series regressed and the newest run still shows it.**`
      : 'No series is in a regression at the newest run.',
    '',
    '### Change points',
    '',
  ];
  if (t.rows.length === 0) lines.push('None.');
  else lines.push(...markdownTable(t));
  lines.push('', '### Runs', '', ...markdownTable(historyRunsTable(report)));
  lines.push('', `Method: ${md(method(report))}.`, '');
  return lines.join('\n');
}

/** One chart per metric: a line per variant × tenant, each change point marked, run ids on the x axis. */
export function buildHistoryChartSpecs(report: HistoryReport): ChartSpec[] {
  const metrics = [...new Set(report.series.map((s) => s.metric))];
  const variants = [...new Set(report.series.map((s) => s.variant))];
  const tenants = [...new Set(report.series.flatMap((s) => (s.tenant === undefined ? [] : [s.tenant])))];
  const ids = report.runs.map((r) => r.id);
  return metrics.map((metric) => {
    const mine = report.series.filter((s) => s.metric === metric);
    const title = `${HISTORY_METRICS[metric].label} over ${ids.length} runs`;
    const datasets = mine.map((s) => {
      const color =
        PALETTE[Math.max(0, s.tenant === undefined ? 0 : tenants.indexOf(s.tenant)) % PALETTE.length];
      return {
        label: [s.variant, ...(s.tenant === undefined ? [] : [s.tenant])].join(' · '),
        data: s.points.map((p) => ({ x: p.run, y: metric === 'errors.rate' ? p.value * 100 : p.value })),
        borderColor: color,
        backgroundColor: color,
        borderDash: VARIANT_DASH[variants.indexOf(s.variant) % VARIANT_DASH.length],
        pointRadius: 3,
        borderWidth: 2,
      };
    });
    // A marker between the last run before and the first after each change.
    const markers = mine.flatMap((s) =>
      s.changes.map((c) => ({
        x: s.points[c.index].run - 0.5,
        label: `${[s.variant, s.tenant].filter(Boolean).join(' ')} ${pct(c.change)} (p ${c.pValue.toFixed(3)})`,
      })),
    );
    const options = base(
      title,
      'run',
      metric === 'errors.rate' ? 'errors (%)' : HISTORY_METRICS[metric].label,
    );
    return {
      file: `history-${metric.replace(/[^a-z0-9]+/gi, '-')}.png`,
      title,
      width: 1000,
      height: 440,
      config: {
        type: 'line',
        data: { datasets: datasets as never },
        options: {
          ...options,
          scales: {
            ...options.scales,
            x: {
              type: 'linear',
              min: 0,
              max: Math.max(1, ids.length - 1),
              // Half a run of room at each end, so the first and last points and a change at either show.
              offset: true,
              title: { display: true, text: 'run' },
              ticks: {
                stepSize: 1,
                autoSkip: true,
                maxRotation: 60,
                minRotation: 60,
                // The run id under its point (chart text is drawn on a canvas, never parsed as markup).
                callback: (v: number | string) => (Number.isInteger(Number(v)) ? (ids[Number(v)] ?? '') : ''),
              },
            },
          },
          plugins: { ...options.plugins, meshbenchMarkers: { markers } } as never,
        } as never,
        plugins: [markersPlugin as Plugin],
      },
    };
  });
}

/** The report's stylesheet; long series names wrap in the first column too. */
const CSS = `${PAGE_CSS}td:first-child{white-space:normal}\n`;

export function buildHistoryHtml(report: HistoryReport, charts: readonly RenderedChart[]): string {
  const changes = historyChangeTable(report);
  const banner = report.regressions.length
    ? `<div class="banner fail">${h(report.regressions.length)} series regressed and the newest run still shows it</div>`
    : '<div class="banner pass">No series is in a regression at the newest run</div>';
  const figures = charts.map(chartFigure);
  return `${pageHead(`meshbench history · ${h(report.suite)}`, CSS)}
<body>
<main>
<h1 id="suite">${h(report.suite)}</h1>
<p class="muted">${h(report.runs.length)} runs, ${h(report.series.length)} series (metric × variant × tenant)</p>
${banner}
<h2>Change points</h2>
${changes.rows.length ? htmlTable(changes, ' id="changes"') : '<p class="muted">None.</p>'}
<h2>Charts</h2>
${figures.join('\n') || '<p class="muted">No charts.</p>'}
<h2>Series</h2>
${htmlTable(historySeriesTable(report), ' id="series"')}
<h2>Runs</h2>
${htmlTable(historyRunsTable(report), ' id="runs"')}
<p class="muted">${h(method(report))}.</p>
</main>
</body>
</html>
`;
}
