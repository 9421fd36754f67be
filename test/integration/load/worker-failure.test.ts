import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDelayServer } from '../../../bench/servers/delay-server.ts';
import { buildLoadResult } from '../../../src/load/build-result.ts';
import { clock } from '../../../src/load/paced-engine.ts';
import { WorkerShards, workerEntry } from '../../../src/load/worker-shards.ts';
import { liveHandles, schedule, settleHandles } from './helpers.ts';

const failingEntry = new URL('./fixtures/failing-worker.mjs', import.meta.url);

describe('a worker thread that fails', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('marks the result incomplete, says which worker failed and keeps its requests in the counts', async () => {
    const srv = await startDelayServer({ delayMs: 1 });
    const s = schedule({ url: srv.url, rate: 200, connections: 4, durationMs: 2000, workers: 2 });
    const shards = new WorkerShards(s, 2, (w) => (w === 1 ? failingEntry : workerEntry()));
    try {
      await shards.prepare();
      const startAt = clock() + 50;
      const seconds: number[] = [];
      const tally = await shards.run({ startAt, onSecond: (t) => seconds.push(t) });
      const r = buildLoadResult({
        schedule: s,
        driver: 'paced',
        tally,
        startedAt: startAt,
        endedAt: clock(),
        incomplete: tally.incomplete ?? false,
      });
      expect(r.incomplete).toBe(true);
      expect(r.engine.notes.some((n) => /worker 1 failed: .*injected worker failure/.test(n))).toBe(true);
      expect(r.engine.workers).toBe(1);
      // Worker 0 (connections 0 and 2) ran its half; worker 1's half is due but never sent.
      expect(r.requests.intended).toBe(400);
      expect(r.requests.sent).toBe(200);
      expect(r.outcomes.ok).toBe(200);
      // Progress still flows from the live worker.
      expect(seconds).toContain(0);
    } finally {
      await shards.close();
      await srv.close();
    }
  });
});
