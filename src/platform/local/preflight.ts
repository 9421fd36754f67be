/**
 * The local platform's preflight (effects): the probes of topology/preflight.ts sent through each tenant's
 * real entry (the same URL and mesh headers as its load), and each serving waypoint's request counter
 * read before and after.
 */
import { Agent, request } from 'undici';
import type { TenantPlan } from '../../suite/plan.ts';
import {
  buildReport,
  judgePath,
  judgeProbe,
  type PathCheck,
  type PreflightReport,
  type ProbeOutcome,
  type ProbeSpec,
  planTenantProbes,
} from '../../topology/preflight.ts';
import type { Topology } from '../../topology/model.ts';
import type { TenantTarget } from '../types.ts';
import { SOURCE_NAMESPACE_HEADER, SOURCE_SA_HEADER } from './destination.ts';
import { scrape } from './waypoint-scrape.ts';

/** Probes carry their own service account, so Istio 1.24's internal cluster does not charge them a slot. */
export const PREFLIGHT_SA = 'meshbench-preflight';
const PROBE_TIMEOUT_MS = 5000;
const REQUEST_COUNTER = 'downstream_rq_total';

async function send(agent: Agent, target: TenantTarget, spec: ProbeSpec): Promise<ProbeOutcome> {
  try {
    const res = await request(target.url, {
      dispatcher: agent,
      method: spec.method as 'GET',
      headers: {
        ...target.headers,
        [SOURCE_NAMESPACE_HEADER]: spec.sourceNamespace,
        [SOURCE_SA_HEADER]: PREFLIGHT_SA,
      },
      body: spec.method === 'GET' || spec.method === 'HEAD' ? undefined : 'meshbench preflight',
      headersTimeout: PROBE_TIMEOUT_MS,
      bodyTimeout: PROBE_TIMEOUT_MS,
    });
    const body = await res.body.text();
    // Envoy's RBAC local reply: its own 403, not one from the application behind it.
    const fromWaypoint = res.headers.server === 'envoy' && body.startsWith('RBAC:');
    return judgeProbe(spec, { status: res.statusCode, fromWaypoint });
  } catch (e) {
    return judgeProbe(spec, { status: null, error: (e as Error).message });
  }
}

export async function runLocalPreflight(input: {
  /** The topology the suite says this variant has (what the probes expect). */
  expected: Topology;
  tenants: readonly TenantPlan[];
  targets: readonly TenantTarget[];
  /** Each running waypoint by key (what `scrape` reads: its admin port). */
  waypoints: ReadonlyMap<string, Parameters<typeof scrape>[0]>;
}): Promise<PreflightReport> {
  const probes: ProbeOutcome[] = [];
  const paths: PathCheck[] = [];
  const notes: string[] = [];
  const agent = new Agent({ connections: 1 });
  try {
    for (const tenant of input.tenants) {
      const target = input.targets.find((t) => t.tenant === tenant.name);
      const planned = planTenantProbes(input.expected, tenant);
      notes.push(...planned.notes);
      if (!target) {
        notes.push(`${tenant.name}: no load target under this topology; not probed`);
        continue;
      }
      const waypoint = planned.waypoint ? input.waypoints.get(planned.waypoint) : undefined;
      const before = waypoint ? await scrape(waypoint) : null;
      for (const spec of planned.probes) probes.push(await send(agent, target, spec));
      if (!planned.waypoint) continue;
      const after = waypoint ? await scrape(waypoint) : null;
      paths.push(
        judgePath({
          tenant: tenant.name,
          waypoint: planned.waypoint,
          before: before?.[REQUEST_COUNTER] ?? 0,
          // A waypoint that is not running (or does not answer) cannot have carried the probes.
          after: after?.[REQUEST_COUNTER] ?? before?.[REQUEST_COUNTER] ?? 0,
          probes: planned.probes.length,
        }),
      );
    }
  } finally {
    await agent.close();
  }
  return buildReport(probes, paths, notes);
}
