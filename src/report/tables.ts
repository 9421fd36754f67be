/** Terminal tables: the run summary side by side per tenant, the published figures and the verdicts (pure text). */
import type { Finding } from '../analysis/explain.ts';
import { comparePublished } from '../analysis/published.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import { describeCalibration, type LocalCalibration } from '../result/calibration.ts';
import type { Verdict } from '../result/types.ts';
import type { RunPlan } from '../suite/plan.ts';
import { PUBLISHED_COLUMNS, PUBLISHED_HEADING, publishedCells } from './published-table.ts';
import { buildSummaryTable, compactSummaryTable, tenantBlockRows } from './summary-table.ts';
import { isolationText } from './isolation-text.ts';
import { buildSearchTable, buildSweepTables, searchAnswers } from './sweep-table.ts';
import { leftColumns } from './table-model.ts';
import { escapeTerminal as esc, renderPlainTable, renderTable } from './text-table.ts';
import { VERDICT_COLUMNS, verdictCells, verdictOutcome, verdictRows } from './verdict-table.ts';

/** Dedicated vs shared (every variant) side by side, one block per tenant; the compact rows of the summary table. */
export function formatSummaryTable(
  summary: RunSummary,
  opts: { calibration?: LocalCalibration } = {},
): string {
  const variants = summary.variants;
  const repeats = Math.max(1, ...variants.map((v) => v.repeats.length));
  const head = [
    `${esc(summary.suite)} · run ${esc(summary.runId)} · ${esc(summary.platform)}` +
      (repeats > 1 ? ` · ${repeats} repeats (±sd)` : '') +
      (summary.complete ? '' : ' · INCOMPLETE'),
  ];
  if (opts.calibration) head.push(`calibration: ${esc(describeCalibration(opts.calibration))}`);
  if (variants.length === 0) return `${head.join('\n')}\n  nothing was measured\n`;
  const table = compactSummaryTable(buildSummaryTable(summary));
  const rows = table.tenants.flatMap(({ tenant, columns }) => [
    [`tenant ${esc(tenant)}`, ...columns.map((c) => esc(c.variant))],
    ...tenantBlockRows(table, columns).map(([label, ...cells]) => [`  ${esc(label)}`, ...cells.map(esc)]),
  ]);
  const notes = table.failures.map((f) => `  ${esc(f)}`);
  // The isolation line only where some variant has a score (most suites start their tenants inside the warm-up).
  const iso = isolationText(summary);
  if (iso?.any) notes.push(`${esc(iso.heading)}: ${iso.variants.map(esc).join(', ')}`);
  return [...head, renderTable(rows), ...notes, ''].join('\n');
}

/** A sweep's compact table per variant and a search's answers (terminal); '' when the run has neither. */
export function formatLoadSteps(summary: RunSummary, plan: Pick<RunPlan, 'slo'>): string {
  const out: string[] = [];
  if (summary.sweep?.length)
    for (const { variant, table } of buildSweepTables(summary.sweep, plan.slo))
      out.push(`sweep · ${esc(variant)}`, renderPlainTable(table));
  if (summary.searches?.length) {
    const t = buildSearchTable(summary.searches);
    out.push(
      'breaking-point search',
      renderPlainTable(t),
      'breaking point per variant',
      ...searchAnswers(summary).map((a) => `  ${esc(a)}`),
    );
  }
  if (summary.primaryLoad) out.push(`(${esc(summary.primaryLoad)})`);
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The suite's published figures beside this run's, under their source; '' when the plan has none. */
export function formatPublishedTable(plan: Pick<RunPlan, 'published'>, summary: RunSummary): string {
  if (!plan.published) return '';
  const rows = [
    [...PUBLISHED_COLUMNS],
    ...comparePublished(plan, summary).map((c) => publishedCells(c).map(esc)),
  ];
  return `${PUBLISHED_HEADING}\n  ${esc(plan.published.source)}\n${renderTable(rows, { indent: '  ' })}\n`;
}

/** One line per verdict: PASS/FAIL, threshold, where, the actual figure, and a note. */
export function formatVerdictTable(verdicts: readonly Verdict[]): string {
  const outcome = verdictOutcome(verdicts);
  if (outcome.status === 'none') return `${outcome.text}\n`;
  const rows = [
    VERDICT_COLUMNS.map((c) => c.label),
    ...verdictRows(verdicts).map((r) => verdictCells(r, { pass: 'PASS', fail: 'FAIL' }).map(esc)),
  ];
  return `${renderTable(rows, { left: leftColumns(VERDICT_COLUMNS) })}\n${outcome.text}\n`;
}

/** "What limited the run": one line per finding, grouped by variant (findings come in plan order). */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'What limited the run: nothing in the recorded data points to a limit\n';
  const lines = ['What limited the run'];
  let variant: string | undefined;
  for (const f of findings) {
    if (f.variant !== variant) {
      variant = f.variant;
      lines.push(`  ${esc(variant)}`);
    }
    const repeat = f.repeat === undefined ? '' : `repeat ${f.repeat}: `;
    lines.push(`    ${f.severity.padEnd(7)}  ${repeat}${esc(f.text)}`);
  }
  return `${lines.join('\n')}\n`;
}
