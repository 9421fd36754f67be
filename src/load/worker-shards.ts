/**
 * Past one core: a schedule's connections split across worker threads (connection i → worker i mod W, keeping
 * its global phase), each running the paced engine; tallies merge exactly.
 */
import { Worker } from 'node:worker_threads';
import { decodeHistogram, mergeHistograms } from '../metrics/histogram.ts';
import type { WorkerCommand, WorkerInit, WorkerMessage } from './engine-worker.ts';
import type { EngineRunInput } from './paced-engine.ts';
import { type EngineTally, mergeTallies, TallyRecorder } from './tally.ts';
import type { LoadSchedule } from './types.ts';

/** The worker entry next to this module: a tsx bootstrap for .ts sources (vitest, the CLI), .js in a build. */
function workerEntry(): URL {
  const ts = import.meta.url.endsWith('.ts');
  return new URL(ts ? './engine-worker-boot.mjs' : './engine-worker.js', import.meta.url);
}

interface Shard {
  worker: Worker;
  ready: Promise<void>;
  done: Promise<EngineTally>;
}

export class WorkerShards {
  private readonly shards: Shard[] = [];
  private secondListener: ((m: WorkerMessage & { type: 'second' }) => void) | null = null;

  constructor(schedule: LoadSchedule, workers: number) {
    const url = workerEntry();
    for (let w = 0; w < workers; w++) {
      const indices: number[] = [];
      for (let i = w; i < schedule.connections; i += workers) indices.push(i);
      const worker = new Worker(url, { workerData: { schedule, indices } satisfies WorkerInit });
      let onReady!: () => void;
      const ready = new Promise<void>((r) => {
        onReady = r;
      });
      const done = new Promise<EngineTally>((resolve) => {
        const failed = (why: string) => {
          onReady();
          const empty = new TallyRecorder(0, 0).toTally(0, [`worker ${w} failed: ${why}`]);
          resolve(empty);
        };
        worker.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') onReady();
          else if (m.type === 'second') this.secondListener?.(m);
          else if (m.type === 'done') resolve(m.tally);
        });
        worker.on('error', (err) => failed(err.message));
        worker.on('exit', (code) => failed(`exited with code ${code} before reporting`));
      });
      this.shards.push({ worker, ready, done });
    }
  }

  /** Resolves when every worker has its connections warmed up. */
  async prepare(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.ready));
  }

  async run(input: EngineRunInput): Promise<EngineTally> {
    const { startAt, signal, onSecond } = input;
    const pending = new Map<number, { n: number; completed: number; errors: number; hs: string[] }>();
    this.secondListener = (m) => {
      const p = pending.get(m.t) ?? { n: 0, completed: 0, errors: 0, hs: [] };
      p.n++;
      p.completed += m.completed;
      p.errors += m.errors;
      p.hs.push(m.histogram);
      pending.set(m.t, p);
      if (p.n === this.shards.length) {
        pending.delete(m.t);
        onSecond?.(m.t, {
          completed: p.completed,
          errors: p.errors,
          histogram: mergeHistograms(p.hs.map(decodeHistogram)),
        });
      }
    };
    const send = (c: WorkerCommand) => {
      for (const s of this.shards) s.worker.postMessage(c);
    };
    const onAbort = () => send({ type: 'abort' });
    signal?.addEventListener('abort', onAbort, { once: true });
    send({ type: 'start', startAt });
    if (signal?.aborted) onAbort();
    const tallies = await Promise.all(this.shards.map((s) => s.done));
    signal?.removeEventListener('abort', onAbort);
    return mergeTallies(tallies.map((t) => ({ ...t, workers: t.workers || (t.notes.length ? 0 : 1) })));
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.worker.terminate()));
  }
}
