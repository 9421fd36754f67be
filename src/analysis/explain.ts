/**
 * explainRun: the result in plain words — findings built by small rules over the recorded data (pure).
 * Nothing here knows a suite: every sentence comes from CPU series, Envoy counters and tenant figures.
 */
import { primaryView } from './summarize.ts';
import type { RunResult, VariantResult } from '../result/types.ts';
import { explainCpuHeadroom, explainLimits } from './explain-limits.ts';
import type { Finding } from './finding.ts';
import { errorClassWords, fmtCount, fmtMsWords, fmtShare, listWords } from './explain-words.ts';
import type { RunSummary, TenantFigures, TenantSummary, VariantSummary } from './summary-types.ts';
import { describeFailures, describePreflight } from '../topology/preflight.ts';

export type { Finding } from './finding.ts';

/** An error class counts once it is above this share of a tenant's requests. */
export const OTHER_ERRORS_MIN_SHARE = 0.001;

/** Intended-start latency counts as "far above" the actual-start one beyond this ratio and margin. */
export const LATENCY_SHAPE_RATIO = 2;
export const LATENCY_SHAPE_MARGIN_MS = 5;

/** Requests that got an answer or an error (the denominator of a tenant's shares). */
function answered(t: TenantSummary): number {
  return t.merged.requests.ok + t.merged.errors.count;
}

function servingWaypoint(v: VariantSummary, t: TenantSummary) {
  return (
    v.waypoints.find((w) => w.component === t.waypoint) ??
    v.waypoints.find((w) => w.tenants.includes(t.tenant))
  );
}

/** True when the tenant's 503s come with overflows counted by the waypoint serving it. */
function overflowed(v: VariantSummary, t: TenantSummary): boolean {
  return (t.merged.errors.byClass.http_503 ?? 0) > 0 && (servingWaypoint(v, t)?.merged.overflow ?? 0) > 0;
}

/** Rule overflow-errors: a tenant's 503 responses while the waypoint serving it counted overflows. */
export function explainOverflowErrors(v: VariantSummary): Finding[] {
  return v.tenants.flatMap((t): Finding[] => {
    if (!overflowed(v, t)) return [];
    const n = t.merged.errors.byClass.http_503;
    return [
      {
        variant: v.name,
        rule: 'overflow-errors',
        severity: 'limit',
        text: `${fmtCount(n)} requests of ${t.tenant} answered 503 with upstream overflow (${fmtShare(n / answered(t))} of its requests)`,
      },
    ];
  });
}

/** Rule other-errors: every other error class above 0.1% of a tenant's requests, named and counted. */
export function explainOtherErrors(v: VariantSummary): Finding[] {
  return v.tenants.flatMap((t): Finding[] => {
    const total = answered(t);
    const classes = Object.entries(t.merged.errors.byClass)
      .filter(
        ([cls, n]) =>
          !(cls === 'http_503' && overflowed(v, t)) && total > 0 && n / total > OTHER_ERRORS_MIN_SHARE,
      )
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    if (classes.length === 0) return [];
    const items = classes.map(([cls, n]) => `${errorClassWords(cls, n)} (${fmtShare(n / total)})`);
    return [
      {
        variant: v.name,
        rule: 'other-errors',
        severity: 'warning',
        text: `${t.tenant}: ${listWords(items)}`,
      },
    ];
  });
}

const BUSY = 'backpressure: its connections were still busy';
const BEHIND = 'the load generator fell behind its schedule';

/** Never-sent requests the engine blamed on itself (LoadResult.lateness), summed; undefined when none split them. */
function generatorUnsentOf(runs: readonly VariantResult[], tenant: string): number | undefined {
  const splits = runs.flatMap((r) =>
    r.tenants
      .filter((t) => t.tenant === tenant)
      .flatMap((t) => {
        const lateness = t.load.lateness;
        return lateness ? [lateness.generatorUnsent ?? 0] : [];
      }),
  );
  return splits.length ? splits.reduce((a, b) => a + b, 0) : undefined;
}

function unsentCause(n: number, generatorUnsent: number | undefined, late: TenantFigures['late']): string {
  if (generatorUnsent !== undefined) {
    const behind = Math.min(n, generatorUnsent);
    if (behind === 0) return BUSY;
    if (behind === n) return BEHIND;
    return `${fmtCount(n - behind)} to ${BUSY}; ${fmtCount(behind)} because ${BEHIND}`;
  }
  // Only the late counts (late or never sent, by cause): name the causes, not how many unsent each left.
  if (!late || late.generator <= 0) return BUSY;
  return late.backpressure > 0 ? `${BUSY}; ${BEHIND} too` : BEHIND;
}

/** Rule unsent: requests a tenant never sent (the skip policy dropped them), and why when the figures say. */
export function explainUnsent(v: VariantSummary, runs: readonly VariantResult[] = []): Finding[] {
  return v.tenants.flatMap((t): Finding[] => {
    const n = t.merged.requests.skipped;
    if (!(n > 0)) return [];
    const cause = unsentCause(n, generatorUnsentOf(runs, t.tenant), t.merged.late);
    return [
      {
        variant: v.name,
        rule: 'unsent',
        severity: 'warning',
        text: `${t.tenant} left ${fmtCount(n)} ${n === 1 ? 'request' : 'requests'} unsent (${cause})`,
      },
    ];
  });
}

/** Rule invalid-result: a tenant whose figures say its measurement is not valid (merged reasons name repeats). */
export function explainValidity(v: VariantSummary): Finding[] {
  return v.tenants.flatMap((t): Finding[] => {
    // Summaries of results written before validity existed carry none: nothing to say then.
    const { validity } = t.merged;
    if (!validity || validity.valid) return [];
    return [
      {
        variant: v.name,
        rule: 'invalid-result',
        severity: 'warning',
        text: `${t.tenant}'s result is INVALID: ${validity.reasons.join('; ') || 'no reason recorded'}`,
      },
    ];
  });
}

/** Rule latency-shape: latency from the intended start far above that from the actual start. */
export function explainLatencyShape(v: VariantSummary): Finding[] {
  return v.tenants.flatMap((t): Finding[] => {
    const intended = t.merged.latency;
    const actual = t.merged.latencyActual;
    if (intended.count === 0 || actual.count === 0) return [];
    const far =
      intended.avgMs > LATENCY_SHAPE_RATIO * actual.avgMs &&
      intended.avgMs > actual.avgMs + LATENCY_SHAPE_MARGIN_MS;
    if (!far) return [];
    return [
      {
        variant: v.name,
        rule: 'latency-shape',
        severity: 'info',
        text: `${t.tenant}'s latency from the intended start (${fmtMsWords(intended.avgMs)}) is far above that from the actual start (${fmtMsWords(actual.avgMs)}): the system could not keep the schedule`,
      },
    ];
  });
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { limit: 0, warning: 1, info: 2 };

/** Every rule over every variant, in plan order; within a variant limits first, then warnings, then context. */
/** Rule preflight: what each variant's probes found before its load (policy answers, path crossed). */
export function explainPreflight(runs: readonly VariantResult[]): Finding[] {
  return runs.flatMap((r) => {
    if (!r.preflight) return [];
    const repeat = runs.length > 1 ? { repeat: r.repeat } : {};
    const text = r.preflight.ok
      ? describePreflight(r.preflight)
      : `preflight FAILED, the variant was not measured: ${describeFailures(r.preflight).join('; ')}`;
    return [
      { variant: r.name, ...repeat, rule: 'preflight', severity: r.preflight.ok ? 'info' : 'warning', text },
    ];
  });
}

export function explainRun(full: RunResult, summary: RunSummary): Finding[] {
  // A sweep or search explains the runs its tables show (the reference step, the breaking points).
  const result = primaryView(full);
  return summary.variants.flatMap((v) => {
    const runs = result.variants.filter((r) => r.name === v.name).sort((a, b) => a.repeat - b.repeat);
    const findings = [
      ...explainPreflight(runs),
      ...runs.flatMap((r) => explainLimits(r, runs.length > 1 ? r.repeat : undefined)),
      ...explainCpuHeadroom(v, runs),
      ...explainOverflowErrors(v),
      ...explainOtherErrors(v),
      ...explainUnsent(v, runs),
      ...explainValidity(v),
      ...explainLatencyShape(v),
    ];
    // Array.prototype.sort is stable: rules keep their order within a severity.
    return findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  });
}
