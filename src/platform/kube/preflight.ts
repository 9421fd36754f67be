/**
 * The Kubernetes preflight (effects): the probe Jobs of preflight-plan.ts run in the mesh, their answers
 * read from the pod logs, and each serving waypoint's request counter read through the pod proxy before
 * and after.
 */
import { MeshbenchError } from '../../errors.ts';
import type { TenantPlan } from '../../suite/plan.ts';
import type { Topology } from '../../topology/model.ts';
import { buildReport, judgePath, type PathCheck, type PreflightReport } from '../../topology/preflight.ts';
import type { KubeClient } from './client.ts';
import { PROBE_JOB, type ProbeAnswer, buildProbeObjects, parseProbeAnswers } from './manifests/probe.ts';
import type { Placement } from './manifests/types.ts';
import { judgeKubeProbes, planKubeProbes, waypointRequestsTo } from './preflight-plan.ts';
import { lastLines } from './subprocess.ts';
import { waitForJobFinished, waitUntil } from './wait.ts';

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Requests the waypoint `ns/name` handled for a service, summed over its pods; undefined when unreadable. */
async function waypointRequests(
  client: KubeClient,
  waypoint: string,
  target: TenantPlan,
): Promise<number | undefined> {
  const [namespace, name] = waypoint.split('/');
  const pods = await client.list('v1', 'Pod', { namespace, labelSelector: `${GATEWAY_NAME_LABEL}=${name}` });
  let total: number | undefined;
  for (const pod of pods) {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod.metadata?.name ?? '')}:15020/proxy/stats/prometheus`;
    const text = await client.getText(path).catch(() => undefined);
    if (text !== undefined) total = (total ?? 0) + waypointRequestsTo(text, target.service, target.namespace);
  }
  return total;
}

async function deleteProbe(client: KubeClient, namespace: string): Promise<void> {
  await client.delete('batch/v1', 'Job', namespace, PROBE_JOB);
  await client.delete('v1', 'Secret', namespace, PROBE_JOB);
}

export async function runKubePreflight(input: {
  client: KubeClient;
  expected: Topology;
  tenants: readonly TenantPlan[];
  placement: Placement;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<PreflightReport> {
  const { client } = input;
  const plan = planKubeProbes(input.expected, input.tenants);
  const counted = plan.tenants.filter((t) => t.waypoint !== null);
  const before = new Map<string, number | undefined>();
  for (const t of counted) before.set(t.tenant, await waypointRequests(client, t.waypoint ?? '', t.target));

  const answers: ProbeAnswer[] = [];
  const podsOf = (namespace: string) =>
    client.list('v1', 'Pod', { namespace, labelSelector: `job-name=${PROBE_JOB}` });
  try {
    for (const namespace of plan.byNamespace.keys()) {
      // A Job's pod template is immutable: an earlier variant's probe goes first.
      await deleteProbe(client, namespace);
      await waitUntil(
        `the old probe Job in ${namespace} to be gone`,
        async () => ({ done: (await podsOf(namespace)).length === 0, detail: 'pods left' }),
        { timeoutMs: input.timeoutMs, signal: input.signal },
      );
      const requests = plan.byNamespace.get(namespace) ?? [];
      for (const o of buildProbeObjects({ namespace, requests, placement: input.placement }))
        await client.apply(o);
    }
    for (const namespace of plan.byNamespace.keys()) {
      const outcome = await waitForJobFinished(client, namespace, PROBE_JOB, {
        timeoutMs: input.timeoutMs,
        signal: input.signal,
        intervalMs: 1000,
      });
      const pod = (await podsOf(namespace))[0];
      const log = pod ? await client.podLog(namespace, pod.metadata?.name ?? '', 'probe') : '';
      const parsed = parseProbeAnswers(log);
      if (!parsed)
        throw new MeshbenchError(
          'PLATFORM_FAILED',
          `the preflight probe Job in ${namespace} (${outcome}) left no answers in its log`,
          { details: lastLines(log, 10), fix: `kubectl logs -n ${namespace} job/${PROBE_JOB}` },
        );
      answers.push(...parsed);
    }
  } finally {
    for (const namespace of plan.byNamespace.keys()) await deleteProbe(client, namespace).catch(() => {});
  }

  const paths: PathCheck[] = [];
  for (const t of counted) {
    const after = await waypointRequests(client, t.waypoint ?? '', t.target);
    const start = before.get(t.tenant);
    paths.push(
      judgePath({
        tenant: t.tenant,
        waypoint: t.waypoint ?? '',
        // An unreadable starting count would credit the waypoint's whole history to the probes.
        before: start ?? after ?? 0,
        // Unreadable counters cannot show the probes crossed the waypoint.
        after: after ?? start ?? 0,
        probes: t.probes.length,
      }),
    );
  }
  return buildReport(judgeKubeProbes(plan, answers), paths, plan.notes);
}
