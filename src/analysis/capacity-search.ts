/**
 * The breaking-point search (pure): given the probes so far, the next offered load to try, or the answer.
 * Exponential growth (or shrinking) from the start until the SLO is met below and missed above, bisection
 * until the bracket is `resolution` of its lower end, then one confirmation run at the lower end. A failed
 * confirmation is a miss like any other: the bracket moves down and the search goes on, within its budget.
 * Probes are factors of the suite's load; the orchestrator runs them, `judgeProbe` says pass or fail, and
 * the summary replays the same function over the recorded probes, so the answer is the one the run acted on.
 */
import type { SloPlan } from '../suite/plan.ts';
import type { ProbeVerdict, TenantFigures } from './summary-types.ts';

export type { ProbeVerdict } from './summary-types.ts';

export interface ProbeOutcome {
  factor: number;
  pass: boolean;
  confirm?: boolean;
}

export interface SearchOptions {
  start: number;
  resolution: number;
  maxProbes: number;
}

/** Growth per step while unbracketed, and the range searched (factors of the suite's load). */
export const SEARCH_GROWTH = 2;
export const SEARCH_MIN_FACTOR = 1 / 256;
export const SEARCH_MAX_FACTOR = 256;

export type SearchStep =
  | { done: false; factor: number; confirm: boolean }
  | {
      done: true;
      /** Highest factor that met the SLO (undefined: none did). */
      capacity?: number;
      confirmed: boolean;
      /** How the search ended, in words. */
      why: string;
    };

/** Bisection points rounded to 4 significant digits, so probes read cleanly and replay exactly. */
const round4 = (x: number) => Number(x.toPrecision(4));

export function bracket(probes: readonly ProbeOutcome[]): { lo?: number; hi?: number } {
  const fails = probes.filter((p) => !p.pass).map((p) => p.factor);
  const hi = fails.length ? Math.min(...fails) : undefined;
  const passes = probes.filter((p) => p.pass && (hi === undefined || p.factor < hi)).map((p) => p.factor);
  return { lo: passes.length ? Math.max(...passes) : undefined, hi };
}

export function nextProbe(probes: readonly ProbeOutcome[], options: SearchOptions): SearchStep {
  if (probes.length === 0) return { done: false, factor: options.start, confirm: false };
  const { lo, hi } = bracket(probes);
  const last = probes[probes.length - 1];
  if (lo !== undefined && last.confirm && last.pass && last.factor === lo) {
    const wide = hi !== undefined && (hi - lo) / lo > options.resolution;
    return {
      done: true,
      capacity: lo,
      confirmed: true,
      why: `met the SLO at ${lo}× and confirmed it${hi === undefined ? '' : `; missed it at ${hi}×`}${
        wide ? ` (a bracket wider than the resolution ${options.resolution}: the probe budget ran out)` : ''
      }`,
    };
  }
  const left = options.maxProbes - probes.length;
  if (left <= 0)
    return {
      done: true,
      capacity: lo,
      confirmed: false,
      why: `the budget of ${options.maxProbes} probes was spent before a confirmed answer`,
    };
  if (lo === undefined) {
    const next = round4(hi! / SEARCH_GROWTH);
    if (next < SEARCH_MIN_FACTOR)
      return {
        done: true,
        confirmed: false,
        why: `missed the SLO at every load tried, down to ${hi}× the suite's load`,
      };
    return { done: false, factor: next, confirm: false };
  }
  if (hi === undefined) {
    const next = round4(lo * SEARCH_GROWTH);
    if (next > SEARCH_MAX_FACTOR)
      return {
        done: true,
        capacity: lo,
        confirmed: false,
        why: `met the SLO at every load tried, up to ${lo}× the suite's load`,
      };
    // The last probe left is the confirmation, so growth stops one short of the budget.
    if (left > 1) return { done: false, factor: next, confirm: false };
  } else if ((hi - lo) / lo > options.resolution && left > 1) {
    return { done: false, factor: round4((lo + hi) / 2), confirm: false };
  }
  return { done: false, factor: lo, confirm: true };
}

/** Whether every tenant of one probe met the SLO (intended-start p99, error rate) with its load held. */
export function judgeProbe(
  tenants: ReadonlyArray<{ tenant: string; figures?: TenantFigures; incomplete?: boolean }>,
  slo: SloPlan,
): ProbeVerdict {
  const reasons: string[] = [];
  for (const t of tenants) {
    const f = t.figures;
    if (!f || f.requests.completed === 0) {
      reasons.push(`${t.tenant} measured nothing`);
      continue;
    }
    if (f.latency.p99Ms > slo.p99Ms)
      reasons.push(`${t.tenant} p99 ${f.latency.p99Ms.toFixed(1)} ms > ${slo.p99Ms} ms`);
    if (f.errors.rate > slo.errors)
      reasons.push(
        `${t.tenant} errors ${(f.errors.rate * 100).toFixed(2)}% > ${(slo.errors * 100).toFixed(2)}%`,
      );
    // A probe the generator could not drive says nothing about the system: it is not a pass.
    if (!f.validity.valid) reasons.push(`${t.tenant} load not held (${f.validity.reasons.join('; ')})`);
    if (t.incomplete) reasons.push(`${t.tenant} cut short`);
  }
  return { pass: reasons.length === 0, reasons };
}
