/**
 * Past one core: a schedule's connections split across worker threads (connection i → worker i mod W, keeping
 * its global phase), each running the paced engine; tallies merge exactly.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerCommand, WorkerInit, WorkerMessage } from './engine-worker.ts';
import type { EngineRunInput, WarmupTiming } from './paced-engine.ts';
import { type EngineTally, mergeTallies } from './tally.ts';
import { unsentShareTally } from './unsent-share.ts';
import { secondMerger } from './progress.ts';
import type { LoadSchedule } from './types.ts';

/** The worker entry next to this module: a tsx bootstrap for .ts sources (vitest, the CLI), .js in a build. */
export function workerEntry(): URL {
  const ts = import.meta.url.endsWith('.ts');
  return new URL(ts ? './engine-worker-boot.mjs' : './engine-worker.js', import.meta.url);
}

/** How a shard ended: its tally, or why it failed (an error, or an exit before reporting). */
type ShardOutcome = { tally: EngineTally } | { failed: string };

interface Shard {
  worker: Worker;
  indices: number[];
  ready: Promise<void>;
  done: Promise<ShardOutcome>;
  failed: boolean;
}

export class WorkerShards {
  private readonly shards: Shard[] = [];
  private secondListener: ((m: WorkerMessage & { type: 'second' }) => void) | null = null;

  constructor(
    private readonly schedule: LoadSchedule,
    workers: number,
    /** The module each worker runs (a seam for tests; default: the engine worker). */
    entry: (w: number) => URL = workerEntry,
    /** When the warm-up requests go (default: at once). */
    warmup?: WarmupTiming,
    /** The connections to spread over the workers (default all; a load agent's share otherwise). */
    driven: readonly number[] = Array.from({ length: schedule.connections }, (_, i) => i),
  ) {
    for (let w = 0; w < workers; w++) {
      const indices: number[] = [];
      for (let k = w; k < driven.length; k += workers) indices.push(driven[k]);
      const worker = new Worker(entry(w), { workerData: { schedule, indices, warmup } satisfies WorkerInit });
      let onReady!: () => void;
      const ready = new Promise<void>((r) => {
        onReady = r;
      });
      const shard = { worker, indices, ready, failed: false } as Shard;
      shard.done = new Promise<ShardOutcome>((resolve) => {
        let settled = false;
        const failed = (why: string) => {
          onReady();
          if (settled) return;
          settled = true;
          shard.failed = true;
          resolve({ failed: why });
        };
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') onReady();
          else if (m.type === 'second') this.secondListener?.(m);
          else if (m.type === 'done' && !settled) {
            settled = true;
            resolve({ tally: m.tally });
          }
        });
        worker.on('error', (err) => failed(err.message));
        worker.on('exit', (code) => failed(`exited with code ${code} before reporting`));
      });
      this.shards.push(shard);
    }
  }

  /** Resolves when every worker has its connections warmed up. */
  async prepare(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.ready));
  }

  /**
   * A failed worker's share of the schedule: its requests are counted as due (intended or warm-up) but never
   * sent or completed, and the tally is marked incomplete, so they do not silently vanish from the counts.
   */
  private failedTally(w: number, why: string, startAt: number): EngineTally {
    return unsentShareTally(this.schedule, this.shards[w].indices, startAt, `worker ${w} failed: ${why}`);
  }

  async run(input: EngineRunInput): Promise<EngineTally> {
    const { startAt, signal, onSecond } = input;
    // A failed worker reports no more seconds: wait only for the live ones.
    this.secondListener = secondMerger(
      () => this.shards.filter((s) => !s.failed).length,
      (t, w) => onSecond?.(t, w),
    );
    const send = (c: WorkerCommand) => {
      for (const s of this.shards) s.worker.postMessage(c);
    };
    const onAbort = () => send({ type: 'abort' });
    signal?.addEventListener('abort', onAbort, { once: true });
    send({ type: 'start', startAt });
    if (signal?.aborted) onAbort();
    const outcomes = await Promise.all(this.shards.map((s) => s.done));
    signal?.removeEventListener('abort', onAbort);
    return mergeTallies(
      outcomes.map((o, w) => ('tally' in o ? o.tally : this.failedTally(w, o.failed, startAt))),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }
}
