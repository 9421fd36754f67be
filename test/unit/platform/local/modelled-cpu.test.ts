import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelledCpu } from '../../../../src/platform/local/modelled-cpu.ts';

describe('ModelledCpu (a CFS quota charged per request)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const clock = () => Date.now();

  it('runs requests at once while the period budget lasts', () => {
    const cpu = new ModelledCpu({ cores: 0.1, now: clock }); // 10 ms per 100 ms period
    for (let i = 0; i < 10; i++) expect(cpu.charge(1)).toBeNull();
    expect(cpu.stats).toMatchObject({ throttledPeriods: 0, usageSeconds: 0.01 });
  });

  it('holds requests beyond the budget until the next period, in arrival order', async () => {
    const cpu = new ModelledCpu({ cores: 0.1, now: clock });
    for (let i = 0; i < 10; i++) cpu.charge(1);
    vi.advanceTimersByTime(30);
    const order: number[] = [];
    const a = cpu.charge(1);
    const b = cpu.charge(1);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    a?.then(() => order.push(1));
    b?.then(() => order.push(2));
    await vi.advanceTimersByTimeAsync(69);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(order).toEqual([1, 2]);
    const s = cpu.stats;
    expect(s.throttledPeriods).toBe(1);
    // Held from t=30 to the period's end at t=100.
    expect(s.throttledSeconds).toBeCloseTo(0.07, 3);
    cpu.close();
  });

  it('demand below the quota is never throttled; above it, throughput is the quota', async () => {
    const run = async (perPeriod: number) => {
      vi.setSystemTime(0);
      const cpu = new ModelledCpu({ cores: 0.2, now: clock }); // 20 ms per period
      let done = 0;
      for (let p = 0; p < 50; p++) {
        for (let i = 0; i < perPeriod; i++) {
          const w = cpu.charge(0.5);
          if (w) w.then(() => done++);
          else done++;
          await vi.advanceTimersByTimeAsync(100 / perPeriod);
        }
      }
      const stats = cpu.stats;
      cpu.close();
      return { done, stats };
    };
    const under = await run(36); // 18 ms of 20 per period
    expect(under.stats.throttledPeriods).toBe(0);
    expect(under.done).toBe(36 * 50);
    const over = await run(60); // 30 ms of 20 per period
    expect(over.stats.throttledPeriods).toBeGreaterThan(45);
    // 40 requests per period get through: the quota, not the demand, sets throughput.
    expect(over.done).toBeGreaterThanOrEqual(40 * 49);
    expect(over.done).toBeLessThanOrEqual(40 * 50 + 1);
  });

  it('carries overrun into the next period as debt', () => {
    const cpu = new ModelledCpu({ cores: 0.1, now: clock });
    expect(cpu.charge(9)).toBeNull();
    expect(cpu.charge(6)).toBeNull(); // 15 of 10: runs, 5 ms owed
    vi.advanceTimersByTime(100);
    expect(cpu.charge(4)).toBeNull(); // 5 + 4 = 9 < 10
    expect(cpu.charge(2)).toBeNull(); // 11: runs, owes again
    expect(cpu.charge(1)).not.toBeNull();
    cpu.close();
  });

  it('requests released together at a period start share one wakeup', async () => {
    const cpu = new ModelledCpu({ cores: 0.1, wakeMs: 1, now: clock }); // 10 ms per period
    for (let i = 0; i < 5; i++) expect(cpu.charge(1)).toBeNull(); // 5 × (1 + 1) = 10: spent
    const held = Array.from({ length: 6 }, () => cpu.charge(1));
    expect(held.every((h) => h !== null)).toBe(true);
    await vi.advanceTimersByTimeAsync(101);
    await Promise.all(held);
    // 6 held requests: 6 × 1 + one wakeup = 7 ms, against 5 × 2 = 10 ms had they arrived one by one.
    expect(cpu.stats.usageSeconds).toBeCloseTo(0.017, 6);
    cpu.close();
  });

  it('rejects a non-positive core count', () => {
    expect(() => new ModelledCpu({ cores: 0 })).toThrow(/cores > 0/);
  });
});
