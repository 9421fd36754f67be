import { describe, expect, it } from 'vitest';
import { jitterUnit } from '../../../src/load/paced-engine.ts';

describe('jitterUnit', () => {
  it('is the same value for the same request and spreads uniformly over [-1, 1)', () => {
    expect(jitterUnit(42, 3, 7)).toBe(jitterUnit(42, 3, 7));
    const xs: number[] = [];
    for (let i = 0; i < 10; i++) for (let k = 0; k < 1000; k++) xs.push(jitterUnit(12345, i, k));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    // Each tenth of the range holds about a tenth of the draws.
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(((x + 1) / 2) * 10)]++;
    for (const b of bins) expect(Math.abs(b - 1000)).toBeLessThan(150);
    expect(new Set(xs).size).toBeGreaterThan(9900);
  });
});
