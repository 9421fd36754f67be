/**
 * The in-cluster load agent: reads its config, waits for the coordinated start (all tenants' pods share
 * it, so the stagger between tenants holds across pods), runs the schedule with the same engine as local
 * runs, and prints the LoadResult between markers for the driver to read from the pod log.
 * Bundled with esbuild into agent.mjs (+ engine-worker.js) and run by a stock Node image.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runSchedule } from '../driver.ts';
import { agentSchedule } from '../merge-agents.ts';
import { AGENT_SECRET_HEADERS, type AgentConfig, formatAgentResult } from './protocol.ts';

/** Later than this after the coordinated start, the stagger cannot hold: the agent says so and fails. */
export const LATE_TOLERANCE_MS = 1000;

export async function runAgent(
  configPath: string,
  opts: { signal?: AbortSignal; log?: (l: string) => void } = {},
) {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const config = JSON.parse(await readFile(configPath, 'utf8')) as AgentConfig;
  // Credential headers come from the Secret mounted next to config.json (never from the ConfigMap).
  const secret = await readFile(join(dirname(configPath), AGENT_SECRET_HEADERS), 'utf8').catch(
    () => undefined,
  );
  if (secret !== undefined) {
    config.schedule = {
      ...config.schedule,
      headers: { ...config.schedule.headers, ...(JSON.parse(secret) as Record<string, string>) },
    };
  }
  // One of several agents of the tenant (an Indexed Job's pod): drive its share of the connections.
  const of = config.schedule.agents ?? 1;
  if (of > 1) {
    const index = Number(process.env.JOB_COMPLETION_INDEX);
    if (!(Number.isInteger(index) && index >= 0 && index < of))
      throw new Error(
        `agent ${config.tenant} is one of ${of} but JOB_COMPLETION_INDEX is ${JSON.stringify(process.env.JOB_COMPLETION_INDEX)}; run it as an Indexed Job`,
      );
    config.schedule = agentSchedule(config.schedule, index);
  }
  const lateBy = Date.now() - config.startAt;
  if (config.startAt > 0 && lateBy > LATE_TOLERANCE_MS) {
    throw new Error(
      `agent ${config.tenant} started ${lateBy} ms after the coordinated start; raise the start lead`,
    );
  }
  log(
    `agent ${config.tenant}${of > 1 ? ` ${config.schedule.shard?.index} of ${of}` : ''}: ${config.schedule.rate ?? 'max'} req/s over ${config.schedule.connections} connections to ${config.schedule.url}, start in ${-lateBy} ms + ${config.schedule.startOffsetMs} ms`,
  );
  const result = await runSchedule(config.schedule, {
    tenant: config.tenant,
    ...(config.startAt > 0 ? { startAt: config.startAt } : {}),
    signal: opts.signal,
  });
  return result;
}

/** The process entry (boot.cjs in the pod, or `node main.ts CONFIG` directly): result on stdout. */
export async function agentMain(configPath: string): Promise<void> {
  const ac = new AbortController();
  process.once('SIGTERM', () => ac.abort(new Error('SIGTERM')));
  try {
    process.stdout.write(formatAgentResult(await runAgent(configPath, { signal: ac.signal })));
  } catch (e) {
    process.stderr.write(`meshbench agent failed: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void agentMain(process.argv[2] ?? '/etc/meshbench/config.json');
}
