import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReporterInput } from '../../../src/report/index.ts';
import { buildFortioFiles } from '../../../src/report/fortio.ts';
import { buildReportHtml } from '../../../src/report/html.ts';
import { buildJunitXml } from '../../../src/report/junit.ts';
import { buildSummaryMarkdown } from '../../../src/report/markdown.ts';
import { formatSummaryTable, formatVerdictTable } from '../../../src/report/tables.ts';
import type { RunResult } from '../../../src/result/types.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';
import { expectGolden } from './golden.ts';

const result: RunResult = JSON.parse(
  readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'),
);
const input = buildReporterInput(result);

/** The sample with a threshold nobody can meet, so failures render too. */
function withFailure(): ReturnType<typeof buildReporterInput> {
  const r = structuredClone(result);
  r.plan.thresholds.push({
    key: 'errors{variant:shared}',
    metric: 'errors',
    selector: { variant: 'shared' },
    expression: 'rate<0.01',
    lhs: { kind: 'term', term: { agg: { name: 'rate' }, selector: {} } },
    op: '<',
    value: 0.01,
    abortOnFail: false,
  });
  return buildReporterInput(r);
}

describe('writers against golden files (fixtures/golden)', () => {
  it('summary table (terminal)', () => expectGolden('summary-table.txt', formatSummaryTable(input.summary)));
  it('verdict table (terminal), with a failure', () =>
    expectGolden('verdict-table.txt', formatVerdictTable(withFailure().verdicts)));
  it('summary.md', () => expectGolden('summary.md', buildSummaryMarkdown(withFailure())));
  it('junit.xml', () => expectGolden('junit.xml', buildJunitXml(withFailure())));
  it('Fortio JSON of shared / ns-2', () => {
    const f = buildFortioFiles(result).find((x) => x.path === 'fortio/shared-ns-2.json')!;
    expectGolden('fortio-shared-ns-2.json', f.bytes);
  });
  it('summary table with repeats shows the spread', () =>
    expectGolden(
      'summary-table-repeats.txt',
      formatSummaryTable(buildReporterInput(buildSampleResult({ repeats: 3, id: 'sample-r3' })).summary),
    ));
});

describe('writer content', () => {
  it('the summary table puts dedicated and shared side by side per tenant', () => {
    const lines = formatSummaryTable(input.summary).split('\n');
    expect(lines.find((l) => l.startsWith('tenant ns-1'))).toMatch(/dedicated\s+shared/);
    expect(lines.find((l) => l.includes('errors') && /32\.\d\d%/.test(l))).toBeDefined();
  });

  it('shows both latency definitions per tenant, intended start first, then the actual start (Fortio)', () => {
    const lines = formatSummaryTable(input.summary).split('\n');
    const block = lines.slice(
      lines.findIndex((l) => l.startsWith('tenant ns-2')),
      lines.findIndex((l) => l.startsWith('tenant ns-2')) + 7,
    );
    expect(block.map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['tenant ns-2', 'dedicated', 'shared'],
      ['avg (ms, intended start)', '30.61', '45.72'],
      ['p50 (ms, intended start)', '28.67', '40.16'],
      ['p99 (ms, intended start)', '66.88', '126.2'],
      ['avg (ms, actual start · Fortio)', '30.41', '44.23'],
      ['p50 (ms, actual start · Fortio)', '28.46', '38.69'],
      ['p99 (ms, actual start · Fortio)', '66.69', '124.8'],
    ]);
    const md = buildSummaryMarkdown(input);
    expect(md).toContain(
      '| ns-2 | shared | intended start | 45.72 | 40.16 | 76.42 | 126.2 | 213.6 | 382.5 |\n' +
        '| ns-2 | shared | actual start · Fortio | 44.23 | 38.69 | 74.88 | 124.8 | 212.6 | 381.2 |',
    );
    // report.html shows the same six statistics from each start as summary.md (it used to stop at p99 for the actual start).
    const html = buildReportHtml({ ...input, charts: [] });
    const ns2 = html.slice(html.indexOf('<h3>Tenant ns-2</h3>'));
    expect(ns2).toContain(
      '<tr><td>max (ms, intended start)</td><td>206.3</td><td>382.5</td></tr>' +
        '<tr><td>avg (ms, actual start · Fortio)</td><td>30.41</td><td>44.23</td></tr>' +
        '<tr><td>p50 (ms, actual start · Fortio)</td><td>28.46</td><td>38.69</td></tr>' +
        '<tr><td>p90 (ms, actual start · Fortio)</td><td>45.05</td><td>74.88</td></tr>' +
        '<tr><td>p99 (ms, actual start · Fortio)</td><td>66.69</td><td>124.8</td></tr>' +
        '<tr><td>p99.9 (ms, actual start · Fortio)</td><td>106.0</td><td>212.6</td></tr>' +
        '<tr><td>max (ms, actual start · Fortio)</td><td>206.2</td><td>381.2</td></tr>',
    );
  });

  it('marks a partial tenant once, on its first figure', () => {
    const r = structuredClone(result);
    r.variants[1].tenants[0].load.incomplete = true;
    const i = buildReporterInput(r);
    const lines = formatSummaryTable(i.summary).split('\n');
    expect(lines.filter((l) => l.includes('(partial)'))).toEqual([
      expect.stringMatching(/^ {2}avg \(ms, intended start\)\s+30\.07\s+59\.92 \(partial\)$/),
    ]);
    // report.html marks it too (it did not), on its first figure; summary.md on the variant of each row.
    const html = buildReportHtml({ ...i, charts: [] });
    expect(html.match(/\(partial\)/g)).toHaveLength(1);
    expect(html).toContain('<tr><td>requests</td><td>17550</td><td>17550 (partial)</td></tr>');
    expect(buildSummaryMarkdown(i)).toContain('| ns-1 | shared (partial) | 17550 |');
  });

  it('shows the calibration sentence in the terminal header, summary.md and the run facts of report.html', () => {
    const r = structuredClone(result);
    r.meta.calibration = {
      method: 'scaled',
      utilization: 0.6,
      utilizationSource: 'suite',
      modelledCpuLimit: 2,
      quotaCores: 0.2,
    };
    const sentence =
      'waypoint CPU limit 2 cores at utilization 0.6 (set by the suite) → 0.2 local cores (scaled, not calibrated)';
    const i = buildReporterInput(r);
    expect(
      formatSummaryTable(i.summary, { calibration: r.meta.calibration }).split('\n').slice(0, 2),
    ).toEqual(['waypoint-sharing · run sample-0001 · local', `calibration: ${sentence}`]);
    expect(buildSummaryMarkdown(i).split('\n')[4]).toBe(`Calibration: ${sentence}.`);
    expect(buildReportHtml({ ...i, charts: [] })).toContain(`<dt>calibration</dt><dd>${sentence}</dd>`);
    // Without one (the sample), none of them mentions it.
    expect(formatSummaryTable(input.summary)).not.toContain('calibration');
    expect(buildSummaryMarkdown(input)).not.toContain('Calibration');
    expect(buildReportHtml({ ...input, charts: [] })).not.toContain('<dt>calibration</dt>');
  });

  it('requests never sent (the engine fell behind) show in every summary table, only when there are some', () => {
    expect(formatSummaryTable(input.summary)).not.toContain('not sent');
    // (The errors-by-class tables of summary.md and report.html always have the column.)
    expect(buildSummaryMarkdown(input)).not.toContain('| errors | not sent (skipped) |');
    expect(buildReportHtml({ ...input, charts: [] })).not.toContain('<td>not sent (skipped)</td>');
    const r = structuredClone(result);
    const shared = r.variants.find((v) => v.name === 'shared')!;
    shared.tenants.find((t) => t.tenant === 'ns-1')!.load.outcomes.skipped = 7042;
    const behind = buildReporterInput(r);
    const line = formatSummaryTable(behind.summary)
      .split('\n')
      .find((l) => l.includes('not sent (skipped)'));
    expect(line).toMatch(/not sent \(skipped\)\s+0\s+7042/);
    const md = buildSummaryMarkdown(behind);
    expect(md).toContain('| ns-1 | shared | 17550 | 0% | 7042 | 650 / 650 |');
    expect(md).toContain('| ns-1 | shared | — | 7042 |');
    const html = buildReportHtml({ ...behind, charts: [] });
    expect(html).toContain('<tr><td>not sent (skipped)</td><td>0</td><td>7042</td></tr>');
    expect(html).toContain(
      '<tr><td>ns-1</td><td class="l">shared</td><td class="l">—</td><td>7042</td></tr>',
    );
  });

  it('junit.xml has one test case per verdict and failures carry the actual value', () => {
    const w = withFailure();
    const xml = buildJunitXml(w);
    expect(xml.match(/<testcase /g)).toHaveLength(w.verdicts.length);
    const failed = w.verdicts.filter((v) => !v.pass);
    expect(failed).toHaveLength(1);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain(`failures="1"`);
    expect(xml).toMatch(/<failure type="threshold" message="actual 0\.3\d+ does not satisfy rate&lt;0\.01">/);
  });

  it('summary.md and report.html count verdicts in their headline, as the terminal does', () => {
    // 5 thresholds give 10 verdicts (one per variant and tenant selected): "1 of 10 thresholds" was wrong.
    const failing = withFailure();
    expect(failing.result.plan.thresholds).toHaveLength(5);
    expect(buildSummaryMarkdown(failing).split('\n')[0]).toBe(
      '## meshbench · waypoint-sharing — ❌ 1 of 10 threshold verdicts failed',
    );
    expect(buildSummaryMarkdown(input).split('\n')[0]).toBe(
      '## meshbench · waypoint-sharing — ✅ all 8 threshold verdicts passed',
    );
    expect(buildReportHtml({ ...failing, charts: [] })).toContain(
      '<div class="banner fail">1 of 10 threshold verdicts failed</div>',
    );
    expect(formatVerdictTable(failing.verdicts)).toMatch(/\n1 of 10 threshold verdicts failed\n$/);
  });

  it('writes one Fortio file per variant × tenant, with repeats in the name when there are several', () => {
    expect(buildFortioFiles(result).map((f) => f.path)).toEqual([
      'fortio/dedicated-ns-1.json',
      'fortio/dedicated-ns-2.json',
      'fortio/shared-ns-1.json',
      'fortio/shared-ns-2.json',
    ]);
    const r2 = buildFortioFiles(buildSampleResult({ repeats: 2 })).map((f) => f.path);
    expect(r2).toContain('fortio/shared-r2-ns-2.json');
    const f = JSON.parse(buildFortioFiles(result)[3].bytes);
    expect(f.RetCodes['503']).toBe(result.variants[1].tenants[1].load.outcomes.status['503']);
    expect(f.Labels).toBe('waypoint-sharing shared ns-2');
  });
});
