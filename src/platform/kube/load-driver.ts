/**
 * The in-cluster LoadDriver (effects): one agent or Fortio Job per tenant in the load namespace, all
 * holding for one coordinated start so tenants keep their stagger across pods; results read from the
 * pod logs and converted to LoadResults that look exactly like local ones.
 */
import { MeshbenchError } from '../../errors.ts';
import type { AgentBundle } from '../../load/agent/bundle.ts';
import { parseAgentResult } from '../../load/agent/protocol.ts';
import { type AgentOutcome, mergeAgentResults } from '../../load/merge-agents.ts';
import type { LoadDriver, LoadResult, LoadSchedule } from '../../load/types.ts';
import type { KubeClient, KubeJson } from './client.ts';
import { buildLoadResultFromFortio, extractFortioJson } from './fortio-result.ts';
import { buildAgentObjects, buildFortioObjects, loadJobName } from './manifests/load.ts';
import { type KubeObject, LOAD_NAMESPACE, type Placement } from './manifests/types.ts';
import { lastLines } from './subprocess.ts';
import { waitForJobFinished, waitUntil } from './wait.ts';

export interface KubeLoadDriverOptions {
  client: KubeClient;
  driver: 'agent' | 'fortio';
  placement: Placement;
  /** Builds (once) the agent bundle; only called for the agent driver. */
  bundle: () => Promise<Pick<AgentBundle, 'files' | 'gzipped'>>;
  /** Time from creating the Jobs to the coordinated start: pods must be running by then. */
  startLeadMs?: number;
  /** Extra time past the schedules' end before a Job counts as stuck. */
  graceMs: number;
  log?: (line: string) => void;
}

const running = (p: KubeJson) => (p.status as { phase?: string } | undefined)?.phase === 'Running';

export function createKubeLoadDriver(opts: KubeLoadDriverOptions): LoadDriver {
  const { client } = opts;
  const log = opts.log ?? (() => {});
  const lead = opts.startLeadMs ?? 60_000;

  const podsOf = (job: string) =>
    client.list('v1', 'Pod', { namespace: LOAD_NAMESPACE, labelSelector: `job-name=${job}` });
  const deleteJob = async (job: string) => {
    await client.delete('batch/v1', 'Job', LOAD_NAMESPACE, job);
    await client.delete('v1', 'ConfigMap', LOAD_NAMESPACE, job);
    await client.delete('v1', 'Secret', LOAD_NAMESPACE, job);
  };

  return {
    async run({ schedules, signal }) {
      const tenants = Object.keys(schedules);
      const agentsOf = (t: string) => (opts.driver === 'agent' ? (schedules[t].agents ?? 1) : 1);
      const jobs = Object.fromEntries(tenants.map((t) => [t, loadJobName(opts.driver, t)]));
      // A Job's pod template is immutable: leftovers of an earlier variant go first.
      for (const t of tenants) await deleteJob(jobs[t]);
      for (const t of tenants)
        await waitUntil(
          `old Job ${jobs[t]} to be gone`,
          async () => ({ done: !(await podsOf(jobs[t])).length, detail: 'pods left' }),
          { timeoutMs: 60_000, signal },
        );
      const startAt = Date.now() + lead;
      const bundle = opts.driver === 'agent' ? await opts.bundle() : undefined;
      try {
        for (const t of tenants) {
          const schedule = schedules[t];
          const objs: KubeObject[] = bundle
            ? buildAgentObjects({
                tenant: t,
                bundle,
                config: { tenant: t, startAt, schedule },
                placement: opts.placement,
              })
            : buildFortioObjects({ tenant: t, schedule, startAt, placement: opts.placement });
          for (const o of objs) await client.apply(o);
        }
        log(`load Jobs created; coordinated start in ${Math.round(lead / 1000)} s`);
        // Pods must be up before the start or the stagger cannot hold: fail rather than measure something else.
        for (const t of tenants) {
          await waitUntil(
            `the ${opts.driver} pod of ${t} to run before the coordinated start`,
            async () => {
              const pods = await podsOf(jobs[t]);
              const phase =
                pods.map((p) => (p.status as { phase?: string } | undefined)?.phase ?? '?').join(',') ||
                'no pod yet';
              // Every agent pod of the tenant (an Indexed Job's N), or it cannot carry its share from the start.
              const up = pods.filter(
                (p) => running(p) || (p.status as { phase?: string })?.phase === 'Succeeded',
              ).length;
              return { done: up >= agentsOf(t), detail: phase };
            },
            {
              timeoutMs: Math.max(1000, startAt - Date.now()),
              signal,
              fix: `kubectl describe pods -n ${LOAD_NAMESPACE} -l job-name=${jobs[t]}; preload the image (kind load docker-image) or raise the start lead`,
            },
          );
        }
        const longest = Math.max(...tenants.map((t) => schedules[t].startOffsetMs + schedules[t].durationMs));
        const results: Record<string, LoadResult> = {};
        for (const t of tenants) {
          const timeoutMs = Math.max(1000, startAt + longest + opts.graceMs - Date.now());
          const outcome = await waitForJobFinished(client, LOAD_NAMESPACE, jobs[t], {
            timeoutMs,
            signal,
            intervalMs: 2000,
          });
          if (agentsOf(t) > 1) {
            results[t] = await collectAgents(t, schedules[t], startAt, outcome);
            continue;
          }
          const pod = (await podsOf(jobs[t]))[0];
          if (!pod)
            throw new MeshbenchError(
              'PLATFORM_FAILED',
              `the ${opts.driver} Job of ${t} finished (${outcome}) but its pod is gone`,
              { fix: 'keep Jobs until collected (no ttlSecondsAfterFinished)' },
            );
          const container = opts.driver === 'agent' ? 'agent' : 'fortio';
          const text = await client.podLog(LOAD_NAMESPACE, pod.metadata?.name ?? '', container);
          results[t] = parseResult({
            driver: opts.driver,
            tenant: t,
            log: text,
            schedule: schedules[t],
            startAt,
            outcome,
          });
        }
        return results;
      } finally {
        for (const t of tenants) await deleteJob(jobs[t]).catch(() => {});
      }
    },
  };

  /** An Indexed Job's agents, one result per completion index, merged; a pod without one is a failed agent. */
  async function collectAgents(
    tenant: string,
    schedule: LoadSchedule,
    startAt: number,
    outcome: string,
  ): Promise<LoadResult> {
    const job = loadJobName('agent', tenant);
    const pods = await podsOf(job);
    const outcomes: AgentOutcome[] = [];
    for (let index = 0; index < (schedule.agents ?? 1); index++) {
      const pod = pods.find((p) => p.metadata?.annotations?.[COMPLETION_INDEX] === String(index));
      if (!pod) {
        outcomes.push({ index, failed: `no pod for completion index ${index} (Job ${outcome})` });
        continue;
      }
      const text = await client.podLog(LOAD_NAMESPACE, pod.metadata?.name ?? '', 'agent');
      const r = parseAgentResult(text);
      outcomes.push(
        r
          ? { index, result: { ...r, driver: 'agent' } }
          : { index, failed: `pod ${pod.metadata?.name} left no result: ${lastLines(text, 3).join(' | ')}` },
      );
    }
    try {
      return mergeAgentResults(schedule, outcomes, startAt + schedule.startOffsetMs);
    } catch (e) {
      throw new MeshbenchError('PLATFORM_FAILED', `the agents of ${tenant} (${outcome}) left no result`, {
        details: outcomes.map((o) => ('failed' in o ? `agent ${o.index}: ${o.failed}` : '')).filter(Boolean),
        fix: `kubectl logs -n ${LOAD_NAMESPACE} -l job-name=${job} --prefix`,
        cause: e,
      });
    }
  }
}

/** The annotation Kubernetes puts on an Indexed Job's pods. */
const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

function parseResult(input: {
  driver: 'agent' | 'fortio';
  tenant: string;
  log: string;
  schedule: LoadSchedule;
  startAt: number;
  outcome: string;
}): LoadResult {
  if (input.driver === 'agent') {
    const r = parseAgentResult(input.log);
    if (r) return { ...r, driver: 'agent' };
  } else {
    const f = extractFortioJson(input.log);
    if (f)
      return buildLoadResultFromFortio({
        fortio: f,
        schedule: input.schedule,
        startedAt: input.startAt + input.schedule.startOffsetMs,
      });
  }
  throw new MeshbenchError(
    'PLATFORM_FAILED',
    `the ${input.driver} of ${input.tenant} (${input.outcome}) left no result in its log`,
    {
      details: lastLines(input.log, 10),
      fix: `kubectl logs -n ${LOAD_NAMESPACE} job/${loadJobName(input.driver, input.tenant)}`,
    },
  );
}
