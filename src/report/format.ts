/** Number formatting shared by the text, Markdown and HTML reporters (deterministic, locale-free). */
import type { Spread } from '../analysis/spread.ts';

export function fmtMs(ms: number): string {
  if (ms >= 1000) return ms.toFixed(0);
  if (ms >= 100) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function fmtPct(fraction: number): string {
  const p = fraction * 100;
  return `${p === 0 ? '0' : p < 0.01 ? p.toExponential(1) : p.toFixed(2)}%`;
}

export function fmtNum(n: number, digits = 2): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(digits);
}

export function fmtCores(c: number): string {
  return c.toFixed(3);
}

/** "±sd" for a figure measured over several repeats; '' for one. */
export function fmtSpread(s: Spread | undefined, f: (n: number) => string): string {
  return s && s.n >= 2 ? ` ±${f(s.stddev)}` : '';
}

/** A signed percentage change, e.g. '+12.3%'; '—' when there is no base. */
export function fmtDeltaPct(fraction: number | null): string {
  if (fraction === null) return '—';
  const p = fraction * 100;
  return `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;
}

/** The figure a verdict compared, readable: ratios and rates to 4 significant digits. */
export function fmtActual(n: number | null): string {
  if (n === null) return 'n/a';
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 1000 ? n.toFixed(0) : n.toPrecision(4);
}
