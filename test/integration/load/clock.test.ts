import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDelayServer } from '../../../bench/servers/delay-server.ts';
import { runSchedule } from '../../../src/load/driver.ts';
import { liveHandles, schedule, settleHandles } from './helpers.ts';

describe('result timestamps', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('takes startedAt and endedAt from the same (engine) clock, whatever the wall clock says', async () => {
    const srv = await startDelayServer({ delayMs: 1 });
    try {
      // The wall clock jumps an hour back (NTP step, VM resume): the result's span must not.
      const wall = Date.now;
      vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000);
      const r = await runSchedule(schedule({ url: srv.url, rate: 50, connections: 2, durationMs: 1000 }));
      expect(r.endedAt - r.startedAt).toBeGreaterThan(900);
      expect(r.endedAt - r.startedAt).toBeLessThan(3000);
    } finally {
      await srv.close();
    }
  });
});
