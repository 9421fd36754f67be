/** A tenant's LoadSchedule as the in-cluster drivers send it (pure). */
import type { LoadSchedule } from '../../load/types.ts';
import type { LoadPlan, TenantPlan } from '../../suite/plan.ts';

/** In-cluster URL of a tenant's target service. */
export function serviceUrl(t: TenantPlan): string {
  return `http://${t.service}.${t.namespace}.svc.cluster.local:${t.port}${t.path}`;
}

export function buildTenantSchedule(t: TenantPlan, load: LoadPlan): LoadSchedule {
  return {
    url: serviceUrl(t),
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
  };
}
