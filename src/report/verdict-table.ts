/** The threshold verdicts as a table and a one-line outcome, shared by the terminal, Markdown and HTML (pure, unescaped). */
import type { Verdict } from '../result/types.ts';
import { fmtActual } from './format.ts';
import { left, right, type TableColumn } from './table-model.ts';

export const VERDICT_COLUMNS: readonly TableColumn[] = [
  left(''),
  left('threshold'),
  left('variant'),
  left('tenant'),
  right('actual'),
  left('note'),
];

export interface VerdictRow {
  pass: boolean;
  /** The threshold's key and expression apart, so HTML can set each as code. */
  key: string;
  expression: string;
  variant: string;
  tenant: string;
  actual: string;
  note: string;
}

export function verdictRows(verdicts: readonly Verdict[]): VerdictRow[] {
  return verdicts.map((v) => ({
    pass: v.pass,
    key: v.key,
    expression: v.expression,
    variant: v.selector.variant ?? '*',
    tenant: v.selector.tenant ?? '*',
    actual: fmtActual(v.actual),
    note: v.note ?? '',
  }));
}

/** Cells in VERDICT_COLUMNS order, the first being the renderer's pass or fail mark. */
export function verdictCells(r: VerdictRow, mark: { pass: string; fail: string }): string[] {
  return [r.pass ? mark.pass : mark.fail, `${r.key}: ${r.expression}`, r.variant, r.tenant, r.actual, r.note];
}

export interface VerdictOutcome {
  status: 'none' | 'pass' | 'fail';
  /** Counts verdicts, not thresholds: one threshold gives a verdict per variant and tenant it selects. */
  text: string;
}

export function verdictOutcome(verdicts: readonly Verdict[]): VerdictOutcome {
  if (verdicts.length === 0) return { status: 'none', text: 'no thresholds' };
  const failed = verdicts.filter((v) => !v.pass).length;
  return failed
    ? { status: 'fail', text: `${failed} of ${verdicts.length} threshold verdicts failed` }
    : { status: 'pass', text: `all ${verdicts.length} threshold verdicts passed` };
}
