/** A tenant's LoadSchedule from the run plan, aimed at `url` (pure; local and in-cluster drivers share it). */
import type { LoadPlan, TenantPlan } from '../suite/plan.ts';
import type { LoadSchedule } from './types.ts';

export function tenantSchedule(t: TenantPlan, load: LoadPlan, url: string): LoadSchedule {
  return {
    url,
    method: t.method,
    headers: { ...t.headers },
    ...(t.body !== undefined ? { body: t.body } : {}),
    model: load.model,
    ...(load.rate !== undefined ? { rate: load.rate } : {}),
    connections: load.connections,
    durationMs: load.durationMs,
    startOffsetMs: t.startOffsetMs,
    warmupMs: load.warmupMs,
    timeoutMs: load.timeoutMs,
    behindSchedule: load.behindSchedule,
    jitter: load.jitter,
    workers: 'auto',
    ...(load.agents > 1 ? { agents: load.agents } : {}),
  };
}
