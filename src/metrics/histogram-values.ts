/** Reading recorded values back out of a µs HdrHistogram (for bucketed exports such as Fortio's). */
import type { Histogram } from './histogram.ts';

/** One distinct recorded value (µs, the highest equivalent value of its HDR bucket) and its count. */
export interface RecordedValue {
  valueUs: number;
  count: number;
}

interface IterableHistogram {
  recordedValuesIterator: {
    reset(): void;
    hasNext(): boolean;
    next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
  };
}

/** Every distinct recorded value with its count, ascending. */
export function recordedValues(h: Histogram): RecordedValue[] {
  const it = (h as unknown as IterableHistogram).recordedValuesIterator;
  const out: RecordedValue[] = [];
  if (h.totalCount === 0) return out;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    out.push({ valueUs: v.valueIteratedTo, count: v.countAtValueIteratedTo });
  }
  return out;
}
