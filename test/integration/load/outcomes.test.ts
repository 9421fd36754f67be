import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSchedule } from '../../../src/load/driver.ts';
import {
  expectClosed,
  freePort,
  liveHandles,
  schedule,
  settleHandles,
  startRawServer,
  startStatusServer,
} from './helpers.ts';

describe.each(['raw', 'undici'] as const)('outcome classes and bad targets (%s client)', (client) => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('counts each non-2xx status apart and keeps error latency out of the success histogram', async () => {
    const srv = await startStatusServer((n) => (n % 4 === 0 ? 503 : n % 4 === 1 ? 404 : 200));
    try {
      const r = await runSchedule(
        schedule({ client, url: srv.url, rate: 200, connections: 4, durationMs: 1000 }),
      );
      const { ok, status } = r.outcomes;
      expect(ok + (status['503'] ?? 0) + (status['404'] ?? 0)).toBe(200);
      expect(status['503']).toBeGreaterThan(30);
      expect(status['404']).toBeGreaterThan(30);
      expect(r.outcomes.okByStatus?.['200']).toBe(ok);
      const { decodeHistogram } = await import('../../../src/metrics/histogram.ts');
      expect(decodeHistogram(r.latency.intended).totalCount).toBe(ok);
      expect(decodeHistogram(r.latency.errors).totalCount).toBe(200 - ok);
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('a refused port → refused', async () => {
    const port = await freePort();
    const r = await runSchedule(
      schedule({ client, url: `http://127.0.0.1:${port}/`, rate: 50, connections: 2, durationMs: 600 }),
    );
    expect(r.outcomes.refused).toBe(30);
    expect(r.outcomes.ok).toBe(0);
  });

  it('a server that closes every connection → reset', async () => {
    const srv = await startRawServer('reset');
    try {
      const r = await runSchedule(
        schedule({ client, url: srv.url, rate: 50, connections: 2, durationMs: 600 }),
      );
      expect(r.outcomes.reset).toBe(30);
    } finally {
      await srv.close();
    }
  });

  it('malformed HTTP → other, by parser error code', async () => {
    const srv = await startRawServer('malformed');
    try {
      const r = await runSchedule(
        schedule({ client, url: srv.url, rate: 50, connections: 2, durationMs: 600 }),
      );
      const codes = Object.keys(r.outcomes.other);
      expect(r.requests.completed).toBe(30);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c.startsWith('HPE_'))).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('a server that never answers → timeout, and the run ends by duration + timeout (+ slack)', async () => {
    const srv = await startRawServer('silent');
    try {
      const t0 = Date.now();
      const r = await runSchedule(
        schedule({ client, url: srv.url, rate: 20, connections: 2, durationMs: 1000, timeoutMs: 300 }),
      );
      const elapsed = Date.now() - t0;
      // Warm-up requests (bounded by the timeout) + duration + timeout + small slack.
      expect(elapsed).toBeLessThan(300 + 1000 + 300 + 900);
      expect(r.outcomes.timeout).toBeGreaterThan(0);
      expect(r.outcomes.ok).toBe(0);
      // Behind (each request waits out 300 ms at 100 ms spacing): owed requests are counted, never lost.
      expect(r.outcomes.timeout + r.outcomes.skipped).toBe(r.requests.intended);
    } finally {
      await srv.close();
    }
  });

  it('a DNS failure → other ENOTFOUND (runSchedule does not probe; the CLI does)', async () => {
    const r = await runSchedule(
      schedule({
        client,
        url: 'http://meshbench-nonexistent.invalid/',
        rate: 20,
        connections: 1,
        durationMs: 300,
      }),
    );
    expect(r.outcomes.other.ENOTFOUND).toBe(6);
  });

  it('rejects a bad schedule before opening any socket', async () => {
    await expect(runSchedule(schedule({ client, url: 'ftp://127.0.0.1/' }))).rejects.toMatchObject({
      code: 'INVALID_URL',
    });
    await expect(
      runSchedule(schedule({ client, url: 'http://127.0.0.1:1/', rate: 0 })),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(
      runSchedule(schedule({ client, url: 'http://127.0.0.1:1/', connections: 0 })),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(
      runSchedule(schedule({ client, url: 'http://127.0.0.1:1/', durationMs: -5 })),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
  });

  it('skip policy: requests due while the connection is busy are skipped and counted', async () => {
    const srv = await startStatusServer(() => 200, 120);
    try {
      const r = await runSchedule(
        schedule({
          client,
          url: srv.url,
          rate: 100,
          connections: 2,
          durationMs: 1000,
          behindSchedule: 'skip',
        }),
      );
      expect(r.outcomes.skipped).toBeGreaterThan(50);
      expect(r.outcomes.ok + r.outcomes.skipped).toBe(r.requests.intended);
    } finally {
      await srv.close();
    }
  });
});
