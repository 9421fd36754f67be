import { describe, expect, it } from 'vitest';
import { countsIndex, HdrCounts, valueAtIndex } from '../../../src/metrics/hdr-counts.ts';
import { createHistogram, HIGHEST_US, latencyStats, recordMicros } from '../../../src/metrics/histogram.ts';
import { recordedValues } from '../../../src/metrics/histogram-values.ts';

/** A deterministic spread over every magnitude the engine sees: sub-ms, ms, seconds, the clamp. */
function values(): number[] {
  const out: number[] = [
    0,
    -3,
    0.4,
    1,
    2,
    1023,
    1024,
    2047,
    2048,
    2049,
    4095,
    4096,
    HIGHEST_US,
    HIGHEST_US * 2,
  ];
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const magnitude = 10 ** (x % 9); // 1 µs … 100 s
    out.push(((x >>> 8) / 0xffffff) * magnitude * 3);
  }
  return out;
}

describe('HdrCounts', () => {
  it('lands every value in the bucket hdr-histogram-js uses, and converts back to the same histogram', () => {
    const counts = new HdrCounts();
    const reference = createHistogram();
    for (const v of values()) {
      counts.record(v);
      recordMicros(reference, v);
    }
    const h = counts.toHistogram();
    expect(h.totalCount).toBe(reference.totalCount);
    expect(counts.total).toBe(reference.totalCount);
    expect(recordedValues(h)).toEqual(recordedValues(reference));
    expect(latencyStats(h)).toEqual(latencyStats(reference));
  });

  it('maps indices and values both ways as HdrHistogram does', () => {
    // Public in hdr-histogram-js, missing from its type declarations.
    const reference = createHistogram() as unknown as { lowestEquivalentValue(v: number): number };
    for (const v of [1, 2047, 2048, 2050, 1_000_000, 599_999_999]) {
      const i = countsIndex(v);
      expect(valueAtIndex(i)).toBe(reference.lowestEquivalentValue(v));
      expect(countsIndex(valueAtIndex(i))).toBe(i);
    }
  });

  it('agrees with HdrHistogram at both sides of every bucket boundary up to the clamp', () => {
    const reference = createHistogram() as unknown as { countsArrayIndex(v: number): number };
    const last = countsIndex(HIGHEST_US);
    for (let i = 1; i <= last; i++) {
      const v = valueAtIndex(i);
      expect(countsIndex(v)).toBe(i);
      if (reference.countsArrayIndex(v) !== i || reference.countsArrayIndex(v - 1) !== countsIndex(v - 1))
        throw new Error(`bucket boundary ${v} (index ${i}) differs from HdrHistogram`);
    }
  });

  it('is empty until something is recorded', () => {
    expect(new HdrCounts().toHistogram().totalCount).toBe(0);
  });
});
