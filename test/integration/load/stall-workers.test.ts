import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDelayServer } from '../../../bench/servers/delay-server.ts';
import { runSchedule } from '../../../src/load/driver.ts';
import { decodeHistogram, percentileMs } from '../../../src/metrics/histogram.ts';
import { expectClosed, liveHandles, schedule, settleHandles } from './helpers.ts';

describe('stall visibility, worker threads, abort', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('a 1 s server stall shows in the intended-start latency and not in the actual-start latency', async () => {
    const srv = await startDelayServer({ delayMs: 2 });
    try {
      const stall = setTimeout(() => srv.stall(1000), 1500);
      const r = await runSchedule(schedule({ url: srv.url, rate: 400, connections: 5, durationMs: 4000 }));
      clearTimeout(stall);
      const intended = decodeHistogram(r.latency.intended);
      const actual = decodeHistogram(r.latency.actual);
      // ~1/4 of the requests were due during the stall: they are late by up to 1 s.
      expect(percentileMs(intended, 90)).toBeGreaterThan(300);
      expect(percentileMs(intended, 99)).toBeGreaterThan(800);
      // Sent late (catch-up), each answered promptly: only the 5 requests caught in flight (0.3%) are slow.
      expect(percentileMs(actual, 99)).toBeLessThan(300);
      expect(r.outcomes.ok).toBe(1600);
      // The series shows the stall in the seconds it happened.
      const worst = r.series.map((s) => percentileMs(decodeHistogram(s.histogram), 99));
      expect(Math.max(worst[1], worst[2])).toBeGreaterThan(500);
      expect(worst[0]).toBeLessThan(400);
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('splits connections across worker threads and merges their histograms exactly', async () => {
    const srv = await startDelayServer({ delayMs: 2 });
    try {
      const progress: number[] = [];
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 300, connections: 6, durationMs: 2000, workers: 2 }),
        {
          onProgress: (p) => progress.push(p.rps),
        },
      );
      expect(r.engine.workers).toBe(2);
      expect(r.requests.intended).toBe(600);
      expect(r.outcomes.ok).toBe(600);
      expect(decodeHistogram(r.latency.intended).totalCount).toBe(600);
      expect(decodeHistogram(r.scheduleLag).totalCount).toBe(600);
      expect(r.series.reduce((a, s) => a + decodeHistogram(s.histogram).totalCount, 0)).toBe(600);
      // Progress merges both workers' seconds.
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress[0]).toBeGreaterThan(250);
      // Server saw every request exactly once (plus one warm-up per connection).
      expect(srv.takeStats().count).toBe(606);
    } finally {
      await srv.close();
    }
  });

  it('on abort: stops sending, returns what was measured, marked incomplete', async () => {
    const srv = await startDelayServer({ delayMs: 2 });
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 800);
      const t0 = Date.now();
      const r = await runSchedule(schedule({ url: srv.url, rate: 100, connections: 5, durationMs: 10_000 }), {
        signal: ac.signal,
      });
      expect(Date.now() - t0).toBeLessThan(2500);
      expect(r.incomplete).toBe(true);
      expect(r.outcomes.ok).toBeGreaterThan(50);
      expect(r.outcomes.ok).toBeLessThan(120);
      expect(r.measuredMs).toBeLessThan(2000);
    } finally {
      await srv.close();
    }
  });

  it('closed loop through autocannon returns the same LoadResult shape', async () => {
    const srv = await startDelayServer({ delayMs: 2 });
    try {
      const r = await runSchedule(
        schedule({ url: srv.url, model: 'closed', rate: undefined, connections: 4, durationMs: 1000 }),
      );
      expect(r.driver).toBe('autocannon');
      expect(r.outcomes.ok).toBeGreaterThan(200);
      expect(decodeHistogram(r.latency.intended).totalCount).toBe(r.outcomes.ok);
      expect(r.achievedRps).toBeGreaterThan(200);
    } finally {
      await srv.close();
    }
  });
});
