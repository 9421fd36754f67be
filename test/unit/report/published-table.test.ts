import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReportHtml } from '../../../src/report/html.ts';
import { buildReporterInput } from '../../../src/report/index.ts';
import { buildSummaryMarkdown } from '../../../src/report/markdown.ts';
import { formatPublishedTable } from '../../../src/report/tables.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { expectGolden } from './golden.ts';

const result: RunResult = JSON.parse(
  readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'),
);
const input = buildReporterInput(result);

/** The sample with other published figures: one this run did not measure, one published as 0. */
function withFigures(source: string, figures: NonNullable<RunResult['plan']['published']>['figures']) {
  const r = structuredClone(result);
  r.plan.published = { source, figures };
  return buildReporterInput(r);
}

const EVIL = '<img src=x onerror=alert(1)>';

describe('against the published figures', () => {
  it('terminal table (golden)', () =>
    expectGolden('published-table.txt', formatPublishedTable(result.plan, input.summary)));

  it('terminal: source under the heading, then figure, published, this run, ratio', () => {
    const lines = formatPublishedTable(result.plan, input.summary).split('\n');
    expect(lines[0]).toBe('Against the published figures');
    expect(lines[1]).toBe(
      '  Istio ambient waypoint study, kind + Istio 1.24, Fortio -qps 6500 -c 650 (latency from the actual start)',
    );
    expect(lines[2].trim().split(/\s{2,}/)).toEqual(['figure', 'published', 'this run', 'ratio']);
    expect(lines[6].trim().split(/\s{2,}/)).toEqual([
      'shared ns-2 errors (errors.rate)',
      '32.00%',
      '32.71%',
      '1.02×',
    ]);
  });

  it('shows "not measured" and no ratio where there is nothing to divide', () => {
    const i = withFigures('elsewhere', [
      {
        label: 'per-service ns-1',
        metric: 'latency.p50',
        variant: 'per-service',
        tenant: 'ns-1',
        value: 12.5,
      },
      { label: 'dedicated errors', metric: 'errors.rate', variant: 'dedicated', tenant: 'ns-1', value: 0 },
    ]);
    const text = formatPublishedTable(i.result.plan, i.summary);
    expect(
      text
        .split('\n')
        .slice(3, 5)
        .map((l) => l.trim().split(/\s{2,}/)),
    ).toEqual([
      ['per-service ns-1 (latency.p50)', '12.50 ms', 'not measured', '—'],
      ['dedicated errors (errors.rate)', '0%', '0%', '—'],
    ]);
    expect(buildSummaryMarkdown(i)).toContain(
      '| per-service ns-1 (latency.p50) | 12.50 ms | not measured | — |',
    );
    expect(buildReportHtml({ ...i, charts: [] })).toContain(
      '<tr><td class="l">dedicated errors (errors.rate)</td><td>0%</td><td>0%</td><td>—</td></tr>',
    );
  });

  it('summary.md: a section after the tables per tenant, the source as its first paragraph', () => {
    const md = buildSummaryMarkdown(input).split('\n');
    const at = md.indexOf('### Against the published figures');
    expect(at).toBeGreaterThan(md.indexOf('### Errors and rate per tenant'));
    expect(md.slice(at, at + 10)).toEqual([
      '### Against the published figures',
      '',
      'Istio ambient waypoint study, kind + Istio 1.24, Fortio -qps 6500 -c 650 (latency from the actual start)',
      '',
      '| figure | published | this run | ratio |',
      '| --- | ---: | ---: | ---: |',
      '| dedicated ns-1 average (latency\\_actual.avg) | 30.80 ms | 29.87 ms | 0.97× |',
      '| dedicated ns-2 average (latency\\_actual.avg) | 30.40 ms | 30.41 ms | 1.00× |',
      '| shared ns-1 average (latency\\_actual.avg) | 59.00 ms | 58.43 ms | 0.99× |',
      '| shared ns-2 errors (errors.rate) | 32.00% | 32.71% | 1.02× |',
    ]);
  });

  it('report.html: a section between the tenants and the findings, one row per figure', () => {
    const html = buildReportHtml({ ...input, charts: [] });
    const at = html.indexOf('<h2 id="published">Against the published figures</h2>');
    expect(at).toBeGreaterThan(html.indexOf('<h2>Summary per tenant</h2>'));
    expect(at).toBeLessThan(html.indexOf('<h2 id="why">'));
    expect(html).toContain(
      '<p class="muted">Istio ambient waypoint study, kind + Istio 1.24, Fortio -qps 6500 -c 650 (latency from the actual start)</p>',
    );
    expect(html).toContain(
      '<tr><th class="l">figure</th><th>published</th><th>this run</th><th>ratio</th></tr>' +
        '<tr><td class="l">dedicated ns-1 average (latency_actual.avg)</td><td>30.80 ms</td><td>29.87 ms</td><td>0.97×</td></tr>',
    );
    expect(html.match(/<table id="published-figures">.*?<\/table>/)![0].match(/<tr>/g)).toHaveLength(5);
  });

  it('nothing anywhere when the plan has no published figures', () => {
    const r = structuredClone(result);
    delete r.plan.published;
    const i = buildReporterInput(r);
    expect(formatPublishedTable(r.plan, i.summary)).toBe('');
    expect(buildSummaryMarkdown(i)).not.toContain('published');
    expect(buildReportHtml({ ...i, charts: [] })).not.toContain('published');
  });

  it('escapes the source and labels in every format', () => {
    const i = withFigures(`paper ${EVIL}\x1b[2J`, [
      { label: `x|*${EVIL}\x1b[31m`, metric: 'latency.avg', variant: 'shared', tenant: 'ns-1', value: 50 },
    ]);
    const html = buildReportHtml({ ...i, charts: [] });
    expect(html).not.toContain('<img');
    // Control bytes are dropped from HTML (issue 11), as Markdown and XML already did.
    expect(html).toContain('<p class="muted">paper &lt;img src=x onerror=alert(1)&gt;[2J</p>');
    const md = buildSummaryMarkdown(i);
    expect(md).not.toContain('<img');
    expect(md).toContain('| x\\|\\*&lt;img src=x onerror=alert(1)&gt;\\[31m (latency.avg) | 50.00 ms |');
    const text = formatPublishedTable(i.result.plan, i.summary);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('  paper <img src=x onerror=alert(1)>?[2J\n');
  });
});
