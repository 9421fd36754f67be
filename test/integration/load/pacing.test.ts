import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalLoadDriver, runSchedule } from '../../../src/load/driver.ts';
import { expectClosed, listen, liveHandles, schedule, settleHandles } from './helpers.ts';

/** A server that records, per connection, when each request arrived (ms, performance clock). */
async function startRecordingServer() {
  const arrivals = new Map<number, number[]>();
  const server = createServer((req, res) => {
    const port = req.socket.remotePort ?? 0;
    const list = arrivals.get(port) ?? [];
    list.push(performance.timeOrigin + performance.now());
    arrivals.set(port, list);
    req.resume();
    setTimeout(() => res.end('ok'), 2);
  });
  server.keepAliveTimeout = 60_000;
  return { ...(await listen(server)), arrivals };
}

/** A server that records which tenant (x-tenant) sent each request, in arrival order. */
async function startOrderServer() {
  const order: string[] = [];
  const server = createServer((req, res) => {
    order.push(String(req.headers['x-tenant']));
    req.resume();
    res.end('ok');
  });
  return { ...(await listen(server)), order };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('paced engine pacing', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('holds the rate, spaces each connection by C/R and offsets connection i by i/C of the interval', async () => {
    const srv = await startRecordingServer();
    try {
      const rate = 200;
      const connections = 10;
      const r = await runSchedule(schedule({ url: srv.url, rate, connections, durationMs: 3000 }));
      expect(r.requests.intended).toBe(600);
      expect(r.outcomes.ok).toBe(600);
      expect(r.achievedRps).toBeGreaterThan(rate * 0.98);
      expect(r.achievedRps).toBeLessThan(rate * 1.02);
      // Each connection: its first request is the unrecorded warm-up; the paced ones follow 50 ms apart.
      expect(srv.arrivals.size).toBe(connections);
      const phases: number[] = [];
      for (const list of srv.arrivals.values()) {
        const paced = list.slice(1);
        expect(paced.length).toBe(60);
        const gaps = paced.slice(1).map((t, i) => t - paced[i]);
        expect(Math.abs(median(gaps) - 50)).toBeLessThan(5);
        // This connection's phase: the typical offset of its k-th arrival from start + k × 50 ms.
        phases.push(median(paced.map((t, k) => t - r.startedAt - k * 50)));
      }
      // Uniform phases: connections offset by 0, 5, 10, … 45 ms (not all at once).
      phases.sort((a, b) => a - b);
      const phaseGaps = phases.slice(1).map((t, i) => t - phases[i]);
      expect(Math.abs(median(phaseGaps) - 5)).toBeLessThan(2);
      expect(phases[phases.length - 1] - phases[0]).toBeGreaterThan(40);
      expect(phases[phases.length - 1] - phases[0]).toBeLessThan(50);
      // Per-second series cover the run by intended start.
      expect(r.series.map((s) => s.t)).toEqual([0, 1, 2]);
      expect(r.series.reduce((a, s) => a + s.completed, 0)).toBe(600);
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('excludes the warm-up from the figures but flags it in the series', async () => {
    const srv = await startRecordingServer();
    try {
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 100, connections: 5, durationMs: 2000, warmupMs: 1000 }),
      );
      expect(r.requests.warmup).toBe(100);
      expect(r.requests.intended).toBe(100);
      expect(r.measuredMs).toBe(1000);
      expect(r.series.find((s) => s.t === 0)?.warmup).toBe(true);
      expect(r.series.find((s) => s.t === 1)?.warmup).toBe(false);
    } finally {
      await srv.close();
    }
  });

  it('starts tenants from one common start, each after its own offset', async () => {
    const srv = await startRecordingServer();
    try {
      const progress: string[] = [];
      const out = await createLocalLoadDriver().run({
        schedules: {
          a: schedule({ url: srv.url, rate: 50, connections: 5, durationMs: 1500 }),
          b: schedule({ url: srv.url, rate: 50, connections: 5, durationMs: 1500, startOffsetMs: 700 }),
        },
        onProgress: (p) => progress.push(p.tenant),
      });
      const lag = out.b.startedAt - out.a.startedAt;
      expect(lag).toBeGreaterThan(690);
      expect(lag).toBeLessThan(710);
      expect(out.a.outcomes.ok).toBe(75);
      expect(out.b.outcomes.ok).toBe(75);
      expect(progress).toContain('a');
      expect(progress).toContain('b');
    } finally {
      await srv.close();
    }
  });

  it('opens connections in start order; tenants starting together open theirs interleaved', async () => {
    const srv = await startOrderServer();
    try {
      const one = (tenant: string, over: { startOffsetMs?: number; thread?: boolean } = {}) =>
        schedule({
          url: srv.url,
          headers: { 'x-tenant': tenant },
          rate: 20,
          connections: 20,
          durationMs: 200,
          ...over,
        });
      // a and b start together (b in a worker thread, which boots slower); c starts later.
      await createLocalLoadDriver().run({
        schedules: { a: one('a'), b: one('b', { thread: true }), c: one('c', { startOffsetMs: 100 }) },
      });
      // The first 60 requests are the warm-ups, one per connection.
      const warmups = srv.order.slice(0, 60);
      expect(warmups.slice(40).every((t) => t === 'c')).toBe(true);
      const together = warmups.slice(0, 40);
      // Interleaved, as a race: not one tenant's block after the other's (one switch), but several
      // switches and both tenants in the first half.
      const switches = together.filter((t, i) => i > 0 && t !== together[i - 1]).length;
      expect(switches).toBeGreaterThanOrEqual(3);
      expect(together.slice(0, 20).filter((t) => t === 'a').length).toBeGreaterThanOrEqual(3);
      expect(together.slice(0, 20).filter((t) => t === 'b').length).toBeGreaterThanOrEqual(3);
    } finally {
      await srv.close();
    }
  });
});
