/**
 * A search's probes read back from a result (pure): each probe judged against the SLO with the same rule
 * the orchestrator used, and the search replayed over them (capacity-search.ts), so the breaking point in
 * the report is the one the run acted on.
 */
import type { RunResult, VariantResult } from '../result/types.ts';
import type { RunPlan, SloPlan } from '../suite/plan.ts';
import { judgeProbe, nextProbe, type ProbeOutcome } from './capacity-search.ts';
import type { ProbeSummary, ProbeVerdict, SearchSummary, TenantFigures } from './summary-types.ts';

export type { ProbeSummary, SearchSummary } from './summary-types.ts';
import { summarizeLoad } from './tenant-figures.ts';

/**
 * A probe's tenant figures, summarized once per run: the orchestrator asks for every earlier probe's verdict
 * before each new probe, and the reports ask again (a result's runs are never changed once recorded).
 */
const figuresCache = new WeakMap<VariantResult, Map<string, TenantFigures>>();
function figuresOf(vr: VariantResult): Map<string, TenantFigures> {
  let m = figuresCache.get(vr);
  if (!m) {
    m = new Map(vr.tenants.map((t) => [t.tenant, summarizeLoad(t.load)]));
    figuresCache.set(vr, m);
  }
  return m;
}

/** Whether one variant run (a probe) met the SLO, every tenant of the plan counted. */
export function probeVerdict(plan: Pick<RunPlan, 'tenants'>, vr: VariantResult, slo: SloPlan): ProbeVerdict {
  if (vr.error) return { pass: false, reasons: [`the run failed: ${vr.error.code}`] };
  const figures = figuresOf(vr);
  return judgeProbe(
    plan.tenants.map((t) => {
      const tr = vr.tenants.find((x) => x.tenant === t.name);
      return {
        tenant: t.name,
        ...(tr ? { figures: figures.get(t.name), incomplete: Boolean(tr.load.incomplete) } : {}),
      };
    }),
    slo,
  );
}

/** The probes of one variant × repeat, in order. */
export function probesOf(results: readonly VariantResult[], name: string, repeat: number): VariantResult[] {
  return results
    .filter((r) => r.name === name && r.repeat === repeat && r.load?.probe !== undefined)
    .sort((a, b) => a.load!.probe! - b.load!.probe!);
}

export function probeOutcomes(plan: RunPlan, probes: readonly VariantResult[]): ProbeOutcome[] {
  const slo = plan.search!.slo;
  return probes.map((r) => ({
    factor: r.load!.factor,
    pass: probeVerdict(plan, r, slo).pass,
    ...(r.load!.confirm ? { confirm: true } : {}),
  }));
}

/**
 * Where one variant's search stands given the runs so far: its next probe, its answer, or 'failed' (a probe
 * failed, which ends that variant's search).
 */
export function searchStep(
  plan: RunPlan,
  done: readonly VariantResult[],
  variant: { name: string; repeat: number },
): ReturnType<typeof nextProbe> | 'failed' {
  const probes = probesOf(done, variant.name, variant.repeat);
  if (probes.some((p) => p.error)) return 'failed';
  return nextProbe(probeOutcomes(plan, probes), plan.search!);
}

export function summarizeSearches(result: RunResult): SearchSummary[] | undefined {
  const { plan } = result;
  if (!plan.search) return undefined;
  const out: SearchSummary[] = [];
  // A search plan holds one variant plan per variant × repeat; its probes are generated as the run goes.
  for (const v of plan.variants) {
    const runs = probesOf(result.variants, v.name, v.repeat);
    if (runs.length === 0) continue;
    const probes: ProbeSummary[] = runs.map((r) => {
      const verdict = probeVerdict(plan, r, plan.search!.slo);
      return {
        probe: r.load!.probe!,
        factor: r.load!.factor,
        ...(r.load!.rate === undefined ? {} : { rate: r.load!.rate }),
        connections: r.load!.connections,
        confirm: Boolean(r.load!.confirm),
        ...verdict,
        tenants: r.tenants.map((t) => {
          const f = figuresOf(r).get(t.tenant)!;
          return {
            tenant: t.tenant,
            p99Ms: f.latency.p99Ms,
            errorRate: f.errors.rate,
            achievedRps: f.rps.achieved,
          };
        }),
        ...(r.error ? { error: `${r.error.code} ${r.error.message}` } : {}),
      };
    });
    const step = nextProbe(
      probes.map((p) => ({ factor: p.factor, pass: p.pass, ...(p.confirm ? { confirm: true } : {}) })),
      plan.search,
    );
    const at = (factor: number) => runs.find((r) => r.load!.factor === factor)!.load!;
    out.push({
      variant: v.name,
      repeat: v.repeat,
      probes,
      ...(step.done && step.capacity !== undefined
        ? {
            capacity: {
              factor: step.capacity,
              ...(at(step.capacity).rate === undefined ? {} : { rate: at(step.capacity).rate }),
              connections: at(step.capacity).connections,
            },
          }
        : {}),
      confirmed: step.done ? step.confirmed : false,
      why: step.done
        ? step.why
        : runs.some((r) => r.error)
          ? 'a probe failed, which ended the search'
          : 'the search was cut short before an answer',
    });
  }
  return out;
}
