/** summary.md: a CI step summary or PR comment (pure). */
import { type Finding, explainRun } from '../analysis/explain.ts';
import { comparePublished } from '../analysis/published.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import type { RunResult, Verdict } from '../result/types.ts';
import { buildErrorTable } from './error-table.ts';
import { escapeMarkdown as md } from './escape.ts';
import { LATENCY_FROM } from './latency-rows.ts';
import { PUBLISHED_COLUMNS, PUBLISHED_HEADING, publishedCells } from './published-table.ts';
import { runFacts } from './run-facts.ts';
import { buildSummaryTable, longSummaryTables } from './summary-table.ts';
import type { PlainTable } from './table-model.ts';
import { VERDICT_COLUMNS, verdictCells, verdictOutcome, verdictRows } from './verdict-table.ts';
import { buildAgentTable } from './agent-table.ts';
import { isolationText } from './isolation-text.ts';
import { buildSearchTable, buildSweepTables, searchAnswers } from './sweep-table.ts';
import { buildWaypointTable } from './waypoint-table.ts';

const OUTCOME_MARK = { none: '', pass: '✅ ', fail: '❌ ' } as const;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Heading row, alignment row, then the rows, every cell escaped. */
export function markdownTable(t: PlainTable): string[] {
  return [
    row(t.columns.map((c) => md(c.label))),
    row(t.columns.map((c) => (c.align === 'left' ? '---' : '---:'))),
    ...t.rows.map((r) => row(r.map(md))),
  ];
}

/** "What limited the run": the findings per variant, limits first, as bullets. */
function findingLines(findings: readonly Finding[], variants: readonly string[]): string[] {
  const lines = ['', '### What limited the run', ''];
  if (findings.length === 0) return [...lines, 'Nothing in the recorded data points to a limit.'];
  for (const variant of variants) {
    const mine = findings.filter((f) => f.variant === variant);
    if (mine.length === 0) continue;
    lines.push(`**${md(variant)}**`, '');
    for (const f of mine) {
      const head = [
        f.severity === 'info' ? '' : `**${f.severity}**`,
        f.repeat === undefined ? '' : `repeat ${f.repeat}`,
      ].filter(Boolean);
      lines.push(`- ${head.length ? `${head.join(' · ')}: ` : ''}${md(f.text)}`);
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}

/** A sweep's compact table per variant, a search's answers and probes. */
function sweepLines(result: RunResult, summary: RunSummary): string[] {
  const lines: string[] = [];
  if (summary.sweep?.length) {
    lines.push('### Sweep', '');
    for (const { variant, table } of buildSweepTables(summary.sweep, result.plan.slo))
      lines.push(`**${md(variant)}**`, '', ...markdownTable(table), '');
  }
  if (summary.searches?.length) {
    lines.push('### Breaking point', '', ...searchAnswers(summary).map((a) => `- ${md(a)}`), '');
    lines.push(...markdownTable(buildSearchTable(summary.searches)), '');
  }
  return lines;
}

export function buildSummaryMarkdown(input: {
  result: RunResult;
  summary: RunSummary;
  verdicts: Verdict[];
}): string {
  const { result, summary, verdicts } = input;
  const f = runFacts(result);
  const lines: string[] = [];
  const table = buildSummaryTable(summary);
  const long = longSummaryTables(table);
  const outcome = verdictOutcome(verdicts);
  lines.push(`## meshbench · ${md(f.suite)} — ${OUTCOME_MARK[outcome.status]}${outcome.text}`, '');
  if (!f.complete)
    lines.push(
      `> **Incomplete run**${f.abort ? `: ${md(f.abort)}` : ''} — figures cover what was measured.`,
      '',
    );
  lines.push(
    `Run **${md(f.id)}** on **${md(f.platform)}**, started ${md(f.startedAt)}${f.git ? `, git ${md(f.git)}` : ''}.`,
    `Load: ${md(f.load)}; stagger: ${md(f.stagger)}.${f.repeats > 1 ? ` ${f.repeats} repeats (±sd across repeats).` : ''}`,
    ...(f.calibration ? [`Calibration: ${md(f.calibration)}.`] : []),
    '',
    ...(summary.primaryLoad ? [`_${md(summary.primaryLoad)}._`, ''] : []),
    ...sweepLines(result, summary),
    '### Latency per tenant (ms)',
    '',
    `From the **${md(LATENCY_FROM.intended)}** (when each request was due: the honest figure under load), then from the **${md(LATENCY_FROM.actual)}** (when it was sent, as Fortio measures).`,
    '',
    ...markdownTable(long.latency),
    '',
    '### Errors and rate per tenant',
    '',
    ...markdownTable(long.figures),
  );
  if (result.plan.published) {
    lines.push(
      '',
      `### ${PUBLISHED_HEADING}`,
      '',
      md(result.plan.published.source),
      '',
      row([...PUBLISHED_COLUMNS]),
      row(['---', '---:', '---:', '---:']),
      ...comparePublished(result.plan, summary).map((c) => row(publishedCells(c).map(md))),
    );
  }
  const iso = isolationText(summary);
  if (iso)
    lines.push(
      '',
      '### Isolation',
      '',
      `${md(iso.heading)}: ${iso.variants.map(md).join('; ')}.`,
      ...(iso.method ? ['', `Method: ${md(iso.method)}.`] : []),
    );
  const errorTable = buildErrorTable(summary);
  if (errorTable.rows.length) lines.push('', '### Errors by class', '', ...markdownTable(errorTable));
  const waypointTable = buildWaypointTable(summary);
  if (waypointTable.rows.length) lines.push('', '### Waypoints', '', ...markdownTable(waypointTable));
  const agentTable = buildAgentTable(result);
  if (agentTable.rows.length) lines.push('', '### Load agents', '', ...markdownTable(agentTable));
  const variantNames = summary.variants.map((v) => v.name);
  if (variantNames.length) lines.push(...findingLines(explainRun(result, summary), variantNames));
  if (verdicts.length) {
    const rows = verdictRows(verdicts).map((r) => verdictCells(r, { pass: '✅', fail: '❌' }));
    // Plain escaped text, not code spans: entities inside backticks would show literally.
    lines.push('', '### Thresholds', '', ...markdownTable({ columns: VERDICT_COLUMNS, rows }));
  }
  const failures = table.failures.map((e) => `- ${md(e)}`);
  if (failures.length) lines.push('', '### Variant failures', '', ...failures);
  lines.push('');
  return lines.join('\n');
}
