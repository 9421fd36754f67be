import { describe, expect, it } from 'vitest';
import { findChangePoints } from '../../../src/analysis/change-points.ts';
import { seededRandom } from '../../../src/analysis/isolation.ts';

/** A normal sample (Box–Muller) from a seeded PRNG. */
function gauss(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** n nights of a metric around `level(i)` with `sd` relative noise, `repeats` samples a night. */
function series(n: number, level: (i: number) => number, sd: number, seed: number, repeats = 1): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: repeats }, () => level(i) * (1 + sd * gauss(random))),
  );
}

describe('findChangePoints (E-divisive means, permutation test)', () => {
  it('flat noisy series: no change on any of 20 seeds', () => {
    for (let seed = 1; seed <= 20; seed++)
      expect(findChangePoints(series(12, () => 30, 0.04, seed))).toEqual([]);
  });

  it('one step of +20%: found at the right night with p < 0.05 and its size from the medians', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const found = findChangePoints(series(12, (i) => (i < 8 ? 30 : 36), 0.03, seed));
      expect(found).toHaveLength(1);
      expect(found[0].index).toBe(8);
      expect(found[0].pValue).toBeLessThan(0.05);
      expect(found[0].change).toBeGreaterThan(0.12);
      expect(found[0].change).toBeLessThan(0.28);
    }
  });

  it('one outlier night (twice the level): no change', () => {
    for (let seed = 1; seed <= 10; seed++)
      expect(findChangePoints(series(12, (i) => (i === 6 ? 60 : 30), 0.03, seed))).toEqual([]);
  });

  it('a slow drift of +2.5% a night is reported once, where the halves differ most (README: drift)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const found = findChangePoints(series(12, (i) => 30 * (1 + 0.025 * i), 0.02, seed));
      expect(found.length).toBe(1);
      expect(found[0].index).toBeGreaterThanOrEqual(4);
      expect(found[0].index).toBeLessThanOrEqual(8);
      expect(found[0].change).toBeGreaterThan(0.1);
    }
  });

  it('repeats are within-night noise: with 3 repeats a step on the newest night is already a change', () => {
    const found = findChangePoints(series(12, (i) => (i < 11 ? 30 : 40), 0.03, 7, 3));
    expect(found.map((c) => c.index)).toEqual([11]);
    // Without repeats the newest night alone is never a change: it could be one noisy night.
    expect(findChangePoints(series(12, (i) => (i < 11 ? 30 : 40), 0.03, 7))).toEqual([]);
  });

  it('is deterministic: the same series gives the same p-values', () => {
    const s = series(12, (i) => (i < 6 ? 30 : 34), 0.03, 3);
    expect(findChangePoints(s)).toEqual(findChangePoints(s));
  });
});
