/**
 * Several load agents per tenant on this machine: one child process per agent (local-agent-main.ts), each
 * driving its share of the tenant's connections. Tenants open their connections in start order, as the
 * in-process driver does; once every agent reports its connections warm (the start barrier), all get one
 * common start, so agents begin together and tenants keep their stagger. Results merge exactly
 * (merge-agents.ts); an agent that dies leaves its share counted as due and the tenant incomplete.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromAgent, LocalAgentInit, ToAgent } from './local-agent-protocol.ts';
import { progressOf, secondMerger } from './progress.ts';
import { type AgentOutcome, agentSchedule, mergeAgentResults } from './merge-agents.ts';
import { clock } from './paced-engine.ts';
import type { LoadProgress, LoadResult, LoadSchedule } from './types.ts';

/** Lead from the last agent's "prepared" to the common start: time to deliver the start to every agent. */
const START_LEAD_MS = 100;
/** Longest wait for an agent's connections to open and warm up. */
const PREPARE_TIMEOUT_MS = 60_000;

interface Agent {
  tenant: string;
  index: number;
  child: ChildProcess;
  prepared: Promise<void>;
  outcome: Promise<AgentOutcome>;
}

const GENERATOR_V8_FLAGS = ['--no-memory-reducer', '--max-semi-space-size=16'];

function agentEntry(): { file: string; execArgv: string[] } {
  const ts = import.meta.url.endsWith('.ts');
  const file = fileURLToPath(new URL(`./local-agent-main.${ts ? 'ts' : 'js'}`, import.meta.url));
  // The CLI's own V8 flags (bin/meshbench.js: no long GC pauses in a load generator), then tsx for sources.
  return { file, execArgv: [...GENERATOR_V8_FLAGS, ...(ts ? ['--import', 'tsx'] : [])] };
}

function spawnAgent(
  tenant: string,
  index: number,
  schedule: LoadSchedule,
  onSecond: ((m: FromAgent & { type: 'second' }) => void) | undefined,
): Agent {
  const { file, execArgv } = agentEntry();
  const init: LocalAgentInit = { tenant, schedule: agentSchedule(schedule, index), progress: !!onSecond };
  const child = fork(file, [JSON.stringify(init)], { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let onPrepared!: () => void;
  let onNotPrepared!: (e: Error) => void;
  const prepared = new Promise<void>((resolve, reject) => {
    onPrepared = resolve;
    onNotPrepared = reject;
  });
  prepared.catch(() => {});
  const outcome = new Promise<AgentOutcome>((resolve) => {
    let settled = false;
    const settle = (o: AgentOutcome) => {
      if (settled) return;
      settled = true;
      if ('failed' in o) onNotPrepared(new Error(`load agent ${index} of ${tenant}: ${o.failed}`));
      resolve(o);
    };
    child.on('message', (m: FromAgent) => {
      if (m.type === 'prepared') onPrepared();
      else if (m.type === 'second') onSecond?.(m);
      else if (m.type === 'result') settle({ index, result: m.result });
      else if (m.type === 'failed') settle({ index, failed: m.message });
    });
    child.on('error', (e) => settle({ index, failed: e.message }));
    child.on('exit', (code, signal) => {
      const last = stderr.trim().split('\n').slice(-3).join(' | ');
      settle({
        index,
        failed: `exited (${signal ?? `code ${code}`}) before reporting${last ? `: ${last}` : ''}`,
      });
    });
  });
  return { tenant, index, child, prepared, outcome };
}

const tell = (a: Agent, m: ToAgent) => {
  if (a.child.connected) a.child.send(m);
};

/** Per-second progress of a tenant from its agents, merged across the agents still running. */
function progressMerger(tenant: string, agents: () => Agent[], onProgress: (p: LoadProgress) => void) {
  return secondMerger(
    () => agents().filter((a) => a.child.exitCode === null && a.child.signalCode === null).length,
    (t, w) => onProgress(progressOf(tenant, t, w)),
  );
}

export async function runLocalAgents(input: {
  schedules: Record<string, LoadSchedule>;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}): Promise<Record<string, LoadResult>> {
  const { schedules, signal, onProgress } = input;
  const names = Object.keys(schedules);
  const all: Agent[] = [];
  const byTenant = new Map<string, Agent[]>();
  const onAbort = () => {
    for (const a of all) tell(a, { type: 'abort' });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Start order: a tenant starting later never takes a limited resource from one that started before it.
    const offsets = [...new Set(names.map((n) => schedules[n].startOffsetMs))].sort((a, b) => a - b);
    for (const offset of offsets) {
      const group = names.filter((n) => schedules[n].startOffsetMs === offset);
      for (const tenant of group) {
        const n = schedules[tenant].agents ?? 1;
        const agents: Agent[] = [];
        const merge = onProgress ? progressMerger(tenant, () => agents, onProgress) : undefined;
        for (let i = 0; i < n; i++) agents.push(spawnAgent(tenant, i, schedules[tenant], merge));
        byTenant.set(tenant, agents);
        all.push(...agents);
      }
      const group_ = group.flatMap((t) => byTenant.get(t) ?? []);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`load agents did not open their connections within ${PREPARE_TIMEOUT_MS} ms`)),
          PREPARE_TIMEOUT_MS,
        );
      });
      try {
        await Promise.race([Promise.all(group_.map((a) => a.prepared)), timeout]);
      } finally {
        clearTimeout(timer);
      }
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    }
    const startAt = clock() + START_LEAD_MS;
    for (const a of all) tell(a, { type: 'start', startAt });
    const results: Record<string, LoadResult> = {};
    for (const tenant of names) {
      const outcomes = await Promise.all((byTenant.get(tenant) ?? []).map((a) => a.outcome));
      results[tenant] = mergeAgentResults(
        schedules[tenant],
        outcomes,
        startAt + schedules[tenant].startOffsetMs,
      );
    }
    return results;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Nothing left behind: agents still running (a failed preparation, an error above) are stopped.
    for (const a of all)
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  }
}
