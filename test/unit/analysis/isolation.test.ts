/**
 * The isolation score: aligned windows clear of warm-up, the bootstrap interval (fixed seed, known
 * distributions), and the score end to end from per-second histograms.
 */
import { describe, expect, it } from 'vitest';
import {
  compareWindows,
  isolationScore,
  isolationWindows,
  seededRandom,
} from '../../../src/analysis/isolation.ts';
import type { SecondSample } from '../../../src/load/types.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';

/** A tenant's seconds 0..n-1, the first `warm` whole seconds in the warm-up, latencies drawn per second. */
function series(
  n: number,
  warm: number,
  latencyUs: (t: number, i: number) => number,
  perSecond = 500,
): SecondSample[] {
  return Array.from({ length: n }, (_, t) => {
    const h = createHistogram();
    for (let i = 0; i < perSecond; i++) recordMicros(h, latencyUs(t, i));
    return {
      t,
      completed: perSecond,
      measured: t < warm ? 0 : perSecond,
      ok: perSecond,
      errors: 0,
      histogram: encodeHistogram(h),
      warmup: t < warm,
    };
  });
}

describe('isolationWindows', () => {
  const s = series(30, 5, () => 5000, 10);
  it('takes equal whole-second windows either side of the later start, clear of warm-up, at most 10 s', () => {
    expect(isolationWindows(s, 15)).toEqual({ before: { from: 5, to: 15 }, after: { from: 15, to: 25 } });
    expect(isolationWindows(s, 20)).toEqual({ before: { from: 10, to: 20 }, after: { from: 20, to: 30 } });
    // A start mid-second: that second holds both, so it is in neither window.
    expect(isolationWindows(s, 12.5)).toEqual({ before: { from: 5, to: 12 }, after: { from: 13, to: 20 } });
    // Few seconds left after the start: the before window shrinks to match.
    expect(isolationWindows(s, 27)).toEqual({ before: { from: 24, to: 27 }, after: { from: 27, to: 30 } });
  });
  it('says why when the later tenant starts inside the warm-up (the reference: 3 s stagger, 10 s warm-up)', () => {
    const r = isolationWindows(
      series(40, 10, () => 5000, 10),
      3,
    );
    expect(r).toEqual({
      unavailable: expect.stringMatching(
        /has 0 s clear of its warm-up \(10 s\) before the later one starts at 3 s/,
      ),
    });
  });
});

describe('compareWindows (bootstrap over seconds)', () => {
  const noisy = (scale: number, seed: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: 10 }, () => {
      const slow = 10 + Math.floor(r() * 20); // 1–3% of 1000 requests slow
      return [
        { valueUs: 5000 * scale, count: 1000 - slow },
        { valueUs: Math.round((20_000 + r() * 10_000) * scale), count: slow },
      ];
    });
  };
  it('finds a doubled p99 and brackets it; identical windows bracket 1', () => {
    const c = compareWindows(noisy(1, 1), noisy(2, 2));
    expect(c.p50.ratio).toBe(2);
    expect(c.p99.ratio).toBeGreaterThan(1.5);
    expect(c.p99.lo).toBeLessThanOrEqual(c.p99.ratio);
    expect(c.p99.hi).toBeGreaterThanOrEqual(c.p99.ratio);
    expect(c.p99.lo).toBeGreaterThan(1.3);
    const same = compareWindows(noisy(1, 3), noisy(1, 3));
    expect(same.p99.ratio).toBe(1);
    expect(same.p99.lo).toBeLessThanOrEqual(1);
    expect(same.p99.hi).toBeGreaterThanOrEqual(1);
  });
  it('is reproducible: the same seed gives the same interval, another seed a close one', () => {
    const a = compareWindows(noisy(1, 1), noisy(2, 2));
    expect(compareWindows(noisy(1, 1), noisy(2, 2))).toEqual(a);
    const b = compareWindows(noisy(1, 1), noisy(2, 2), { seed: 7 });
    expect(Math.abs(b.p99.lo - a.p99.lo)).toBeLessThan(0.25);
  });
});

describe('isolationScore', () => {
  it("scores the earlier tenant's p99 after ÷ before from its per-second histograms", () => {
    // 5 ms before the later tenant starts at 15 s, then 2% of requests at 30 ms (p99 falls among them).
    const s = series(30, 5, (t, i) => (t >= 15 && i % 50 === 0 ? 30_000 : 5000 + (i % 7) * 10));
    const iso = isolationScore({ earlier: 'ns-1', later: 'ns-2', repeats: [{ series: s, laterStartS: 15 }] });
    if ('unavailable' in iso) throw new Error(iso.unavailable);
    expect(iso.windowS).toBe(10);
    expect(iso.windows).toEqual({ before: { from: 5, to: 15 }, after: { from: 15, to: 25 } });
    expect(iso.p99.before).toBeCloseTo(5.06, 1);
    expect(iso.p99.after).toBeCloseTo(30, 0);
    expect(iso.score).toBeCloseTo(30 / 5.06, 1);
    expect(iso.method).toMatch(/10 whole seconds before ns-2 starts/);
  });
  it('an unaffected tenant scores about 1, the interval around it', () => {
    const r = seededRandom(5);
    const s = series(30, 5, () => 5000 + Math.floor(r() * 3000));
    const iso = isolationScore({ earlier: 'ns-1', later: 'ns-2', repeats: [{ series: s, laterStartS: 15 }] });
    if ('unavailable' in iso) throw new Error(iso.unavailable);
    expect(iso.score).toBeGreaterThan(0.95);
    expect(iso.score).toBeLessThan(1.05);
    expect(iso.p99.lo).toBeLessThanOrEqual(1.01);
    expect(iso.p99.hi).toBeGreaterThanOrEqual(0.99);
  });
});
