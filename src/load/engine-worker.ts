/** Worker-thread entry: drives one share of a schedule's connections and posts its tally back. */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeHistogram } from '../metrics/histogram.ts';
import { PacedEngine, type WarmupTiming } from './paced-engine.ts';
import type { LoadSchedule } from './types.ts';

export interface WorkerInit {
  schedule: LoadSchedule;
  indices: number[];
  warmup?: WarmupTiming;
}
export type WorkerCommand = { type: 'start'; startAt: number } | { type: 'abort' };
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'second'; t: number; completed: number; errors: number; histogram: string }
  | { type: 'done'; tally: import('./tally.ts').EngineTally };

const port = parentPort;
if (port) {
  const { schedule, indices, warmup } = workerData as WorkerInit;
  const engine = new PacedEngine(schedule, indices);
  const abort = new AbortController();
  const post = (m: WorkerMessage) => port.postMessage(m);
  port.on('message', async (m: WorkerCommand) => {
    if (m.type === 'abort') abort.abort();
    if (m.type !== 'start') return;
    const tally = await engine.run({
      startAt: m.startAt,
      signal: abort.signal,
      onSecond: (t, w) =>
        post({
          type: 'second',
          t,
          completed: w.completed,
          errors: w.errors,
          histogram: encodeHistogram(w.histogram),
        }),
    });
    await engine.close();
    post({ type: 'done', tally });
    port.close();
  });
  await engine.prepare(warmup);
  post({ type: 'ready' });
}
