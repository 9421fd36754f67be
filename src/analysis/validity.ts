/**
 * Is a tenant's result valid? (pure). A result is invalid when the load generator fell behind its own schedule
 * — its latencies then describe the harness, not the system under test. Backpressure (a connection still busy
 * with an earlier request) is the system's doing and never makes a result invalid.
 */
import type { Verdict } from '../result/types.ts';
import type { GeneratorLagSummary, RunSummary, Validity } from './summary-types.ts';
import { type ParsedThreshold, selectorsOf } from '../suite/threshold-grammar.ts';

/**
 * Bound on the p99 of the generator part of the lag, ms. From the rule that a result is invalid when
 * "p99 lag > 5 ms or > 0.1% of requests late", applied to the generator's own lag only.
 */
export const GENERATOR_LAG_P99_MAX_MS = 5;
/** Bound on the share of requests the generator made late (generatorLate / requests); the 0.1%. */
export const GENERATOR_LATE_SHARE_MAX = 0.001;

/**
 * Too few requests to judge by share or percentile: one descheduling in a 160-request run is 0.6% of it and
 * its p99. The share needs at least this many generator-late requests, the p99 at least this many requests
 * (the reference suite's 19,500 per tenant are far above both).
 */
export const GENERATOR_LATE_MIN_COUNT = 5;
export const GENERATOR_P99_MIN_REQUESTS = 1000;

/** Up to two decimals, integers past 100: 7.2, 5.04, 312. */
const ms = (v: number) => String(v >= 100 ? Math.round(v) : Number(v.toFixed(2)));
/** A share as a percentage, two significant digits: 0.25%, 14%. */
const pct = (share: number) => `${Number((share * 100).toPrecision(2))}%`;

/** What of one repeat's load bears on validity besides the generator's lag. */
export interface MeasuredLoad {
  /** Requests completed (answered or failed) in the measured window. */
  completed: number;
  /** The load was cut short. */
  incomplete?: boolean;
  /** Requests that failed on the generator's own machine (EMFILE, ENFILE), by code. */
  harnessErrors?: Record<string, number>;
}

/**
 * Checks one repeat's figures against the bounds. Nothing measured, or a load cut short, is invalid too: a
 * verdict must never pass on an empty or partial measurement. No generator figures (other drivers) and a
 * full measurement is valid.
 */
export function evaluateValidity(
  generatorLag: GeneratorLagSummary | undefined,
  load?: MeasuredLoad,
): Validity {
  const reasons: string[] = [];
  if (load && load.completed === 0) reasons.push('no request was measured');
  if (load?.incomplete) reasons.push('the load ended before its schedule (incomplete)');
  for (const [code, n] of Object.entries(load?.harnessErrors ?? {}))
    if (n > 0)
      reasons.push(
        `${n} request(s) failed with ${code} on the load generator's own machine (out of file descriptors), not the target's doing`,
      );
  if (!generatorLag) return { valid: reasons.length === 0, reasons };
  const enoughForP99 = (generatorLag.requests ?? Number.POSITIVE_INFINITY) >= GENERATOR_P99_MIN_REQUESTS;
  const enoughLate = (generatorLag.late ?? Number.POSITIVE_INFINITY) >= GENERATOR_LATE_MIN_COUNT;
  if (enoughForP99 && generatorLag.p99Ms > GENERATOR_LAG_P99_MAX_MS)
    reasons.push(`generator lag p99 ${ms(generatorLag.p99Ms)} ms > ${GENERATOR_LAG_P99_MAX_MS} ms`);
  if (enoughLate && generatorLag.lateShare > GENERATOR_LATE_SHARE_MAX)
    reasons.push(
      `generator-late share ${pct(generatorLag.lateShare)} of requests > ${pct(GENERATOR_LATE_SHARE_MAX)}`,
    );
  return { valid: reasons.length === 0, reasons };
}

/** Over repeats: valid only if every repeat is; reasons carry their repeat when there are several. */
export function mergeValidity(parts: ReadonlyArray<{ repeat?: number; validity: Validity }>): Validity {
  const label = parts.length > 1;
  const reasons = parts.flatMap((p) =>
    p.validity.reasons.map((r) => (label && p.repeat !== undefined ? `repeat ${p.repeat}: ${r}` : r)),
  );
  return { valid: parts.every((p) => p.validity.valid), reasons };
}

/** A tenant of a variant whose merged result is invalid. */
export interface InvalidResult {
  variant: string;
  tenant: string;
  reasons: string[];
}

/** Every invalid (variant, tenant) of a summary, in variant then tenant order. */
export function findInvalidResults(summary: RunSummary): InvalidResult[] {
  return summary.variants.flatMap((v) =>
    v.tenants
      .filter((t) => !t.merged.validity.valid)
      .map((t) => ({ variant: v.name, tenant: t.tenant, reasons: t.merged.validity.reasons })),
  );
}

/**
 * The invalid results some verdict rests on: each (variant, tenant) a verdict was computed at (a selector left
 * undefined means every variant or tenant), plus those its terms read through their own selectors (the other
 * side of `a / b` or `ratio(a, b)`), when the parsed thresholds are given.
 */
export function findInvalidUnderVerdicts(
  summary: RunSummary,
  verdicts: readonly Verdict[],
  thresholds: readonly ParsedThreshold[] = [],
): InvalidResult[] {
  const invalid = findInvalidResults(summary);
  if (invalid.length === 0) return [];
  const covered = new Set<string>();
  const key = (variant: string, tenant: string) => JSON.stringify([variant, tenant]);
  for (const v of verdicts) {
    const variants = v.selector.variant !== undefined ? [v.selector.variant] : summary.variantNames;
    const tenants = v.selector.tenant !== undefined ? [v.selector.tenant] : summary.tenants;
    const threshold = thresholds.find((t) => t.key === v.key && t.expression === v.expression);
    for (const variant of variants)
      for (const tenant of tenants) {
        covered.add(key(variant, tenant));
        for (const sel of threshold ? selectorsOf(threshold) : [])
          covered.add(key(sel.variant ?? variant, sel.tenant ?? tenant));
      }
  }
  return invalid.filter((i) => covered.has(key(i.variant, i.tenant)));
}

/** "INVALID ns-1 (dedicated): generator lag p99 7.2 ms > 5 ms". */
export function formatInvalidResult(i: InvalidResult): string {
  return `INVALID ${i.tenant} (${i.variant}): ${i.reasons.join('; ')}`;
}
