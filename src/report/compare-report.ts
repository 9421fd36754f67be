/** The comparison report: text table (terminal), compare.md and compare.html (pure). */
import type { Comparison, MetricDelta } from '../analysis/compare.ts';
import { escapeHtml as h, escapeMarkdown as md } from './escape.ts';
import { fmtDeltaPct, fmtNum, fmtPct } from './format.ts';
import { escapeTerminal as esc, renderTable } from './text-table.ts';

const STATUS_TEXT: Record<MetricDelta['status'], string> = {
  ok: 'ok',
  improved: 'improved',
  regression: 'REGRESSION',
  noise: 'noise',
  missing: 'MISSING',
  new: 'new',
  info: '',
};

function fmtValue(d: MetricDelta, v: number | null): string {
  if (v === null) return '—';
  if (d.unit === '%') return fmtPct(v);
  if (d.unit === 'ms') return v.toFixed(2);
  if (d.unit === 'cores') return v.toFixed(3);
  return fmtNum(v, 1);
}

function fmtRange(d: MetricDelta, s: MetricDelta['baselineSpread']): string {
  return s && s.n >= 2 ? `${fmtValue(d, s.min)}–${fmtValue(d, s.max)}` : '';
}

function fmtDelta(d: MetricDelta): string {
  if (d.delta === null) return '—';
  if (d.unit === '%') return `${d.delta >= 0 ? '+' : ''}${(d.delta * 100).toFixed(2)} pp`;
  return fmtDeltaPct(d.deltaPct) === '—'
    ? `${d.delta >= 0 ? '+' : ''}${fmtValue(d, d.delta)}`
    : fmtDeltaPct(d.deltaPct);
}

export function headline(c: Comparison): string {
  return c.regressions
    ? `${c.regressions} regression${c.regressions > 1 ? 's' : ''} beyond ${Math.round(c.tolerance * 100)}% tolerance`
    : `no regression beyond ${Math.round(c.tolerance * 100)}% tolerance${c.improvements ? ` (${c.improvements} improved)` : ''}`;
}

function hasSpread(c: Comparison): boolean {
  return c.deltas.some((d) => (d.baselineSpread?.n ?? 0) >= 2 || (d.candidateSpread?.n ?? 0) >= 2);
}

export function formatComparisonTable(c: Comparison): string {
  const spread = hasSpread(c);
  const rows: string[][] = [
    [
      'variant',
      'tenant',
      'metric',
      'baseline',
      'candidate',
      'change',
      ...(spread ? ['base range', 'cand range'] : []),
      'status',
    ],
  ];
  for (const d of c.deltas) {
    rows.push([
      esc(d.variant),
      esc(d.tenant),
      `${d.label}${d.unit && d.unit !== '%' ? ` (${d.unit})` : ''}`,
      fmtValue(d, d.baseline),
      fmtValue(d, d.candidate),
      fmtDelta(d),
      ...(spread ? [fmtRange(d, d.baselineSpread), fmtRange(d, d.candidateSpread)] : []),
      STATUS_TEXT[d.status],
    ]);
  }
  const head = `compare ${esc(c.baseline.id)} (baseline) → ${esc(c.candidate.id)} (candidate): ${headline(c)}`;
  return [head, ...c.notes.map((n) => `note: ${esc(n)}`), renderTable(rows, { left: [1, 2, 8, 9] }), ''].join(
    '\n',
  );
}

export function buildCompareMarkdown(c: Comparison): string {
  const spread = hasSpread(c);
  const lines = [
    `## meshbench compare — ${c.regressions ? '❌' : '✅'} ${headline(c)}`,
    '',
    `Baseline **${md(c.baseline.id)}** (${md(c.baseline.startedAt)}${c.baseline.git ? `, git ${md(c.baseline.git)}` : ''}, ${c.baseline.repeats} repeat(s)) → candidate **${md(c.candidate.id)}** (${md(c.candidate.startedAt)}${c.candidate.git ? `, git ${md(c.candidate.git)}` : ''}, ${c.candidate.repeats} repeat(s)). Suite ${md(c.candidate.suite)} on ${md(c.candidate.platform)}.`,
    '',
    ...c.notes.map((n) => `> ${md(n)}`),
    ...(c.notes.length ? [''] : []),
    `| variant | tenant | metric | baseline | candidate | change |${spread ? ' baseline range | candidate range |' : ''} status |`,
    `| --- | --- | --- | ---: | ---: | ---: |${spread ? ' ---: | ---: |' : ''} --- |`,
  ];
  for (const d of c.deltas) {
    const cells = [
      md(d.variant),
      md(d.tenant),
      md(`${d.label}${d.unit && d.unit !== '%' ? ` (${d.unit})` : ''}`),
      fmtValue(d, d.baseline),
      fmtValue(d, d.candidate),
      fmtDelta(d),
      ...(spread ? [fmtRange(d, d.baselineSpread), fmtRange(d, d.candidateSpread)] : []),
      d.status === 'regression' || d.status === 'missing'
        ? `**${STATUS_TEXT[d.status]}**`
        : STATUS_TEXT[d.status],
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push(
    '',
    'Latency up, error rate up and achieved rate down count as regressions when they exceed the tolerance and ' +
      'the repeat ranges do not overlap; CPU and overflows are shown for information.',
    '',
  );
  return lines.join('\n');
}

export function buildCompareHtml(c: Comparison): string {
  const spread = hasSpread(c);
  const rows = c.deltas.map(
    (d) =>
      `<tr class="${d.status}"><td>${h(d.variant)}</td><td>${h(d.tenant)}</td><td>${h(d.label)}${d.unit && d.unit !== '%' ? ` (${h(d.unit)})` : ''}</td>` +
      `<td class="n">${h(fmtValue(d, d.baseline))}</td><td class="n">${h(fmtValue(d, d.candidate))}</td><td class="n">${h(fmtDelta(d))}</td>` +
      (spread
        ? `<td class="n">${h(fmtRange(d, d.baselineSpread))}</td><td class="n">${h(fmtRange(d, d.candidateSpread))}</td>`
        : '') +
      `<td>${h(STATUS_TEXT[d.status])}${d.reason ? ` <span class="muted">${h(d.reason)}</span>` : ''}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>meshbench compare · ${h(c.baseline.id)} → ${h(c.candidate.id)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d1d1f}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 8px}td.n{text-align:right}th{background:#f0f0f2}
tr.regression td,tr.missing td{background:#fdecea}tr.improved td{background:#e6f4ea}.muted{color:#666}
.banner{padding:10px 14px;border-radius:6px;font-weight:600;margin:16px 0}.pass{background:#e6f4ea}.fail{background:#fdecea}
</style>
</head>
<body>
<h1>meshbench compare</h1>
<div class="banner ${c.regressions ? 'fail' : 'pass'}">${h(headline(c))}</div>
<p>Baseline <code>${h(c.baseline.id)}</code> (${h(c.baseline.startedAt)}, ${c.baseline.repeats} repeat(s)) → candidate <code>${h(c.candidate.id)}</code> (${h(c.candidate.startedAt)}, ${c.candidate.repeats} repeat(s)); suite ${h(c.candidate.suite)} on ${h(c.candidate.platform)}.</p>
${c.notes.map((n) => `<p class="muted">${h(n)}</p>`).join('\n')}
<table id="deltas"><tr><th>variant</th><th>tenant</th><th>metric</th><th>baseline</th><th>candidate</th><th>change</th>${spread ? '<th>baseline range</th><th>candidate range</th>' : ''}<th>status</th></tr>
${rows.join('\n')}
</table>
</body>
</html>
`;
}
