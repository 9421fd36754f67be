/** A run's record with its credentials redacted, for every file and output it reaches (pure). */
import { redactTarget } from '../load/redact.ts';
import type { RunPlan } from '../suite/plan.ts';
import type { RunResult } from '../result/types.ts';

export function redactPlan(plan: RunPlan): RunPlan {
  return { ...plan, tenants: plan.tenants.map((t) => redactTarget(t)) };
}

export function redactResult(result: RunResult): RunResult {
  return {
    ...result,
    plan: redactPlan(result.plan),
    variants: result.variants.map((v) => ({
      ...v,
      tenants: v.tenants.map((t) => ({ ...t, load: { ...t.load, schedule: redactTarget(t.load.schedule) } })),
    })),
  };
}
