import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, escapeXml, fileSafe } from '../../../src/report/escape.ts';
import { buildFortioFiles } from '../../../src/report/fortio.ts';
import { buildReportHtml } from '../../../src/report/html.ts';
import { buildReporterInput } from '../../../src/report/index.ts';
import { buildJunitXml } from '../../../src/report/junit.ts';
import { buildSummaryMarkdown } from '../../../src/report/markdown.ts';
import { formatSummaryTable, formatVerdictTable } from '../../../src/report/tables.ts';
import { buildSampleResult, renameForDisplay } from '../analysis/build-sample-result.ts';

const EVIL = '<img src=x onerror=alert(1)>';
const result = renameForDisplay(buildSampleResult(), {
  suite: `suite ${EVIL}`,
  tenant: ['ns-2', `t"${EVIL}&\x1b[31m`],
});
result.meta.notes.push(`note ${EVIL}`);
result.variants[1].error = { code: 'PLATFORM_FAILED', message: `</td><script>alert(2)</script>` };
const input = buildReporterInput(result);

describe('escaping of names from result.json', () => {
  it('escape helpers', () => {
    expect(escapeHtml(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    expect(escapeXml('a\x00b\x1b<')).toBe('ab&lt;');
    // issue 11: report.html passed control bytes through.
    expect(escapeHtml('ns\x1b[31m-1\x00\x7f\tx\n')).toBe('ns[31m-1\tx\n');
    expect(escapeMarkdown('a|b*c_<i>')).toBe('a\\|b\\*c\\_&lt;i&gt;');
    // Entities it writes are never escaped again (the apostrophe stays an apostrophe).
    expect(escapeMarkdown("ns-1's #1 & co")).toBe("ns-1's \\#1 &amp; co");
    expect(fileSafe('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(fileSafe('..')).toBe('_');
  });

  it('report.html carries the hostile names only as text', () => {
    const html = buildReportHtml({ ...input, charts: [] });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;script&gt;');
    // The only tags are ours: no script anywhere, and a CSP that forbids it anyway.
    expect(html).toContain("default-src 'none'");
  });

  it('summary.md, junit.xml and the terminal tables escape them too', () => {
    const md = buildSummaryMarkdown(input);
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const xml = buildJunitXml(input);
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('\x1b');
    const text = formatSummaryTable(input.summary) + formatVerdictTable(input.verdicts);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('?[31m');
  });

  it('Fortio file names stay inside fortio/', () => {
    for (const f of buildFortioFiles(result)) expect(f.path).toMatch(/^fortio\/[A-Za-z0-9._-]+\.json$/);
  });
});

describe('escapeMarkdown control bytes', () => {
  it('drops terminal escape bytes from Markdown', () => {
    expect(escapeMarkdown('ns\x1b[31m\x07x')).toBe('ns\\[31mx');
  });
});
