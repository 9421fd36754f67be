/** The reference benchmark's human output (pure): text for stderr. */
import { escapeTerminal, renderTable } from '../src/report/text-table.ts';
import type { FigureAcrossRuns, FigureUnit, RunFigures } from './reference-figures.ts';
import type { BenchVerdict, Target } from './reference-targets.ts';

/** A value in its unit: ms with 2 decimals, shares as %, ratios and cores with 3 decimals, counts whole. */
export function formatValue(v: number | null | undefined, unit: FigureUnit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'ms':
      return v.toFixed(2);
    case 'share':
      return `${(100 * v).toFixed(2)}%`;
    case 'count':
      return String(Math.round(v));
    default:
      return v.toFixed(3);
  }
}

const UNIT_LABEL: Record<FigureUnit, string> = { ms: 'ms', share: '', ratio: '', cores: 'cores', count: '' };

/** One line as a run ends: its exit, the headline figures, and the host's load during it. */
export function formatRunLine(
  r: RunFigures,
  total: number,
  seconds: number,
  hostLoad: string,
  signal?: string | null,
): string {
  const exit = r.exitCode ?? (signal ? `none (${signal})` : 'none');
  const head = `run ${r.run}/${total}: exit ${exit} after ${seconds.toFixed(0)} s`;
  if (r.error) return `${head}: ${r.error}; host: ${hostLoad}`;
  const d = (t: string) => r.tenants.find((x) => x.variant === 'dedicated' && x.tenant === t);
  const parts = ['ns-1', 'ns-2'].flatMap((t) => {
    const x = d(t);
    return x ? [`dedicated ${t} avg ${formatValue(x.avgMs, 'ms')} ms`] : [];
  });
  if (r.sharedNs1AvgRatio.actual !== null)
    parts.push(`shared ns-1 ÷ dedicated ${formatValue(r.sharedNs1AvgRatio.actual, 'ratio')} (actual start)`);
  if (r.sharedNs2ErrorRate !== null)
    parts.push(`shared ns-2 errors ${formatValue(r.sharedNs2ErrorRate, 'share')}`);
  if (r.invalid.length) parts.push(`${r.invalid.length} INVALID`);
  if (!r.complete) parts.push('INCOMPLETE');
  return `${head}${parts.length ? `: ${parts.join(', ')}` : ''}; host: ${hostLoad}`;
}

/** Rows: each figure; columns: each run, then min–max, mean and coefficient of variation across runs. */
export function formatFigureTable(runs: readonly RunFigures[], figures: readonly FigureAcrossRuns[]): string {
  const header = ['figure', ...runs.map((r) => `run ${r.run}`), 'min–max', 'mean', 'CV'];
  const rows = [
    header,
    ['exit code', ...runs.map((r) => String(r.exitCode ?? 'none')), '', '', ''],
    ...figures.map((f) => {
      const unit = UNIT_LABEL[f.unit];
      const s = f.spread;
      return [
        escapeTerminal(`${f.key}${unit ? ` (${unit})` : ''}`),
        ...f.values.map((v) => formatValue(v, f.unit)),
        s ? `${formatValue(s.min, f.unit)}–${formatValue(s.max, f.unit)}` : '—',
        s ? formatValue(s.mean, f.unit) : '—',
        s?.cv === null || s === null ? '—' : s.cv.toFixed(3),
      ];
    }),
  ];
  return renderTable(rows);
}

/** Per run: the calibration, the invalid tenants and where the results are. */
export function formatRunNotes(runs: readonly RunFigures[]): string {
  const lines: string[] = [];
  for (const r of runs) {
    const c = r.calibration;
    const cal = c
      ? `calibration (${c.method}): quota ${formatValue(c.quotaCores, 'cores')} cores, demand ${formatValue(c.demandCores, 'cores')} cores, utilization ${formatValue(c.utilization, 'ratio')}`
      : 'calibration: none in result.json';
    const invalid = r.invalid.length
      ? r.invalid.map((i) => `INVALID ${i.tenant} (${i.variant}): ${i.reasons.join('; ')}`).join(' | ')
      : 'generator held its schedule for every tenant';
    lines.push(`run ${r.run}: ${cal}; ${invalid}${r.dir ? `; ${r.dir}` : ''}`);
  }
  return lines.map(escapeTerminal).join('\n');
}

function measuredText(t: Target, digits = 3): string {
  const f = (v: number | null) => (v === null ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits));
  return Array.isArray(t.measured) ? t.measured.map(f).join(', ') : f(t.measured);
}

/** The targets as a table (one row per target entry), then the overall verdict. */
export function formatTargets(v: BenchVerdict): string {
  const out: string[] = [];
  if (v.targets.length) {
    const rows = [
      ['#', 'target', 'measured', 'bound', 'met'],
      ...v.targets.map((t) => [
        String(t.id),
        escapeTerminal(t.name),
        measuredText(t),
        `${t.bound} ${t.scope === 'every run' ? '(every run)' : '(across runs)'}`,
        t.met ? 'met' : 'MISSED',
      ]),
    ];
    out.push(renderTable(rows, { left: [1, 2, 3] }));
    for (const t of v.targets) if (t.note) out.push(`  ${t.id}. ${escapeTerminal(t.note)}`);
  }
  for (const n of v.notes) out.push(n);
  for (const p of v.problems) out.push(escapeTerminal(p));
  out.push(
    v.met
      ? 'all targets met'
      : `MISSED ${v.missed.length}:\n${v.missed.map((m) => `  - ${escapeTerminal(m)}`).join('\n')}`,
  );
  return out.join('\n');
}
