import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Finding, explainRun } from '../../../src/analysis/explain.ts';
import { buildReportHtml } from '../../../src/report/html.ts';
import { buildReporterInput } from '../../../src/report/index.ts';
import { buildSummaryMarkdown } from '../../../src/report/markdown.ts';
import { formatFindings } from '../../../src/report/tables.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult, renameForDisplay } from '../analysis/build-sample-result.ts';

const result: RunResult = JSON.parse(
  readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'),
);
const input = buildReporterInput(result);

describe('"What limited the run" in every output', () => {
  it('summary.md: after the waypoint table, before the thresholds, limits marked', () => {
    const md = buildSummaryMarkdown(input);
    const at = (s: string) => md.indexOf(s);
    expect(at('### Waypoints')).toBeLessThan(at('### What limited the run'));
    expect(at('### What limited the run')).toBeLessThan(at('### Thresholds'));
    expect(md).toContain(
      '- **limit**: 5,368 requests of ns-2 answered 503 with upstream overflow (30.6% of its requests)\n',
    );
  });

  it('report.html: after the tables per tenant, before the thresholds, one list per variant', () => {
    const html = buildReportHtml({ ...input, charts: [] });
    const why = html.indexOf('<h2 id="why">What limited the run</h2>');
    expect(why).toBeGreaterThan(html.indexOf('<h2>Summary per tenant</h2>'));
    expect(why).toBeLessThan(html.indexOf('<h2>Thresholds</h2>'));
    expect(html).toContain(
      '<h3>shared</h3>\n<ul class="findings"><li><span class="sev limit">limit</span>shared waypoint ns-1/waypoint reached its CPU limit',
    );
    expect(html.match(/<li><span class="sev /g)).toHaveLength(explainRun(result, input.summary).length);
  });

  it('terminal: grouped by variant, severity first', () => {
    expect(formatFindings(explainRun(result, input.summary))).toBe(
      [
        'What limited the run',
        '  dedicated',
        '    info     dedicated waypoints stayed below their CPU limit: ns-1/waypoint at most 0.115 of 0.2 cores (throttled in 0% of periods) and ns-2/waypoint at most 0.115 of 0.2 cores (throttled in 0% of periods)',
        '  shared',
        '    limit    shared waypoint ns-1/waypoint reached its CPU limit (0.2 cores) at t=4.0 s (throttled in 69.3% of periods from then on) and its connection limit at t=4.0 s',
        '    limit    5,368 requests of ns-2 answered 503 with upstream overflow (30.6% of its requests)',
        '    warning  ns-2: 191 timeouts (1.1%) and 181 connection resets (1.0%)',
        '',
      ].join('\n'),
    );
    const repeated: Finding = { variant: 'v', repeat: 2, rule: 'cpu-limit', severity: 'limit', text: 'x' };
    expect(formatFindings([repeated])).toBe('What limited the run\n  v\n    limit    repeat 2: x\n');
    expect(formatFindings([])).toBe('What limited the run: nothing in the recorded data points to a limit\n');
  });

  it('escapes names from the result in each output', () => {
    const evil = 't"<img src=x onerror=alert(1)>&\x1b[31m';
    const hostile = buildReporterInput(renameForDisplay(buildSampleResult(), { tenant: ['ns-2', evil] }));
    const findings = explainRun(hostile.result, hostile.summary);
    expect(findings.some((f) => f.text.includes(evil))).toBe(true);
    const md = buildSummaryMarkdown(hostile);
    expect(md).not.toContain('<img');
    expect(md).not.toContain('\x1b');
    const html = buildReportHtml({ ...hostile, charts: [] });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('requests of t&quot;&lt;img src=x onerror=alert(1)&gt;&amp;');
    const text = formatFindings(findings);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('?[31m');
  });
});
