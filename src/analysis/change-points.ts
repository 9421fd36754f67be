/**
 * Change points in a short, noisy series (pure): E-divisive means (Matteson & James 2014, as Apache Otava
 * runs it) with a permutation test. The series is a list of runs, each with one or more samples (its
 * repeats, the within-run noise); splits fall between runs only. Binary segmentation: the split that best
 * separates the two sides' distributions (energy distance, alpha 1) is kept when a permutation test over
 * the samples says it is unlikely by chance (p < significance) and the medians either side differ by at
 * least `minChange`; then each side is searched again. The PRNG is seeded, so a history always reports the
 * same changes.
 */
import { seededRandom } from './isolation.ts';

export interface ChangePointOptions {
  /** Largest p-value reported (default 0.01). */
  significance: number;
  /** Smallest relative change of the median reported, e.g. 0.1 = 10% (default 0.1). */
  minChange: number;
  /** Fewest samples on either side of a split (default 3: one night alone is never a change without repeats). */
  minSamples: number;
  permutations: number;
  seed: number;
}

export const CHANGE_POINT_DEFAULTS: ChangePointOptions = {
  significance: 0.01,
  minChange: 0.1,
  minSamples: 3,
  permutations: 999,
  seed: 20261201,
};

export interface ChangePoint {
  /** Index of the first run after the change. */
  index: number;
  /** Median of the samples from the previous change (or the start) to this one, and from this one to the next. */
  before: number;
  after: number;
  /** (after − before) / |before|; Infinity when before is 0 and after is not. */
  change: number;
  pValue: number;
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The best split of a segment (sample order `idx`; splits allowed at `boundaries`, positions within idx): the
 * energy statistic of Matteson & James (eq. 4, alpha = 1) at every split, larger for more different sides,
 * computed incrementally (O(n²) for all splits) as samples move from the right side to the left one.
 */
function bestSplit(
  d: readonly Float64Array[],
  idx: readonly number[],
  allowed: ReadonlySet<number>,
  minSamples: number,
): { k: number; stat: number } | undefined {
  const n = idx.length;
  let right = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) right += d[idx[i]][idx[j]];
  let left = 0;
  let between = 0;
  let best: { k: number; stat: number } | undefined;
  for (let k = 0; k < n - 1; k++) {
    const row = d[idx[k]];
    let toLeft = 0;
    for (let i = 0; i < k; i++) toLeft += row[idx[i]];
    let toRight = 0;
    for (let j = k + 1; j < n; j++) toRight += row[idx[j]];
    left += toLeft;
    right -= toRight;
    between += toRight - toLeft;
    const a = k + 1; // samples on the left
    const b = n - a;
    if (!allowed.has(a) || a < minSamples || b < minSamples) continue;
    const e =
      (2 * between) / (a * b) -
      (a > 1 ? left / ((a * (a - 1)) / 2) : 0) -
      (b > 1 ? right / ((b * (b - 1)) / 2) : 0);
    const stat = ((a * b) / n) * e;
    if (!best || stat > best.stat) best = { k: a, stat };
  }
  return best;
}

/** `runs`: the samples of each run in time order. Returns the change points, in order. */
export function findChangePoints(
  runs: readonly (readonly number[])[],
  options: Partial<ChangePointOptions> = {},
): ChangePoint[] {
  const o = { ...CHANGE_POINT_DEFAULTS, ...options };
  const samples = runs.flat();
  const runOf = runs.flatMap((r, i) => r.map(() => i));
  const n = samples.length;
  if (n < 2 * o.minSamples) return [];
  const d = samples.map((x) => Float64Array.from(samples, (y) => Math.abs(x - y)));
  const random = seededRandom(o.seed);
  const found: Array<{ index: number; pValue: number }> = [];

  const search = (from: number, to: number) => {
    const idx = Array.from({ length: to - from }, (_, i) => from + i);
    // Split points: where a new run starts inside the segment.
    const boundaries = new Set(idx.flatMap((s, i) => (i > 0 && runOf[s] !== runOf[s - 1] ? [i] : [])));
    const best = bestSplit(d, idx, boundaries, o.minSamples);
    if (!best || best.stat <= 0) return;
    // Permutation test: how often does a shuffled segment split as well somewhere? (Samples, not runs, are
    // shuffled: under "no change" every sample is exchangeable.)
    let asLarge = 0;
    const perm = [...idx];
    for (let p = 0; p < o.permutations; p++) {
      for (let i = perm.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [perm[i], perm[j]] = [perm[j], perm[i]];
      }
      const s = bestSplit(d, perm, boundaries, o.minSamples);
      if (s && s.stat >= best.stat) asLarge++;
    }
    const pValue = (asLarge + 1) / (o.permutations + 1);
    if (pValue >= o.significance) return;
    const at = from + best.k;
    found.push({ index: runOf[at], pValue });
    search(from, at);
    search(at, to);
  };
  search(0, n);

  // Sizes between neighbouring changes, then the minimum size applied (a change too small to matter is
  // dropped and its neighbours' medians are taken over the merged segment).
  let points = found.sort((a, b) => a.index - b.index);
  for (;;) {
    const sized = sizes(runs, points);
    const small = sized.findIndex((c) => !(Math.abs(c.change) >= o.minChange));
    if (small < 0) return sized;
    points = points.filter((_, i) => i !== small);
  }
}

function sizes(
  runs: readonly (readonly number[])[],
  points: ReadonlyArray<{ index: number; pValue: number }>,
): ChangePoint[] {
  const cuts = [0, ...points.map((p) => p.index), runs.length];
  return points.map((p, i) => {
    const before = median(runs.slice(cuts[i], cuts[i + 1]).flat());
    const after = median(runs.slice(cuts[i + 1], cuts[i + 2]).flat());
    const change =
      before === 0 ? (after === 0 ? 0 : Number.POSITIVE_INFINITY) : (after - before) / Math.abs(before);
    return { index: p.index, before, after, change, pValue: p.pValue };
  });
}
