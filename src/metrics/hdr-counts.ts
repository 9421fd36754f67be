/**
 * The engine's hot-path recorder: HdrHistogram's own bucket layout (lowest 1 µs, 3 significant digits) held as a
 * plain counts array. Recording is a few integer operations (hdr-histogram-js spends a log2 and two pow calls per
 * value, about 16× the time); each bucket converts back to the same bucket of an hdr-histogram-js Histogram, so
 * the result is exactly what recording there would have given.
 */
import { createHistogram, HIGHEST_US, type Histogram } from './histogram.ts';

/** log2 of half the sub-buckets per bucket: 2048 sub-buckets resolve 3 significant digits from 1 µs. */
const HALF_BITS = 10;
const HALF = 1 << HALF_BITS;
/** Values below this share bucket 0 (one count per µs). */
const SUB_MASK = 2 * HALF - 1;

/** Counts index of an integer value in [1, HIGHEST_US], as HdrHistogram's countsArrayIndex. */
export function countsIndex(v: number): number {
  const bucket = 31 - HALF_BITS - Math.clz32(v | SUB_MASK);
  return ((bucket + 1) << HALF_BITS) + (v >>> bucket) - HALF;
}

/** The lowest value of a counts index (HdrHistogram's valueFromIndex). */
export function valueAtIndex(index: number): number {
  let bucket = (index >> HALF_BITS) - 1;
  let sub = (index & (HALF - 1)) + HALF;
  if (bucket < 0) {
    sub -= HALF;
    bucket = 0;
  }
  return sub * 2 ** bucket;
}

export class HdrCounts {
  private counts = new Float64Array(8 * HALF);
  private top = -1;
  private min = Number.POSITIVE_INFINITY;
  private max = 0;
  total = 0;

  /** Records a latency in µs; rounds, clamps to [1, HIGHEST_US] (as recordMicros does). */
  record(micros: number): void {
    let v = Math.round(micros);
    if (!(v >= 1)) v = 1;
    else if (v > HIGHEST_US) v = HIGHEST_US;
    const i = countsIndex(v);
    if (i >= this.counts.length) this.grow(i);
    this.counts[i]++;
    if (i > this.top) this.top = i;
    if (v > this.max) this.max = v;
    if (v < this.min) this.min = v;
    this.total++;
  }

  private grow(index: number): void {
    let n = this.counts.length;
    while (n <= index) n *= 2;
    const bigger = new Float64Array(n);
    bigger.set(this.counts);
    this.counts = bigger;
  }

  toHistogram(): Histogram {
    const h = createHistogram();
    const { counts } = this;
    // Each bucket at its lowest value, but the extremes exactly (HdrHistogram keeps them, not just their buckets).
    const maxIndex = countsIndex(this.max);
    const minIndex = countsIndex(this.min);
    for (let i = 0; i <= this.top; i++) {
      let rest = counts[i];
      if (rest === 0) continue;
      if (i === maxIndex) {
        h.recordValueWithCount(this.max, 1);
        rest--;
      }
      if (i === minIndex && rest > 0) {
        h.recordValueWithCount(this.min, 1);
        rest--;
      }
      if (rest > 0) h.recordValueWithCount(valueAtIndex(i), rest);
    }
    return h;
  }
}
