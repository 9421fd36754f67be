/**
 * The local LoadDriver: tenants' schedules prepared together (connections warmed up), then started from one
 * common instant, each after its own startOffsetMs. Open model → paced engine (in-process, or worker threads
 * past one core); closed model → autocannon.
 */
import { buildLoadResult } from './build-result.ts';
import { checkSchedule, connectionIndices, resolveWorkers } from './check-schedule.ts';
import { runClosedLoop } from './closed-loop.ts';
import { clock, type EngineRunInput, PacedEngine, type WarmupTiming } from './paced-engine.ts';
import { checkConnectionBudget } from './fd-limit.ts';
import { raiseGeneratorPriority } from './priority.ts';
import type { EngineTally, WindowSnapshot } from './tally.ts';
import type { LoadDriver, LoadProgress, LoadResult, LoadSchedule } from './types.ts';
import { WorkerShards } from './worker-shards.ts';
import { runLocalAgents } from './local-agents.ts';
import { progressOf } from './progress.ts';

/** Gap between the end of preparation and the common start, so every tenant's first timer is armed. */
const START_LEAD_MS = 50;

export interface RunScheduleOptions {
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
  /** Tenant name for progress reports (default 'default'). */
  tenant?: string;
  /** Epoch ms of the common start; the schedule begins startOffsetMs after it (default: as soon as ready). */
  startAt?: number;
  /**
   * Called once the connections are open and warmed, before the start: a start barrier. A load agent reports
   * ready here and resolves with the common start its coordinator chose (epoch ms), which overrides startAt.
   */
  onPrepared?: () => Promise<number | undefined>;
  /** Each second's raw window (a load agent forwards it to its coordinator, which merges the agents'). */
  onWindow?: (t: number, w: WindowSnapshot) => void;
}

interface PreparedSchedule {
  /** Runs the schedule, then closes its connections. */
  start(opts: RunScheduleOptions & { startAt: number }): Promise<LoadResult>;
  /** Closes the connections without running (another tenant failed to prepare). */
  close(): Promise<void>;
}

/** Checks the schedule and opens (and warms) its connections; throws MeshbenchError on a bad schedule. */
async function prepareSchedule(schedule: LoadSchedule, warmup?: WarmupTiming): Promise<PreparedSchedule> {
  const problem = checkSchedule(schedule);
  if (problem) throw problem;
  const indices = connectionIndices(schedule);
  const workers = resolveWorkers(schedule, undefined, indices.length);
  let run: (input: EngineRunInput) => Promise<EngineTally>;
  let close: () => Promise<void> = async () => {};
  let driver: LoadResult['driver'] = 'paced';
  if (schedule.model === 'closed') {
    driver = 'autocannon';
    run = (input) => runClosedLoop(schedule, input);
  } else if (workers === 1 && !schedule.thread) {
    // workers: 1 never spawns a thread (the in-cluster agent bundle relies on this).
    const engine = new PacedEngine(schedule, indices);
    await engine.prepare(warmup);
    run = (input) => engine.run(input);
    close = () => engine.close();
  } else {
    const shards = new WorkerShards(schedule, workers, undefined, warmup, indices);
    await shards.prepare();
    run = (input) => shards.run(input);
    close = () => shards.close();
  }
  return {
    close: () => close(),
    async start({ startAt, signal, onProgress, onWindow, tenant = 'default' }) {
      const begin = startAt + schedule.startOffsetMs;
      try {
        const tally = await run({
          startAt: begin,
          signal,
          onSecond:
            onProgress || onWindow
              ? (t, w) => {
                  onWindow?.(t, w);
                  onProgress?.(progressOf(tenant, t, w));
                }
              : undefined,
        });
        return buildLoadResult({
          schedule,
          driver,
          tally,
          startedAt: begin,
          endedAt: clock(),
          // The engine knows whether it stopped before carrying out the schedule (abort signal, failed worker);
          // a tenant that finished its schedule before the signal is complete.
          incomplete: tally.incomplete ?? signal?.aborted ?? false,
        });
      } finally {
        await close();
      }
    },
  };
}

/** Runs one schedule end to end (its startOffsetMs counted from opts.startAt, or from when it is ready). */
export async function runSchedule(
  schedule: LoadSchedule,
  opts: RunScheduleOptions = {},
): Promise<LoadResult> {
  checkConnectionBudget(connectionIndices(schedule).length);
  const prepared = await prepareSchedule(schedule);
  let startAt = opts.startAt;
  if (opts.onPrepared) {
    try {
      startAt = (await opts.onPrepared()) ?? startAt;
    } catch (err) {
      await prepared.close();
      throw err;
    }
  }
  return prepared.start({ ...opts, startAt: startAt ?? clock() + START_LEAD_MS });
}

/** Lead and spacing of the interleaved warm-ups of tenants starting together. */
const TOGETHER_LEAD_MS = 2000;
const TOGETHER_SPACING_MS = 2;

/** Marks a tenant left unprepared because one starting before it failed. */
const NOT_PREPARED = new Error('not prepared: a tenant starting earlier failed');

/**
 * Opens the tenants' connections in the order they start, as separate load generators started one after
 * the other would: a tenant starting later never takes a limited resource (a waypoint's connection slots)
 * from one that started before it. Tenants starting together open theirs interleaved (connection i of
 * each at the same moment), as simultaneous generators race for them.
 */
async function prepareInStartOrder(
  names: string[],
  schedules: Record<string, LoadSchedule>,
): Promise<PromiseSettledResult<PreparedSchedule>[]> {
  const out = new Array<PromiseSettledResult<PreparedSchedule>>(names.length);
  const offsets = [...new Set(names.map((n) => schedules[n].startOffsetMs))].sort((a, b) => a - b);
  for (const offset of offsets) {
    const group = names.map((n, i) => [n, i] as const).filter(([n]) => schedules[n].startOffsetMs === offset);
    // Past the worker threads' start-up, so no tenant's connections go first for booting faster.
    const warmup =
      group.length > 1 ? { at: clock() + TOGETHER_LEAD_MS, spacingMs: TOGETHER_SPACING_MS } : undefined;
    const settled = await Promise.allSettled(group.map(([n]) => prepareSchedule(schedules[n], warmup)));
    group.forEach(([, i], k) => {
      out[i] = settled[k];
    });
    // A failed group stops the preparation; the caller closes what was opened.
    if (settled.some((x) => x.status === 'rejected'))
      return names.map(
        (_, i) =>
          out[i] ?? { status: 'rejected', reason: new Error('not prepared: an earlier tenant failed') },
      );
  }
  return out;
}

export function createLocalLoadDriver(): LoadDriver {
  return {
    async run({ schedules, signal, onProgress }) {
      // Before any worker thread or agent process starts: they inherit this thread's priority.
      const priority = raiseGeneratorPriority();
      try {
        const names = Object.keys(schedules);
        // Several agents per tenant: one process each (their own event loops), coordinated from here.
        if (names.some((n) => (schedules[n].agents ?? 1) > 1)) {
          const results = await runLocalAgents({ schedules, signal, onProgress });
          for (const r of Object.values(results)) r.engine.notes.push(priority.note);
          return results;
        }
        // Every tenant's connections live in this process: past its descriptor limit they fail as EMFILE.
        checkConnectionBudget(names.reduce((a, n) => a + schedules[n].connections, 0));
        const settled = await prepareInStartOrder(names, schedules);
        const failed = settled.find(
          (s): s is PromiseRejectedResult => s.status === 'rejected' && s.reason !== NOT_PREPARED,
        );
        if (failed) {
          await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
          throw failed.reason;
        }
        const prepared = settled.map((s) => (s as PromiseFulfilledResult<PreparedSchedule>).value);
        const startAt = clock() + START_LEAD_MS;
        const results = await Promise.all(
          prepared.map((p, i) => p.start({ startAt, signal, onProgress, tenant: names[i] })),
        );
        for (const r of results) r.engine.notes.push(priority.note);
        return Object.fromEntries(names.map((n, i) => [n, results[i]]));
      } finally {
        priority.restore();
      }
    },
  };
}
