import { describe, expect, it } from 'vitest';
import {
  createHistogram,
  encodeHistogram,
  mergeEncoded,
  recordMicros,
} from '../../../src/metrics/histogram.ts';
import { recordedValues } from '../../../src/metrics/histogram-values.ts';

describe('recordedValues', () => {
  it('lists every distinct value with its count, ascending, and survives an encode/merge round trip', () => {
    const a = createHistogram();
    const b = createHistogram();
    recordMicros(a, 100);
    recordMicros(a, 100);
    recordMicros(b, 5000);
    const merged = mergeEncoded([encodeHistogram(a), encodeHistogram(b)]);
    const values = recordedValues(merged);
    expect(values.map((v) => v.count)).toEqual([2, 1]);
    expect(values[0].valueUs).toBe(100);
    expect(values[1].valueUs).toBeGreaterThanOrEqual(5000);
    expect(values[1].valueUs).toBeLessThan(5010);
    expect(recordedValues(createHistogram())).toEqual([]);
  });
});
