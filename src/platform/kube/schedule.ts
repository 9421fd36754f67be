/** A tenant's LoadSchedule as the in-cluster drivers send it (pure). */
import { tenantSchedule } from '../../load/tenant-schedule.ts';
import type { LoadSchedule } from '../../load/types.ts';
import type { LoadPlan, TenantPlan } from '../../suite/plan.ts';

/** In-cluster URL of a tenant's target service. */
export function serviceUrl(t: TenantPlan): string {
  return `http://${t.service}.${t.namespace}.svc.cluster.local:${t.port}${t.path}`;
}

export function buildTenantSchedule(t: TenantPlan, load: LoadPlan): LoadSchedule {
  return tenantSchedule(t, load, serviceUrl(t));
}
