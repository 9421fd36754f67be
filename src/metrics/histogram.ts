/**
 * Latency histograms: HdrHistograms of integer microseconds, stored encoded (compressed base64) so
 * workers, tenants, repeats and pods merge exactly (autocannon histUtil/aggregateResult habit).
 */
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;
/** A compressed base64 HdrHistogram of microseconds. */
export type EncodedHistogram = string;

/** Highest trackable value: 10 minutes in µs; anything larger is clamped (and is a timeout anyway). */
export const HIGHEST_US = 600_000_000;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a latency in µs; rounds, clamps to [1, HIGHEST_US]. */
export function recordMicros(h: Histogram, micros: number): void {
  const v = Math.round(micros);
  h.recordValue(Math.max(1, Math.min(v, HIGHEST_US)));
}

export function encodeHistogram(h: Histogram): EncodedHistogram {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: EncodedHistogram): Histogram {
  if (!encoded) return createHistogram();
  const h = hdr.decodeFromCompressedBase64(encoded, 64, false);
  return h;
}

/** Exact merge of encoded histograms into a new histogram. */
export function mergeEncoded(encoded: readonly EncodedHistogram[]): Histogram {
  const out = createHistogram();
  for (const e of encoded) if (e) out.add(decodeHistogram(e));
  return out;
}

export function mergeHistograms(hs: readonly Histogram[]): Histogram {
  const out = createHistogram();
  for (const h of hs) out.add(h);
  return out;
}

/** Latency statistics in milliseconds (from µs histograms). */
export interface LatencyStats {
  count: number;
  minMs: number;
  avgMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export function latencyStats(h: Histogram): LatencyStats {
  const n = h.totalCount;
  const ms = (us: number) => (n === 0 ? 0 : us / 1000);
  return {
    count: n,
    minMs: ms(h.minNonZeroValue),
    avgMs: ms(h.mean),
    stddevMs: ms(h.stdDeviation),
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}

/** Value at a percentile (0..100) in ms; 0 for an empty histogram. */
export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p) / 1000;
}
