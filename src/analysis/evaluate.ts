/**
 * evaluateThresholds: RunSummary × parsed thresholds → verdicts (pure). A threshold without a variant
 * or tenant selector is evaluated for each variant × tenant; a term's selector overrides the key's.
 */
import type { Verdict } from '../result/types.ts';
import { judgedTenant, metricValue } from './metric-value.ts';
import type { RunSummary } from './summary-types.ts';
import { type ParsedThreshold, type Term, compare } from '../suite/threshold-grammar.ts';

interface At {
  variant: string;
  tenant: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(4));

function termValue(summary: RunSummary, t: ParsedThreshold, term: Term, at: At) {
  const where = { variant: term.selector.variant ?? at.variant, tenant: term.selector.tenant ?? at.tenant };
  return { where, ...metricValue(summary, where, t.metric, term.agg) };
}

/** The left-hand side of one threshold at one (variant, tenant). */
function evaluateLhs(
  summary: RunSummary,
  t: ParsedThreshold,
  at: At,
): { actual: number | null; note?: string } {
  if (t.lhs.kind === 'term') {
    const r = termValue(summary, t, t.lhs.term, at);
    return r.value === null ? { actual: null, note: r.note } : { actual: r.value };
  }
  const a = termValue(summary, t, t.lhs.a, at);
  const b = termValue(summary, t, t.lhs.b, at);
  if (a.value === null) return { actual: null, note: a.note };
  if (b.value === null) return { actual: null, note: b.note };
  const detail = `${fmt(a.value)} (${a.where.variant}, ${a.where.tenant}) vs ${fmt(b.value)} (${b.where.variant}, ${b.where.tenant})`;
  if (t.lhs.kind === 'div') {
    if (b.value === 0) return { actual: null, note: `cannot divide by zero: ${detail}` };
    return { actual: a.value / b.value, note: detail };
  }
  if (a.value === 0 && b.value === 0) return { actual: 1, note: detail };
  if (a.value === 0 || b.value === 0) return { actual: null, note: `ratio with a zero side: ${detail}` };
  return { actual: Math.max(a.value / b.value, b.value / a.value), note: detail };
}

export function evaluateThresholds(summary: RunSummary, thresholds: readonly ParsedThreshold[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const t of thresholds) {
    const variants = t.selector.variant !== undefined ? [t.selector.variant] : summary.variantNames;
    const tenants = t.selector.tenant !== undefined ? [t.selector.tenant] : summary.tenants;
    for (const variant of variants) {
      // A variant-level metric is judged once per variant, on the tenant it is about.
      const judged =
        (t.metric === 'isolation' || t.metric === 'capacity') && t.selector.tenant === undefined
          ? judgedTenant(summary, variant, t.metric)
          : undefined;
      for (const tenant of judged !== undefined ? [judged] : tenants) {
        const { actual, note } = evaluateLhs(summary, t, { variant, tenant });
        const incomplete = summary.variants
          .find((v) => v.name === variant)
          ?.tenants.find((x) => x.tenant === tenant)?.incomplete;
        const notes = [note, incomplete ? 'measured on an incomplete run' : undefined].filter(Boolean);
        verdicts.push({
          key: t.key,
          expression: t.expression,
          selector: { variant, tenant },
          actual,
          pass: actual !== null && compare(actual, t.op, t.value),
          ...(notes.length ? { note: notes.join('; ') } : {}),
        });
      }
    }
  }
  return verdicts;
}

/** True when a failed verdict belongs to a threshold marked abortOnFail. */
export function anyAbortOnFail(
  thresholds: readonly ParsedThreshold[],
  verdicts: readonly Verdict[],
): boolean {
  return verdicts.some(
    (v) =>
      !v.pass && thresholds.some((t) => t.abortOnFail && t.key === v.key && t.expression === v.expression),
  );
}

export function allPassed(verdicts: readonly Verdict[]): boolean {
  return verdicts.every((v) => v.pass);
}
