/** A human summary of a RunPlan (pure): tenants, load, variants and their waypoints, thresholds. */
import { formatDuration } from '../suite/duration.ts';
import { planEnvelope, type RunPlan } from '../suite/plan.ts';
import type { WaypointEnvelope } from '../topology/schema.ts';
import { waypointFor } from '../topology/model.ts';

function describeEnvelope(w: WaypointEnvelope | undefined): string {
  if (!w) return 'Waypoint envelope: none (no variant has a waypoint)';
  const requests =
    w.cpuRequest || w.memoryRequest
      ? ` (Kubernetes requests ${w.cpuRequest ?? '—'} CPU, ${w.memoryRequest ?? '—'})`
      : '';
  return `Waypoint envelope: ${w.cpuLimit} CPU, ${w.memoryLimit}${requests}, connections ${w.maxConnections}, pending ${w.maxPendingRequests}, requests ${w.maxRequests}, Istio behaviour ${w.istioBehaviour}`;
}

export function describePlan(plan: RunPlan): string {
  const l = plan.load;
  const lines = [
    `Suite ${plan.suite.name} on ${plan.platform}${plan.scale !== 1 ? ` (scale ${plan.scale})` : ''}`,
    plan.suite.description ? `  ${plan.suite.description}` : '',
    `Load per tenant: ${l.model} loop, ${l.rate ?? 'max'} req/s over ${l.connections} connections for ${formatDuration(l.durationMs)} (warm-up ${formatDuration(l.warmupMs)}, timeout ${formatDuration(l.timeoutMs)}, ${l.behindSchedule})`,
    describeEnvelope(planEnvelope(plan)),
    `Policy: allow ${plan.policy.methods.join(', ')} from ${plan.policy.sourceNamespaces.join(', ')}`,
    'Tenants:',
    ...plan.tenants.map(
      (t) =>
        `  ${t.name} (namespace ${t.namespace}): ${t.method} ${t.service}:${t.port}${t.path}, starts at +${formatDuration(t.startOffsetMs)}`,
    ),
    ...loadStepLines(plan),
    'Variants:',
    // A sweep lists each variant once; its steps are on the Sweep line.
    ...plan.variants
      .filter((v) => !v.load || v.load.step === 0)
      .map((v) => {
        const wps =
          v.topology.waypoints
            .map((w) => `${w.namespace}/${w.name} (admits ${w.admits.join(', ')})`)
            .join('; ') || 'no waypoints';
        const routes = plan.tenants
          .map((t) => {
            const w = waypointFor(v.topology, t.namespace, t.service);
            return `${t.name}→${w ? `${w.namespace}/${w.name}` : 'direct'}`;
          })
          .join(', ');
        return `  ${v.name}${plan.repeats > 1 ? ` #${v.repeat}` : ''}: ${wps}; ${routes}`;
      }),
    `Thresholds (${plan.thresholds.length}):`,
    ...plan.thresholds.map((t) => `  ${t.key}: ${t.expression}${t.abortOnFail ? ' (abort on fail)' : ''}`),
  ];
  return lines.filter((x) => x !== '').join('\n');
}

const offered = (s: { rate?: number; connections: number; factor: number }) =>
  `${s.rate === undefined ? `${s.connections} conns` : `${s.rate}`} (${s.factor}×)`;

/** The sweep's steps or the search's settings, as the plan will run them. */
function loadStepLines(plan: RunPlan): string[] {
  const lines: string[] = [];
  if (plan.sweep)
    lines.push(
      `Sweep: ${plan.sweep.steps.length} steps per variant, req/s per tenant: ${plan.sweep.steps.map(offered).join(', ')}; the main tables read step ${plan.sweep.reference + 1}`,
    );
  if (plan.slo)
    lines.push(
      `SLO: every tenant p99 ≤ ${plan.slo.p99Ms} ms (intended start), errors ≤ ${plan.slo.errors * 100}%`,
    );
  if (plan.search)
    lines.push(
      `Search: per variant, from ${plan.search.start}× the suite's load, doubling or halving, bisection to ${plan.search.resolution * 100}%, then a confirmation run; at most ${plan.search.maxProbes} probes`,
    );
  return lines;
}
