/**
 * What every self-contained page shares (pure): the head (a CSP that allows no script and no fetch, inline
 * CSS), the stylesheet, a table with every cell escaped, and a chart as a figure with its PNG inline.
 * Callers escape the title; everything else is escaped here.
 */
import type { RenderedChart } from './charts/render.ts';
import { escapeHtml as h } from './escape.ts';
import type { PlainTable, TableColumn } from './table-model.ts';

export const PAGE_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:16px 0}
.pass{background:#e6f4ea;color:#0b6e2e}.fail{background:#fdecea;color:#a50e0e}.warn{background:#fff4e5;color:#8a4b00}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}
th:first-child,td:first-child,td.l,th.l{text-align:left}
td.l{white-space:normal}
th{background:#f0f0f2}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dt{font-weight:600}dd{margin:0}
figure{margin:16px 0;background:#fff;border:1px solid #ddd;padding:8px;display:inline-block}
figure img{max-width:100%;height:auto;display:block}
figcaption{color:#555;margin-top:4px}
.muted{color:#666}
ul.findings{padding-left:20px}ul.findings li{margin:3px 0}
.sev{display:inline-block;min-width:64px;font-size:12px;font-weight:600;text-transform:uppercase;color:#666}
.sev.limit{color:#a50e0e}.sev.warning{color:#8a4b00}
`;

/** Left-aligned columns after the first (which the CSS aligns already) get class "l". */
export function alignClass(columns: readonly TableColumn[], i: number): string {
  return i > 0 && columns[i].align === 'left' ? ' class="l"' : '';
}

/** A table with every cell escaped. */
export function htmlTable(t: PlainTable, attrs = ''): string {
  const cls = (i: number) => alignClass(t.columns, i);
  const head = t.columns.map((c, i) => `<th${cls(i)}>${h(c.label)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((x, i) => `<td${cls(i)}>${h(x)}</td>`).join('')}</tr>`);
  return `<table${attrs}><tr>${head}</tr>${rows.join('')}</table>`;
}

export function chartFigure(c: RenderedChart): string {
  return `<figure><img src="data:image/png;base64,${c.png.toString('base64')}" width="${c.width}" height="${c.height}" alt="${h(c.title)}"><figcaption>${h(c.title)}</figcaption></figure>`;
}

/** `<!doctype html>` through `</head>`; `escapedTitle` is already escaped. */
export function pageHead(escapedTitle: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapedTitle}</title>
<style>${css}</style>
</head>`;
}
