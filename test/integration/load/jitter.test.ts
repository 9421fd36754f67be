import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDelayServer } from '../../../bench/servers/delay-server.ts';
import { runSchedule } from '../../../src/load/driver.ts';
import { decodeHistogram, percentileMs } from '../../../src/metrics/histogram.ts';
import { liveHandles, schedule, settleHandles } from './helpers.ts';

describe('paced engine jitter', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('draws each request’s jitter once: it is sent at, and measured from, the same intended time', async () => {
    const srv = await startDelayServer({ delayMs: 0 });
    try {
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 200, connections: 10, durationMs: 3000, jitter: 0.3 }),
      );
      // Every request of the schedule is due once (jitter moves it in time, never in or out of the run).
      expect(r.requests.intended).toBe(600);
      expect(r.outcomes.ok).toBe(600);
      const intendedP50 = percentileMs(decodeHistogram(r.latency.intended), 50);
      const actualP50 = percentileMs(decodeHistogram(r.latency.actual), 50);
      // A second draw at send time made the intended start differ from the timer's by up to ±15 ms (p50 ≈ 9 ms).
      expect(intendedP50 - actualP50).toBeLessThan(2);
      expect(percentileMs(decodeHistogram(r.scheduleLag), 50)).toBeLessThan(2);
    } finally {
      await srv.close();
    }
  });
});
