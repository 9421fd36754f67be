/** A second's window as the live display's progress line (pure). */
import { decodeHistogram, mergeHistograms, percentileMs } from '../metrics/histogram.ts';
import type { WindowSnapshot } from './tally.ts';
import type { LoadProgress } from './types.ts';

export function progressOf(tenant: string, t: number, w: WindowSnapshot): LoadProgress {
  return {
    tenant,
    t,
    rps: w.completed,
    p50Ms: percentileMs(w.histogram, 50),
    p99Ms: percentileMs(w.histogram, 99),
    errors: w.errors,
  };
}

/** One source's second (a worker thread's or an agent process's), its histogram encoded. */
interface SourceSecond {
  t: number;
  completed: number;
  errors: number;
  histogram: string;
}

/**
 * Merges the seconds several sources report: a second is emitted, histograms merged, once as many sources as
 * `live()` says are still running have sent it (a failed source reports no more seconds).
 */
export function secondMerger(
  live: () => number,
  emit: (t: number, w: WindowSnapshot) => void,
): (m: SourceSecond) => void {
  const pending = new Map<number, { n: number; completed: number; errors: number; hs: string[] }>();
  return (m) => {
    const p = pending.get(m.t) ?? { n: 0, completed: 0, errors: 0, hs: [] };
    p.n++;
    p.completed += m.completed;
    p.errors += m.errors;
    p.hs.push(m.histogram);
    pending.set(m.t, p);
    if (p.n >= live()) {
      pending.delete(m.t);
      emit(m.t, {
        completed: p.completed,
        errors: p.errors,
        histogram: mergeHistograms(p.hs.map(decodeHistogram)),
      });
    }
  };
}
