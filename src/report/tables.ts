/** Terminal tables: the run summary side by side per tenant, the published figures and the verdicts (pure text). */
import type { Finding } from '../analysis/explain.ts';
import { comparePublished } from '../analysis/published.ts';
import type { RunSummary, TenantSummary, VariantSummary } from '../analysis/summary-types.ts';
import { describeCalibration, type LocalCalibration } from '../result/calibration.ts';
import type { Verdict } from '../result/types.ts';
import type { RunPlan } from '../suite/plan.ts';
import { fmtActual, fmtCores, fmtNum, fmtPct, fmtSpread } from './format.ts';
import { latencyRows } from './latency-rows.ts';
import { PUBLISHED_COLUMNS, PUBLISHED_HEADING, publishedCells } from './published-table.ts';
import { escapeTerminal as esc, renderTable } from './text-table.ts';

type Cell = (t: TenantSummary, v: VariantSummary) => string;

const LATENCY_ROWS: Array<[string, Cell]> = latencyRows({
  intended: ['avg', 'p50', 'p99'],
  actual: ['avg', 'p50', 'p99'],
}).map((r) => [r.label, (t) => r.cell(t)]);

const ERRORS_ROW: [string, Cell] = [
  'errors',
  (t) => fmtPct(t.merged.errors.rate) + fmtSpread(t.spread['errors.rate'], fmtPct),
];

const RATE_ROWS: Array<[string, Cell]> = [
  [
    'rps',
    (t) =>
      `${fmtNum(t.merged.rps.achieved, 1)}${t.merged.rps.target ? ` / ${t.merged.rps.target}` : ''}` +
      fmtSpread(t.spread.rps, (n) => fmtNum(n, 1)),
  ],
  [
    'waypoint CPU (cores)',
    (t, v) => {
      const w = v.waypoints.find((x) => x.component === t.waypoint);
      if (!w) return '—';
      return `${fmtCores(w.merged.avgCores)}${w.limitCores !== undefined ? ` / ${w.limitCores}` : ''}`;
    },
  ],
];

/** Dedicated vs shared (every variant) side by side, one block per tenant; latency from both starts. */
export function formatSummaryTable(
  summary: RunSummary,
  opts: { calibration?: LocalCalibration } = {},
): string {
  const variants = summary.variants;
  const repeats = Math.max(1, ...variants.map((v) => v.repeats.length));
  const head = [
    `${esc(summary.suite)} · run ${esc(summary.runId)} · ${esc(summary.platform)}` +
      (repeats > 1 ? ` · ${repeats} repeats (±sd)` : '') +
      (summary.complete ? '' : ' · INCOMPLETE'),
  ];
  if (opts.calibration) head.push(`calibration: ${esc(describeCalibration(opts.calibration))}`);
  if (variants.length === 0) return `${head.join('\n')}\n  nothing was measured\n`;
  // Requests the engine never sent (it fell behind its schedule) are no error, but they are not hidden either.
  const anySkipped = variants.some((v) => v.tenants.some((t) => t.merged.requests.skipped > 0));
  const rowsShown: Array<[string, Cell]> = [
    ...LATENCY_ROWS,
    ERRORS_ROW,
    ...(anySkipped
      ? [['not sent (skipped)', (t) => String(t.merged.requests.skipped)] as [string, Cell]]
      : []),
    ...RATE_ROWS,
  ];
  const rows: string[][] = [];
  for (const tenant of summary.tenants) {
    rows.push([`tenant ${esc(tenant)}`, ...variants.map((v) => esc(v.name))]);
    rowsShown.forEach(([label, cell], i) => {
      rows.push([
        `  ${label}`,
        ...variants.map((v) => {
          const t = v.tenants.find((x) => x.tenant === tenant);
          return t ? cell(t, v) + (t.incomplete && i === 0 ? ' (partial)' : '') : 'not measured';
        }),
      ]);
    });
  }
  const notes = variants.flatMap((v) => v.errors.map((e) => `  ${esc(v.name)} ${esc(e)}`));
  return [...head, renderTable(rows), ...notes, ''].join('\n');
}

/** The suite's published figures beside this run's, under their source; '' when the plan has none. */
export function formatPublishedTable(plan: Pick<RunPlan, 'published'>, summary: RunSummary): string {
  if (!plan.published) return '';
  const rows = [
    [...PUBLISHED_COLUMNS],
    ...comparePublished(plan, summary).map((c) => publishedCells(c).map(esc)),
  ];
  return `${PUBLISHED_HEADING}\n  ${esc(plan.published.source)}\n${renderTable(rows, { indent: '  ' })}\n`;
}

/** One line per verdict: PASS/FAIL, threshold, where, the actual figure, and a note. */
export function formatVerdictTable(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'no thresholds\n';
  const rows: string[][] = [['', 'threshold', 'variant', 'tenant', 'actual', 'note']];
  for (const v of verdicts) {
    rows.push([
      v.pass ? 'PASS' : 'FAIL',
      `${esc(v.key)}: ${esc(v.expression)}`,
      esc(v.selector.variant ?? '*'),
      esc(v.selector.tenant ?? '*'),
      fmtActual(v.actual),
      esc(v.note ?? ''),
    ]);
  }
  const failed = verdicts.filter((v) => !v.pass).length;
  const tail = failed
    ? `${failed} of ${verdicts.length} threshold verdicts failed`
    : `all ${verdicts.length} threshold verdicts passed`;
  return `${renderTable(rows, { left: [1, 2, 3, 5] })}\n${tail}\n`;
}

/** "What limited the run": one line per finding, grouped by variant (findings come in plan order). */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'What limited the run: nothing in the recorded data points to a limit\n';
  const lines = ['What limited the run'];
  let variant: string | undefined;
  for (const f of findings) {
    if (f.variant !== variant) {
      variant = f.variant;
      lines.push(`  ${esc(variant)}`);
    }
    const repeat = f.repeat === undefined ? '' : `repeat ${f.repeat}: `;
    lines.push(`    ${f.severity.padEnd(7)}  ${repeat}${esc(f.text)}`);
  }
  return `${lines.join('\n')}\n`;
}
