/**
 * report.html: self-contained and readable offline (charts as data: URIs, inline CSS, no script).
 * Every text from the result goes through escapeHtml; a CSP forbids scripts as a second fence.
 */
import { type Finding, explainRun } from '../analysis/explain.ts';
import { comparePublished } from '../analysis/published.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import type { RunResult, Verdict } from '../result/types.ts';
import type { RenderedChart } from './charts/render.ts';
import { buildErrorTable } from './error-table.ts';
import { alignClass, chartFigure, htmlTable, PAGE_CSS, pageHead } from './html-page.ts';
import { escapeHtml as h } from './escape.ts';
import { PUBLISHED_COLUMNS, PUBLISHED_HEADING, publishedCells } from './published-table.ts';
import { runFacts } from './run-facts.ts';
import { buildSummaryTable, type SummaryTable, tenantBlockRows } from './summary-table.ts';
import { left, right } from './table-model.ts';
import { VERDICT_COLUMNS, verdictOutcome, verdictRows } from './verdict-table.ts';
import { buildAgentTable } from './agent-table.ts';
import { isolationText } from './isolation-text.ts';
import { buildSearchTable, buildSweepTables, searchAnswers } from './sweep-table.ts';
import { buildWaypointTable } from './waypoint-table.ts';

const BANNER_CLASS = { none: 'warn', pass: 'pass', fail: 'fail' } as const;

/** A table per tenant, a column per variant. */
function tenantTables(table: SummaryTable): string {
  return table.tenants
    .map(({ tenant, columns }) => {
      const t = {
        columns: [left(tenant), ...columns.map((c) => right(c.variant))],
        rows: tenantBlockRows(table, columns),
      };
      return `<h3>Tenant ${h(tenant)}</h3>\n${htmlTable(t, ' class="tenant"')}`;
    })
    .join('\n');
}

/** The suite's published figures beside this run's, under their source; '' when the plan has none. */
function publishedSection(result: RunResult, summary: RunSummary): string {
  const published = result.plan.published;
  if (!published) return '';
  const head = PUBLISHED_COLUMNS.map((c, i) => `<th${i === 0 ? ' class="l"' : ''}>${h(c)}</th>`).join('');
  const rows = comparePublished(result.plan, summary).map(
    (c) =>
      `<tr>${publishedCells(c)
        .map((x, i) => `<td${i === 0 ? ' class="l"' : ''}>${h(x)}</td>`)
        .join('')}</tr>`,
  );
  return `<h2 id="published">${h(PUBLISHED_HEADING)}</h2>\n<p class="muted">${h(published.source)}</p>\n<table id="published-figures"><tr>${head}</tr>${rows.join('')}</table>\n`;
}

/** "What limited the run": the findings per variant, limits first. */
function findingsSection(findings: readonly Finding[], summary: RunSummary): string {
  if (findings.length === 0) return '<p class="muted">Nothing in the recorded data points to a limit.</p>';
  return summary.variants
    .map((v) => {
      const items = findings
        .filter((f) => f.variant === v.name)
        .map(
          (f) =>
            `<li><span class="sev ${h(f.severity)}">${h(f.severity)}</span>` +
            `${f.repeat === undefined ? '' : `repeat ${h(f.repeat)}: `}${h(f.text)}</li>`,
        );
      return items.length ? `<h3>${h(v.name)}</h3>\n<ul class="findings">${items.join('')}</ul>` : '';
    })
    .filter(Boolean)
    .join('\n');
}

function verdictTable(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return '<p class="muted">This suite has no thresholds.</p>';
  const head = VERDICT_COLUMNS.map((c, i) => `<th${alignClass(VERDICT_COLUMNS, i)}>${h(c.label)}</th>`);
  const rows = verdictRows(verdicts).map(
    (v) =>
      `<tr class="${v.pass ? 'pass' : 'fail'}"><td>${v.pass ? 'PASS' : 'FAIL'}</td><td class="l"><code>${h(v.key)}</code>: <code>${h(v.expression)}</code></td>` +
      `<td class="l">${h(v.variant)}</td><td class="l">${h(v.tenant)}</td><td>${h(v.actual)}</td><td class="l">${h(v.note)}</td></tr>`,
  );
  return `<table id="verdicts"><tr>${head.join('')}</tr>${rows.join('')}</table>`;
}

function waypointTable(summary: RunSummary): string {
  const t = buildWaypointTable(summary);
  return t.rows.length ? htmlTable(t) : '<p class="muted">No waypoint was sampled.</p>';
}

function errorTable(summary: RunSummary): string {
  const t = buildErrorTable(summary);
  return t.rows.length ? htmlTable(t) : '<p class="muted">No errors.</p>';
}

/** The variants' isolation scores side by side, with the window and method. */
function isolationSection(summary: RunSummary): string {
  const iso = isolationText(summary);
  if (!iso) return '';
  const items = iso.variants.map((v) => `<li>${h(v)}</li>`).join('');
  return `<h2 id="isolation">Isolation</h2>\n<p>${h(iso.heading)}:</p><ul>${items}</ul>${iso.method ? `<p class="muted">${h(iso.method)}.</p>` : ''}\n`;
}

/** A sweep's tables per variant and a search's probes with its answers, when the run has them. */
function loadStepsSection(result: RunResult, summary: RunSummary): string {
  const parts: string[] = [];
  if (summary.primaryLoad) parts.push(`<p class="muted">${h(summary.primaryLoad)}.</p>`);
  if (summary.sweep?.length) {
    parts.push('<h2 id="sweep">Sweep: every variant against offered load</h2>');
    for (const { variant, table } of buildSweepTables(summary.sweep, result.plan.slo))
      parts.push(`<h3>${h(variant)}</h3>`, htmlTable(table));
  }
  if (summary.searches?.length) {
    const slo = result.plan.search?.slo;
    parts.push(
      '<h2 id="search">Breaking point</h2>',
      slo
        ? `<p>The highest offered load per tenant at which every tenant met the SLO (p99 ≤ ${h(String(slo.p99Ms))} ms from intended start, errors ≤ ${h(String(slo.errors * 100))}%):</p>`
        : '',
      `<ul>${searchAnswers(summary)
        .map((a) => `<li>${h(a)}</li>`)
        .join('')}</ul>`,
      htmlTable(buildSearchTable(summary.searches)),
    );
  }
  return parts.length ? `${parts.join('\n')}\n` : '';
}

/** Per-agent rows, only when a tenant's load was spread over several agents. */
function agentSection(result: RunResult): string {
  const t = buildAgentTable(result);
  return t.rows.length ? `<h2>Load agents</h2>\n${htmlTable(t)}` : '';
}

export function buildReportHtml(input: {
  result: RunResult;
  summary: RunSummary;
  verdicts: Verdict[];
  charts: RenderedChart[];
}): string {
  const { result, summary, verdicts, charts } = input;
  const f = runFacts(result);
  const outcome = verdictOutcome(verdicts);
  const banner = `<div class="banner ${BANNER_CLASS[outcome.status]}">${h(outcome.text.charAt(0).toUpperCase() + outcome.text.slice(1))}</div>`;
  const table = buildSummaryTable(summary);
  const meta: Array<[string, string | undefined]> = [
    ['run', f.id],
    ['platform', f.platform],
    ['started', f.startedAt],
    ['ended', f.endedAt],
    ['complete', f.complete ? 'yes' : `no${f.abort ? ` (${f.abort})` : ''}`],
    ['git', f.git],
    ['machine', f.machine],
    ['versions', f.versions],
    ['load', f.load],
    ['stagger', f.stagger],
    ['waypoint envelope', f.waypoint],
    ['calibration', f.calibration],
    ['repeats', String(f.repeats)],
    ['command', `meshbench ${result.meta.command.join(' ')}`],
  ];
  const figures = charts.map(chartFigure);
  const variantErrors = table.failures.map((e) => `<li>${h(e)}</li>`);
  return `${pageHead(`meshbench · ${h(f.suite)} · ${h(f.id)}`, PAGE_CSS)}
<body>
<main>
<h1 id="suite">${h(f.suite)}</h1>
<p class="muted">${h(f.description)}</p>
${banner}
${f.complete ? '' : `<div class="banner warn">Incomplete run${f.abort ? `: ${h(f.abort)}` : ''} — the figures cover what was measured.</div>`}
${loadStepsSection(result, summary)}<h2>Summary per tenant</h2>
${tenantTables(table)}
${publishedSection(result, summary)}${isolationSection(summary)}<h2 id="why">What limited the run</h2>
${findingsSection(explainRun(result, summary), summary)}
<h2>Thresholds</h2>
${verdictTable(verdicts)}
<h2>Charts</h2>
${figures.join('\n') || '<p class="muted">No charts.</p>'}
<h2>Waypoints</h2>
${waypointTable(summary)}
<h2>Errors</h2>
${errorTable(summary)}
${agentSection(result)}
${variantErrors.length ? `<h2>Variant failures</h2><ul>${variantErrors.join('')}</ul>` : ''}
<h2>Run</h2>
<dl>${meta
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`)
    .join('')}</dl>
${f.notes.length ? `<h3>Notes</h3><ul>${f.notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul>` : ''}
<p class="muted">Latency covers successful requests, measured two ways: from each request's intended start (coordinated-omission free: time spent waiting behind the schedule counts) and from its actual start, as Fortio measures (that wait does not count). Errors are non-2xx responses and socket errors.</p>
</main>
</body>
</html>
`;
}
