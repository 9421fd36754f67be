import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDelayServer } from '../../../bench/servers/delay-server.ts';
import { summarizeLoad } from '../../../src/analysis/summarize.ts';
import { createLocalLoadDriver, runSchedule } from '../../../src/load/driver.ts';
import { GENERATOR_NICE } from '../../../src/load/priority.ts';
import { decodeHistogram, percentileMs } from '../../../src/metrics/histogram.ts';
import { expectClosed, liveHandles, schedule, settleHandles } from './helpers.ts';

/** Holds the event loop (the engine's thread) for `ms`: the generator cannot send meanwhile. */
function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('late requests: backpressure vs generator lag', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('a slow server keeps every connection busy: lateness is backpressure, the generator kept up, valid', async () => {
    // 10 req/s per connection but 200 ms per answer: each connection's backlog grows for the whole run.
    const srv = await startDelayServer({ delayMs: 200 });
    try {
      const r = await runSchedule(
        schedule({ url: srv.url, rate: 100, connections: 10, durationMs: 2000, warmupMs: 500 }),
      );
      const l = r.lateness;
      expect(l).toBeDefined();
      if (!l) return;
      // Measured requests due in [0.5 s, 2 s): about 150, every one late (sent late or never sent).
      expect(r.requests.intended).toBe(150);
      expect(r.outcomes.skipped).toBeGreaterThan(20);
      expect(l.backpressure).toBe(r.requests.intended);
      expect(l.generator).toBe(0);
      expect(l.generatorLate).toBe(0);
      // The total lag is large; the generator's part of it is nil.
      expect(percentileMs(decodeHistogram(r.scheduleLag), 50)).toBeGreaterThan(100);
      expect(decodeHistogram(l.generatorLag).totalCount).toBe(r.requests.sent);
      expect(percentileMs(decodeHistogram(l.generatorLag), 100)).toBeLessThan(1);
      const figures = summarizeLoad(r);
      expect(figures.late).toEqual({ backpressure: 150, generator: 0 });
      expect(figures.validity).toEqual({ valid: true, reasons: [] });
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('with the skip policy (and worker threads), requests skipped behind a busy connection are backpressure too', async () => {
    const srv = await startDelayServer({ delayMs: 200 });
    try {
      const r = await runSchedule(
        schedule({
          url: srv.url,
          rate: 100,
          connections: 10,
          durationMs: 2000,
          warmupMs: 500,
          behindSchedule: 'skip',
          workers: 2,
        }),
      );
      expect(r.engine.workers).toBe(2);
      const l = r.lateness;
      expect(l).toBeDefined();
      if (!l) return;
      expect(r.outcomes.skipped).toBeGreaterThan(50);
      expect(l.backpressure).toBeGreaterThanOrEqual(r.outcomes.skipped);
      expect(l.generator).toBe(0);
      // The workers' split merged exactly: one generator-lag sample per sent request.
      expect(decodeHistogram(l.generatorLag).totalCount).toBe(r.requests.sent);
      expect(summarizeLoad(r).validity.valid).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('a blocked event loop on a fast server is generator lag, and the result is invalid', async () => {
    const srv = await startDelayServer({ delayMs: 1 });
    try {
      let blocked = false;
      const r = await runSchedule(schedule({ url: srv.url, rate: 400, connections: 20, durationMs: 3000 }), {
        // About 1 s into the run, on the engine's own thread.
        onProgress: () => {
          if (blocked) return;
          blocked = true;
          blockEventLoop(300);
        },
      });
      expect(blocked).toBe(true);
      const l = r.lateness;
      expect(l).toBeDefined();
      if (!l) return;
      expect(r.outcomes.ok).toBe(1200);
      // Every connection idle when the loop blocked sent its first overdue request up to 300 ms late.
      expect(l.generator).toBeGreaterThanOrEqual(10);
      expect(l.generatorLate).toBeGreaterThanOrEqual(10);
      const lag = decodeHistogram(l.generatorLag);
      expect(lag.maxValue / 1000).toBeGreaterThan(200);
      expect(percentileMs(lag, 99)).toBeGreaterThan(20);
      const figures = summarizeLoad(r);
      expect(figures.generatorLag?.lateShare).toBeGreaterThan(0.01);
      expect(figures.validity.valid).toBe(false);
      expect(figures.validity.reasons).toEqual([
        expect.stringMatching(/^generator lag p99 \d+(\.\d+)? ms > 5 ms$/),
        expect.stringMatching(/^generator-late share \d+(\.\d+)?% of requests > 0\.1%$/),
      ]);
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('the local driver raises its priority for the run, says so, and puts it back', async () => {
    const srv = await startDelayServer({ delayMs: 1 });
    try {
      const niceBefore = getPriority(0);
      const others = () =>
        readdirSync('/proc/self/task')
          .map(Number)
          .filter((tid) => tid !== process.pid)
          .map((tid) => getPriority(tid));
      const othersBefore = others();
      let during: number[] = [];
      const out = await createLocalLoadDriver().run({
        schedules: { a: schedule({ url: srv.url, rate: 50, connections: 5, durationMs: 1500 }) },
        onProgress: () => {
          during = others();
        },
      });
      const notes = out.a.engine.notes;
      if (process.getuid?.() === 0 && niceBefore > GENERATOR_NICE) {
        expect(notes).toContain(`load generator at nice ${GENERATOR_NICE}`);
        // Every thread of the process, V8's helpers included, not only the one that asked.
        expect(during.length).toBeGreaterThan(0);
        expect(during.every((n) => n === GENERATOR_NICE)).toBe(true);
      } else
        expect(
          notes.some((n) =>
            /^(load generator at nice|could not raise the load generator's priority)/.test(n),
          ),
        ).toBe(true);
      expect(getPriority(0)).toBe(niceBefore);
      expect(others().slice(0, othersBefore.length)).toEqual(othersBefore);
    } finally {
      await srv.close();
    }
  });
});
