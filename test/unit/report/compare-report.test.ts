import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../../src/analysis/compare.ts';
import {
  buildCompareHtml,
  buildCompareMarkdown,
  formatComparisonTable,
} from '../../../src/report/compare-report.ts';
import { buildSampleResult, renameForDisplay } from '../analysis/build-sample-result.ts';
import { expectGolden } from './golden.ts';

const base = buildSampleResult({ id: 'base' });
const slow = buildSampleResult({ id: 'slow', seed: 7, latencyFactor: 1.3 });
const c = compareRuns(base, slow, { tolerance: 0.1 });

describe('comparison report', () => {
  it('compare.md (golden)', () => expectGolden('compare.md', buildCompareMarkdown(c)));
  it('terminal table (golden)', () => expectGolden('compare-table.txt', formatComparisonTable(c)));

  it('states the regressions in every form', () => {
    expect(c.regressions).toBeGreaterThan(0);
    expect(buildCompareMarkdown(c)).toMatch(
      /^## meshbench compare — ❌ \d+ regressions beyond 10% tolerance/,
    );
    expect(formatComparisonTable(c)).toMatch(/REGRESSION/);
    const html = buildCompareHtml(c);
    expect(html).toContain('class="banner fail"');
    expect(html.match(/<tr class="regression">/g)?.length).toBe(
      c.deltas.filter((d) => d.status === 'regression').length,
    );
  });

  it('escapes names everywhere', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const a = renameForDisplay(base, { tenant: ['ns-2', evil] });
    const b = renameForDisplay(slow, { tenant: ['ns-2', evil] });
    a.meta.id = `id ${evil}`;
    const x = compareRuns(a, b, { tolerance: 0.1 });
    expect(buildCompareHtml(x)).not.toContain('<img');
    expect(buildCompareMarkdown(x)).not.toContain('<img');
    expect(buildCompareHtml(x)).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
