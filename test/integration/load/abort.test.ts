import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSchedule } from '../../../src/load/driver.ts';
import { listen, liveHandles, schedule, settleHandles } from './helpers.ts';

/** HTTP server answering the n-th request (1-based) after delayMs(n); calls onRequest(n) on its arrival. */
async function startServer(delayMs: (n: number) => number, onRequest: (n: number) => void = () => {}) {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    const k = ++n;
    onRequest(k);
    const t = setTimeout(() => res.end('ok'), delayMs(k));
    res.on('close', () => clearTimeout(t));
  });
  server.keepAliveTimeout = 60_000;
  return listen(server);
}

describe('abort accounting', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('counts requests cut off in flight as aborted, so intended adds up', async () => {
    // The 5 warm-up requests answer at once; the paced ones hang for 3 s, longer than the abort grace.
    const srv = await startServer((n) => (n <= 5 ? 0 : 3000));
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 800);
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 20, connections: 5, durationMs: 10_000, timeoutMs: 5000 }),
        { signal: ac.signal },
      );
      expect(r.incomplete).toBe(true);
      const { completed, intended } = r.requests;
      // Each connection's first paced request was in flight when the signal came: all 5 cut off.
      expect(r.outcomes.aborted).toBe(5);
      expect(completed).toBe(0);
      expect(completed + r.outcomes.skipped + (r.outcomes.aborted ?? 0)).toBe(intended);
    } finally {
      await srv.close();
    }
  }, 20_000);

  it('a tenant that finished its schedule before the signal is complete', async () => {
    const ac = new AbortController();
    const connections = 2;
    const total = 50;
    // The signal fires as the last scheduled request reaches the server: nothing is left to send or cut.
    const srv = await startServer(
      () => 1,
      (n) => {
        if (n === connections + total) ac.abort();
      },
    );
    try {
      const r = await runSchedule(schedule({ url: srv.url, rate: 50, connections, durationMs: 1000 }), {
        signal: ac.signal,
      });
      expect(ac.signal.aborted).toBe(true);
      expect(r.outcomes.ok).toBe(total);
      expect(r.outcomes.aborted ?? 0).toBe(0);
      expect(r.incomplete).toBeUndefined();
    } finally {
      await srv.close();
    }
  });

  it('leaves no timer behind once the requests in flight at the signal have settled', async () => {
    // Warm-up answers at once, paced requests after 100 ms: all settle well inside the 500 ms abort grace.
    const srv = await startServer((n) => (n <= 3 ? 0 : 100));
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    try {
      // Let timers of earlier tests run out first, so any timer left now is this run's.
      for (let i = 0; i < 40 && timers() > 0; i++) await new Promise((r) => setTimeout(r, 50));
      const before = timers();
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 30, connections: 3, durationMs: 10_000, timeoutMs: 5000 }),
        { signal: ac.signal },
      );
      expect(r.incomplete).toBe(true);
      expect(r.outcomes.aborted ?? 0).toBe(0);
      // A pending grace timer would keep a CLI process alive after its result was written.
      expect(timers()).toBe(before);
    } finally {
      await srv.close();
    }
  });
});
