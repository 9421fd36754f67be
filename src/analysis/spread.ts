/** Statistics over repeats: the run-to-run spread of one figure (pure). */

export interface Spread {
  /** How many repeats contributed a value. */
  n: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (n − 1); 0 for a single repeat. */
  stddev: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n: 0, mean: 0, min: 0, max: 0, stddev: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { n, mean, min: Math.min(...xs), max: Math.max(...xs), stddev: Math.sqrt(variance) };
}

/** Value at a percentile (0..100] of plain numbers, nearest-rank; 0 for none. */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}
