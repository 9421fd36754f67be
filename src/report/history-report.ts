/**
 * A history's reports (pure): history.md, history.html (self-contained like report.html: charts as data:
 * URIs, inline CSS, no script, a CSP), the charts' specs and the terminal table of changes. Every name
 * from a result is data: escaped for the medium it lands in.
 */
import type { Plugin } from 'chart.js';
import { HISTORY_METRICS, type HistoryMetric, type HistoryReport, seriesLabel } from '../analysis/history.ts';
import { base, type ChartSpec, PALETTE, VARIANT_DASH } from './charts/chart-style.ts';
import type { RenderedChart } from './charts/render.ts';
import { markersPlugin } from './charts/specs.ts';
import { chartFigure, pageHead } from './html-page.ts';
import { escapeHtml as h, escapeMarkdown as md } from './escape.ts';
import { fmtActual } from './format.ts';
import { left, type PlainTable, right } from './table-model.ts';
import { escapeTerminal as esc, renderTable } from './text-table.ts';

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

/** Every series: how many runs it covers, its newest and median figure, and its change points. */
export function historySeriesTable(report: HistoryReport): PlainTable {
  const median = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
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

function method(report: HistoryReport): string {
  const o = report.options;
  return `E-divisive means with a permutation test (${o.permutations} permutations, seed ${o.seed}); a change is reported when p < ${o.significance} and the medians either side differ by at least ${(o.minChange * 100).toFixed(0)}% (error rate: and by 0.5 points); at least ${o.minSamples} samples (runs, or their repeats) on each side`;
}

export function formatHistoryTable(report: HistoryReport): string {
  const t = historyChangeTable(report);
  const head = `${esc(report.suite)}: ${report.runs.length} runs, ${report.series.length} series, ${t.rows.length} change point(s)`;
  if (t.rows.length === 0) return `${head}\n`;
  const rows = [t.columns.map((c) => c.label), ...t.rows.map((r) => r.map(esc))];
  return `${head}\n${renderTable(rows, { indent: '  ', left: t.columns.flatMap((c, i) => (c.align === 'left' ? [i] : [])) })}\n`;
}

export function buildHistoryMarkdown(report: HistoryReport): string {
  const t = historyChangeTable(report);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
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
  else
    lines.push(
      row(t.columns.map((c) => md(c.label))),
      row(t.columns.map((c) => (c.align === 'left' ? '---' : '---:'))),
      ...t.rows.map((r) => row(r.map(md))),
    );
  lines.push(
    '',
    '### Runs',
    '',
    row(['run', 'started', 'git', 'platform']),
    row(['---', '---', '---', '---']),
  );
  for (const r of report.runs) lines.push(row([md(r.id), md(r.startedAt), md(r.git ?? ''), md(r.platform)]));
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

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:16px 0}
.pass{background:#e6f4ea;color:#0b6e2e}.fail{background:#fdecea;color:#a50e0e}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child,td.l,th.l{text-align:left}
td:first-child,td.l{white-space:normal}
th{background:#f0f0f2}
figure{margin:16px 0;background:#fff;border:1px solid #ddd;padding:8px;display:inline-block}
figure img{max-width:100%;height:auto;display:block}
figcaption{color:#555;margin-top:4px}
.muted{color:#666}
`;

function htmlTable(t: PlainTable, id?: string): string {
  const cls = (i: number) => (i > 0 && t.columns[i].align === 'left' ? ' class="l"' : '');
  const head = t.columns.map((c, i) => `<th${cls(i)}>${h(c.label)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((x, i) => `<td${cls(i)}>${h(x)}</td>`).join('')}</tr>`);
  return `<table${id ? ` id="${id}"` : ''}><tr>${head}</tr>${rows.join('')}</table>`;
}

export function buildHistoryHtml(report: HistoryReport, charts: readonly RenderedChart[]): string {
  const changes = historyChangeTable(report);
  const runs: PlainTable = {
    columns: [left('run'), left('started'), left('git'), left('platform')],
    rows: report.runs.map((r) => [r.id, r.startedAt, r.git ?? '', r.platform]),
  };
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
${changes.rows.length ? htmlTable(changes, 'changes') : '<p class="muted">None.</p>'}
<h2>Charts</h2>
${figures.join('\n') || '<p class="muted">No charts.</p>'}
<h2>Series</h2>
${htmlTable(historySeriesTable(report), 'series')}
<h2>Runs</h2>
${htmlTable(runs, 'runs')}
<p class="muted">${h(method(report))}.</p>
</main>
</body>
</html>
`;
}
