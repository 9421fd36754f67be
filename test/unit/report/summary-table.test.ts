import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildErrorTable } from '../../../src/report/error-table.ts';
import { escapeMarkdown } from '../../../src/report/escape.ts';
import { buildReportHtml } from '../../../src/report/html.ts';
import { buildReporterInput } from '../../../src/report/index.ts';
import { buildSummaryMarkdown } from '../../../src/report/markdown.ts';
import {
  buildSummaryTable,
  compactSummaryTable,
  longSummaryTables,
  tenantBlockRows,
} from '../../../src/report/summary-table.ts';
import { formatSummaryTable } from '../../../src/report/tables.ts';
import { buildWaypointTable } from '../../../src/report/waypoint-table.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

const result: RunResult = JSON.parse(
  readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'),
);
const input = buildReporterInput(result);
const repeated = buildReporterInput(buildSampleResult({ repeats: 3, id: 'sample-r3' }));

const FULL_LABELS = [
  'requests',
  ...['intended start', 'actual start · Fortio'].flatMap((from) =>
    ['avg', 'p50', 'p90', 'p99', 'p99.9', 'max'].map((s) => `${s} (ms, ${from})`),
  ),
  'errors',
  'rps',
  'schedule lag p99 (ms)',
  'waypoint CPU (cores)',
  'waypoint CPU ms / 1k ok',
];

describe('the summary table model', () => {
  it('has a row per figure, a block per tenant and a column per variant, in summary order', () => {
    const t = buildSummaryTable(input.summary);
    expect(t.rows.map((r) => r.label)).toEqual(FULL_LABELS);
    expect(t.tenants.map((b) => [b.tenant, b.columns.map((c) => c.variant)])).toEqual([
      ['ns-1', ['dedicated', 'shared']],
      ['ns-2', ['dedicated', 'shared']],
    ]);
    const shared2 = t.tenants[1].columns[1];
    expect(shared2.cells).toHaveLength(FULL_LABELS.length);
    expect(shared2.cells![FULL_LABELS.indexOf('errors')]).toBe('32.71%');
    expect(t.failures).toEqual([]);
  });

  it('the compact rows are the terminal table', () => {
    const t = compactSummaryTable(buildSummaryTable(input.summary));
    expect(t.rows.map((r) => r.label)).toEqual([
      ...['intended start', 'actual start · Fortio'].flatMap((from) =>
        ['avg', 'p50', 'p99'].map((s) => `${s} (ms, ${from})`),
      ),
      'errors',
      'rps',
      'waypoint CPU (cores)',
      'waypoint CPU ms / 1k ok',
    ]);
    const text = formatSummaryTable(input.summary);
    for (const b of t.tenants) {
      for (const [label, ...cells] of tenantBlockRows(t, b.columns)) {
        expect(text).toMatch(
          new RegExp(`\\n  ${label.replace(/[()·.]/g, '\\$&')}\\s+${cells.join('\\s+')}\\n`),
        );
      }
    }
  });

  it('adds the skipped row only when some request was never sent', () => {
    const r = structuredClone(result);
    r.variants[1].tenants[0].load.outcomes.skipped = 12;
    const t = buildSummaryTable(buildReporterInput(r).summary);
    expect(t.rows.map((x) => x.label)).toEqual([
      ...FULL_LABELS.slice(0, 14),
      'not sent (skipped)',
      ...FULL_LABELS.slice(14),
    ]);
    expect(t.rows.find((x) => x.label === 'not sent (skipped)')?.compact).toBe(true);
    expect(t.tenants[0].columns.map((c) => c.cells![14])).toEqual(['0', '12']);
  });

  it('a tenant a variant did not measure has no cells, and shows as not measured in every layout', () => {
    const r = structuredClone(result);
    r.variants[0].tenants.splice(1, 1);
    const t = buildSummaryTable(buildReporterInput(r).summary);
    const ns2 = t.tenants[1].columns;
    expect(ns2[0].cells).toBeUndefined();
    expect(tenantBlockRows(t, ns2).every((row) => row[1] === 'not measured')).toBe(true);
    const long = longSummaryTables(t);
    expect(long.latency.rows).toContainEqual(['ns-2', 'dedicated', 'not measured', '', '', '', '', '', '']);
    expect(long.figures.rows).toContainEqual(['ns-2', 'dedicated', 'not measured', '', '', '', '', '']);
  });

  it('the long layout: a latency row per start, then a row per tenant × variant with the other figures', () => {
    const long = longSummaryTables(buildSummaryTable(input.summary));
    expect(long.latency.columns.map((c) => c.label)).toEqual([
      'tenant',
      'variant',
      'from',
      'avg',
      'p50',
      'p90',
      'p99',
      'p99.9',
      'max',
    ]);
    expect(long.latency.rows).toHaveLength(8);
    expect(long.figures.columns.map((c) => c.label)).toEqual([
      'tenant',
      'variant',
      'requests',
      'errors',
      'rps',
      'schedule lag p99 (ms)',
      'waypoint CPU (cores)',
      'waypoint CPU ms / 1k ok',
    ]);
    expect(long.figures.rows[3]).toEqual([
      'ns-2',
      'shared',
      '17550',
      '32.71%',
      '650 / 650',
      '6.88',
      '0.197 / 0.2',
      '—', // the sample's shared waypoint has no per-namespace counters to split its CPU by
    ]);
  });
});

describe('the three renderers agree', () => {
  it('every cell of the model shows, the same text, in the terminal (compact rows), summary.md and report.html', () => {
    const t = buildSummaryTable(repeated.summary);
    const text = formatSummaryTable(repeated.summary);
    const md = buildSummaryMarkdown(repeated);
    const html = buildReportHtml({ ...repeated, charts: [] });
    // With repeats, the spread shows on rps and schedule lag too (the terminal alone showed it on rps).
    const shared2 = t.tenants[1].columns[1].cells!;
    expect(shared2[FULL_LABELS.indexOf('rps')]).toBe('650 / 650 ±0');
    expect(shared2[FULL_LABELS.indexOf('schedule lag p99 (ms)')]).toMatch(/^\d+\.\d\d ±\d+\.\d\d$/);
    for (const { columns } of t.tenants) {
      for (const c of columns) {
        t.rows.forEach((row, i) => {
          const cell = c.cells![i];
          if (row.compact) expect(text).toContain(cell);
          expect(md).toContain(`| ${cell} |`);
          expect(html).toContain(`<td>${cell}</td>`);
        });
      }
    }
    for (const label of FULL_LABELS) expect(html).toContain(`<tr><td>${label}</td>`);
  });

  it('summary.md and report.html show the same errors and waypoint tables', () => {
    const md = buildSummaryMarkdown(input);
    // Each HTML table row as its cells' text joined by '|'.
    const htmlRows = buildReportHtml({ ...input, charts: [] })
      .match(/<tr>.*?<\/tr>/g)!
      .map((tr) => tr.replace(/<\/t[hd]><t[hd][^>]*>/g, '|').replace(/<[^>]+>/g, ''));
    for (const table of [buildErrorTable(input.summary), buildWaypointTable(input.summary)]) {
      const labels = table.columns.map((c) => c.label);
      expect(md).toContain(`| ${labels.join(' | ')} |`);
      expect(htmlRows).toContain(labels.join('|'));
      for (const row of table.rows) {
        expect(md).toContain(`| ${row.map(escapeMarkdown).join(' | ')} |`);
        expect(htmlRows).toContain(row.join('|'));
      }
    }
  });

  it('variant failures read the same in the three', () => {
    const r = structuredClone(result);
    r.variants[1].error = { code: 'PLATFORM_FAILED', message: 'boom' };
    const i = buildReporterInput(r);
    const line = 'shared repeat 1: PLATFORM_FAILED boom';
    expect(buildSummaryTable(i.summary).failures).toEqual([line]);
    expect(formatSummaryTable(i.summary)).toContain(`\n  ${line}\n`);
    expect(buildSummaryMarkdown(i)).toContain(`\n- ${escapeMarkdown(line)}\n`);
    expect(buildReportHtml({ ...i, charts: [] })).toContain(`<li>${line}</li>`);
  });
});
