/**
 * Readiness waits with bounded timeouts (effects: polling the API). A timeout names what was awaited,
 * the last state seen and what to look at.
 */
import { MeshbenchError } from '../../errors.ts';
import type { KubeClient, KubeJson } from './client.ts';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionsOf(obj: KubeJson | undefined): Condition[] {
  const status = obj?.status as { conditions?: Condition[] } | undefined;
  return status?.conditions ?? [];
}

/** True when the object has condition `type` with status True. */
export function hasCondition(obj: KubeJson | undefined, type: string): boolean {
  return conditionsOf(obj).some((c) => c.type === type && c.status === 'True');
}

/** One line describing the conditions (for timeouts): `Accepted=True, Programmed=False (reason: message)`. */
export function summarizeConditions(obj: KubeJson | undefined): string {
  if (!obj) return 'not found';
  const cs = conditionsOf(obj);
  if (!cs.length) return 'no conditions yet';
  return cs
    .map(
      (c) =>
        `${c.type}=${c.status}${c.status !== 'True' && (c.reason || c.message) ? ` (${[c.reason, c.message].filter(Boolean).join(': ')})` : ''}`,
    )
    .join(', ');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Polls `check` until it reports done; throws PLATFORM_FAILED with the last detail on timeout. */
export async function waitUntil(
  what: string,
  check: () => Promise<{ done: boolean; detail: string }>,
  opts: WaitOptions & { fix?: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let detail = 'not checked yet';
  for (;;) {
    const r = await check();
    detail = r.detail;
    if (r.done) return;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(opts.intervalMs ?? 1000, Math.max(1, deadline - Date.now())), opts.signal);
  }
  throw new MeshbenchError(
    'PLATFORM_FAILED',
    `timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${what}; last seen: ${detail}`,
    {
      fix:
        opts.fix ??
        'look at the object with `kubectl describe` and its events; raise the timeout if the cluster is slow',
    },
  );
}

/** Waits for an object's status condition (Programmed, Available, …) to be True. */
function waitForCondition(
  client: KubeClient,
  object: { apiVersion: string; kind: string; namespace: string; name: string },
  condition: string,
  opts: WaitOptions & { fix: string },
): Promise<void> {
  const { apiVersion, kind, namespace, name } = object;
  return waitUntil(
    `${kind} ${namespace}/${name} to be ${condition}`,
    async () => {
      const o = await client.get(apiVersion, kind, namespace, name);
      return { done: hasCondition(o, condition), detail: summarizeConditions(o) };
    },
    opts,
  );
}

export function waitForGatewayProgrammed(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<void> {
  return waitForCondition(
    client,
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace, name },
    'Programmed',
    {
      ...opts,
      fix: `kubectl describe gateway -n ${namespace} ${name} (a refused attachment or missing istio-waypoint class shows there)`,
    },
  );
}

export function waitForDeploymentAvailable(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<void> {
  return waitForCondition(
    client,
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name },
    'Available',
    {
      ...opts,
      fix: `kubectl describe deployment -n ${namespace} ${name}; kubectl get pods -n ${namespace}`,
    },
  );
}

export async function waitForDaemonSetReady(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<void> {
  await waitUntil(
    `DaemonSet ${namespace}/${name} to be ready`,
    async () => {
      const d = await client.get('apps/v1', 'DaemonSet', namespace, name);
      const s = d?.status as { desiredNumberScheduled?: number; numberReady?: number } | undefined;
      const done = !!s && (s.desiredNumberScheduled ?? 0) > 0 && s.numberReady === s.desiredNumberScheduled;
      return {
        done,
        detail: d ? `${s?.numberReady ?? 0}/${s?.desiredNumberScheduled ?? 0} ready` : 'not found',
      };
    },
    { ...opts, fix: `kubectl get pods -n ${namespace} -l app=${name}` },
  );
}

/** Waits until the Job has finished; returns whether it succeeded. */
export async function waitForJobFinished(
  client: KubeClient,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<'Complete' | 'Failed'> {
  let outcome: 'Complete' | 'Failed' = 'Failed';
  await waitUntil(
    `Job ${namespace}/${name} to finish`,
    async () => {
      const j = await client.get('batch/v1', 'Job', namespace, name);
      if (hasCondition(j, 'Complete')) outcome = 'Complete';
      else if (hasCondition(j, 'Failed')) outcome = 'Failed';
      else return { done: false, detail: summarizeConditions(j) };
      return { done: true, detail: outcome };
    },
    { ...opts, fix: `kubectl logs -n ${namespace} job/${name}` },
  );
  return outcome;
}
