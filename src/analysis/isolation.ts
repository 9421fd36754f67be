/**
 * Isolation score of a variant (pure): how much the later tenant hurts the earlier one. The earlier tenant's
 * per-second histograms (intended start) are merged over two aligned windows of equal length — the last whole
 * seconds before the later tenant starts, clear of the earlier tenant's warm-up, and the first as many whole
 * seconds from the later tenant's start — and the score is p99 after ÷ p99 before. Its 95% interval comes from
 * a bootstrap over seconds (each window's seconds resampled with replacement, fixed seed): seconds, not
 * requests, because latency moves in bursts and requests of one second are not independent.
 */
import { decodeHistogram } from '../metrics/histogram.ts';
import { recordedValues } from '../metrics/histogram-values.ts';
import type { SecondSample } from '../load/types.ts';

/** Longest window compared (s): enough seconds for a stable p99, short enough to stay near the start. */
export const ISOLATION_MAX_WINDOW_S = 10;
/** Fewest seconds per window for a score at all. */
export const ISOLATION_MIN_WINDOW_S = 2;
export const BOOTSTRAP_ITERATIONS = 2000;
export const BOOTSTRAP_SEED = 20261201;

export interface IsolationWindows {
  /** Seconds of the earlier tenant's run (relative to its start): [from, to). */
  before: { from: number; to: number };
  after: { from: number; to: number };
}

/**
 * The aligned windows, or why there are none. `laterStartS`: when the later tenant starts, in seconds of the
 * earlier tenant's run; `series`: the earlier tenant's seconds (one repeat).
 */
export function isolationWindows(
  series: readonly SecondSample[],
  laterStartS: number,
): IsolationWindows | { unavailable: string } {
  const clear = (s: SecondSample) => !s.warmup && (s.measured ?? s.completed) === s.completed;
  const byT = new Map(series.map((s) => [s.t, s]));
  // Whole seconds before the later start, counting back while they are clear of the warm-up.
  let from = Math.floor(laterStartS);
  while (from - 1 >= 0 && byT.has(from - 1) && clear(byT.get(from - 1)!)) from--;
  const beforeLen = Math.floor(laterStartS) - from;
  const afterFrom = Math.ceil(laterStartS);
  let afterLen = 0;
  while (
    afterLen < ISOLATION_MAX_WINDOW_S &&
    byT.has(afterFrom + afterLen) &&
    clear(byT.get(afterFrom + afterLen)!)
  )
    afterLen++;
  const w = Math.min(beforeLen, afterLen, ISOLATION_MAX_WINDOW_S);
  if (w < ISOLATION_MIN_WINDOW_S) {
    const warm = series.filter((s) => !clear(s)).length;
    return {
      unavailable:
        beforeLen < ISOLATION_MIN_WINDOW_S
          ? `the earlier tenant has ${beforeLen} s clear of its warm-up (${warm} s) before the later one starts at ${laterStartS} s; ${ISOLATION_MIN_WINDOW_S} s are needed: make the stagger longer than the warm-up by at least that`
          : `the earlier tenant has ${afterLen} s after the later one starts; ${ISOLATION_MIN_WINDOW_S} s are needed`,
    };
  }
  return {
    before: { from: Math.floor(laterStartS) - w, to: Math.floor(laterStartS) },
    after: { from: afterFrom, to: afterFrom + w },
  };
}

/** Deterministic PRNG (mulberry32): the same result reproduces the same interval. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds as count vectors over one shared, ascending list of values, for fast resampled merges. */
interface Dense {
  values: number[];
  seconds: number[][];
}

function densify(perSecond: ReadonlyArray<ReadonlyArray<{ valueUs: number; count: number }>>): Dense {
  const values = [...new Set(perSecond.flatMap((s) => s.map((v) => v.valueUs)))].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const seconds = perSecond.map((s) => {
    const c = new Array<number>(values.length).fill(0);
    for (const v of s) c[index.get(v.valueUs)!] += v.count;
    return c;
  });
  return { values, seconds };
}

/** The p-th percentile (µs) of a count vector over `values` (HDR's rule: the value at rank ceil(p% × n)). */
function percentileOfCounts(values: readonly number[], counts: readonly number[], p: number): number {
  const n = counts.reduce((a, c) => a + c, 0);
  if (n === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= rank) return values[i];
  }
  return values[values.length - 1];
}

function sumOf(d: Dense, picks: readonly number[]): number[] {
  const out = new Array<number>(d.values.length).fill(0);
  for (const k of picks) {
    const s = d.seconds[k];
    for (let i = 0; i < s.length; i++) out[i] += s[i];
  }
  return out;
}

export interface RatioWithInterval {
  before: number;
  after: number;
  /** after ÷ before. */
  ratio: number;
  /** 95% bootstrap interval of the ratio. */
  lo: number;
  hi: number;
}

/**
 * p50 and p99 before and after, their ratios and 95% bootstrap intervals, from the two windows' seconds
 * (each second: its recorded values in µs with counts).
 */
export function compareWindows(
  before: ReadonlyArray<ReadonlyArray<{ valueUs: number; count: number }>>,
  after: ReadonlyArray<ReadonlyArray<{ valueUs: number; count: number }>>,
  opts: { iterations?: number; seed?: number } = {},
): { p50: RatioWithInterval; p99: RatioWithInterval } {
  const d = densify([...before, ...after]);
  const b = before.map((_, i) => i);
  const a = after.map((_, i) => before.length + i);
  const point = (p: number) => {
    const x = percentileOfCounts(d.values, sumOf(d, b), p) / 1000;
    const y = percentileOfCounts(d.values, sumOf(d, a), p) / 1000;
    return { before: x, after: y, ratio: y / x };
  };
  const random = seededRandom(opts.seed ?? BOOTSTRAP_SEED);
  const draw = (idx: readonly number[]) => idx.map(() => idx[Math.floor(random() * idx.length)]);
  const r50: number[] = [];
  const r99: number[] = [];
  for (let i = 0; i < (opts.iterations ?? BOOTSTRAP_ITERATIONS); i++) {
    const sb = sumOf(d, draw(b));
    const sa = sumOf(d, draw(a));
    r50.push(percentileOfCounts(d.values, sa, 50) / percentileOfCounts(d.values, sb, 50));
    r99.push(percentileOfCounts(d.values, sa, 99) / percentileOfCounts(d.values, sb, 99));
  }
  const interval = (rs: number[]) => {
    const s = rs.filter(Number.isFinite).sort((x, y) => x - y);
    const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
    return { lo: at(0.025), hi: at(0.975) };
  };
  return { p50: { ...point(50), ...interval(r50) }, p99: { ...point(99), ...interval(r99) } };
}

export interface IsolationScore {
  earlier: string;
  later: string;
  /** Window length (s) and the windows of the first repeat (later repeats use their own, aligned alike). */
  windowS: number;
  windows: IsolationWindows;
  repeats: number;
  p50: RatioWithInterval;
  p99: RatioWithInterval;
  /** The score: p99 after ÷ before. */
  score: number;
  method: string;
}

export type Isolation = IsolationScore | { earlier?: string; later?: string; unavailable: string };

/**
 * A variant's isolation score from its repeats: each repeat gives the earlier tenant's series and when the
 * later tenant started (s, in the earlier tenant's time); the windows' seconds of every repeat are pooled.
 */
export function isolationScore(input: {
  earlier: string;
  later: string;
  repeats: ReadonlyArray<{ series: readonly SecondSample[]; laterStartS: number }>;
}): Isolation {
  const { earlier, later } = input;
  const before: Array<Array<{ valueUs: number; count: number }>> = [];
  const after: Array<Array<{ valueUs: number; count: number }>> = [];
  let first: IsolationWindows | undefined;
  let windowS = Number.POSITIVE_INFINITY;
  const found: Array<{ series: readonly SecondSample[]; w: IsolationWindows }> = [];
  for (const r of input.repeats) {
    const w = isolationWindows(r.series, r.laterStartS);
    if ('unavailable' in w) return { earlier, later, unavailable: w.unavailable };
    found.push({ series: r.series, w });
    windowS = Math.min(windowS, w.before.to - w.before.from);
  }
  if (found.length === 0) return { earlier, later, unavailable: 'no repeat measured both tenants' };
  for (const { series, w } of found) {
    // Every repeat contributes the same number of seconds, nearest the later start.
    const pick = (from: number, to: number) =>
      series
        .filter((s) => s.t >= from && s.t < to)
        .map((s) =>
          recordedValues(decodeHistogram(s.histogram)).map((v) => ({ valueUs: v.valueUs, count: v.count })),
        );
    before.push(...pick(w.before.to - windowS, w.before.to));
    after.push(...pick(w.after.from, w.after.from + windowS));
    first ??= {
      before: { from: w.before.to - windowS, to: w.before.to },
      after: { from: w.after.from, to: w.after.from + windowS },
    };
  }
  const c = compareWindows(before, after);
  return {
    earlier,
    later,
    windowS,
    windows: first!,
    repeats: found.length,
    p50: c.p50,
    p99: c.p99,
    score: c.p99.ratio,
    method: `${earlier}'s latency from the intended start, ${windowS} whole seconds before ${later} starts (clear of warm-up) against the first ${windowS} from its start; per-second histograms merged per window; score = p99 after ÷ before; 95% interval: bootstrap over seconds, ${BOOTSTRAP_ITERATIONS} resamples, seed ${BOOTSTRAP_SEED}`,
  };
}
