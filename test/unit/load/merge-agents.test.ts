/**
 * Several agents per tenant: the merged result is exactly the one-agent result of the same samples —
 * counts, the HDR histograms bucket for bucket, the per-second series — and a failed agent's share is
 * counted as due, never silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { buildLoadResult } from '../../../src/load/build-result.ts';
import { connectionIndices } from '../../../src/load/check-schedule.ts';
import { agentSchedule, mergeAgentResults } from '../../../src/load/merge-agents.ts';
import { TallyRecorder } from '../../../src/load/tally.ts';
import type { LoadResult } from '../../../src/load/types.ts';
import { decodeHistogram, type Histogram } from '../../../src/metrics/histogram.ts';
import { schedule } from '../../helpers/schedule.ts';

const tenant = schedule({
  url: 'http://127.0.0.1:1/',
  rate: 900,
  connections: 9,
  durationMs: 5000,
  warmupMs: 1000,
  timeoutMs: 1000,
  agents: 3,
});

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Connection i sends every 10 ms from phase i × 10/9 ms; latencies lognormal-ish, some errors and lag. */
function replay(indices: number[], recs: TallyRecorder[], seed: number) {
  const r = rng(seed);
  for (const i of indices)
    for (let k = 0; k < 500; k++) {
      const due = k * 10 + (i * 10) / 9;
      const lag = r() < 0.05 ? r() * 20 : r() * 0.3;
      const latency = 2 + -Math.log(1 - r()) * 4 + (r() < 0.01 ? 200 : 0);
      const status = r() < 0.02 ? 503 : 200;
      for (const rec of recs) {
        rec.sent(due, due + lag);
        rec.complete(due, due + lag, due + lag + latency, status, undefined);
      }
    }
}

const built = (s: typeof tenant, rec: TallyRecorder, incomplete = false): LoadResult =>
  buildLoadResult({
    schedule: s,
    driver: 'paced',
    tally: rec.toTally(1, []),
    startedAt: 0,
    endedAt: 5000,
    incomplete,
  });

/** The bucket walk of hdr-histogram-js (present at run time, left out of its typings). */
type Buckets = { nextNonEquivalentValue(v: number): number; getCountAtValue(v: number): number };

function sameBuckets(a: Histogram, b: Histogram) {
  const ab = a as unknown as Buckets;
  const bb = b as unknown as Buckets;
  expect(a.totalCount).toBe(b.totalCount);
  expect(a.minNonZeroValue).toBe(b.minNonZeroValue);
  expect(a.maxValue).toBe(b.maxValue);
  // Every bucket: walk the union's recorded values and the merged one's, and compare counts at each.
  const values = new Set<number>();
  for (let v = 1; v <= b.maxValue; v = bb.nextNonEquivalentValue(v)) values.add(v);
  for (const v of values) expect(ab.getCountAtValue(v), `bucket at ${v} µs`).toBe(bb.getCountAtValue(v));
}

describe('mergeAgentResults', () => {
  it('splits connections i mod N with their global phase, and the merge equals the union of the samples', () => {
    const shares = [0, 1, 2].map((k) => connectionIndices(agentSchedule(tenant, k)));
    expect(shares).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    const union = new TallyRecorder(0, tenant.warmupMs, false);
    const parts = shares.map((indices, k) => {
      const rec = new TallyRecorder(0, tenant.warmupMs, false);
      replay(indices, [rec, union], 100 + k);
      return { index: k, result: built(agentSchedule(tenant, k), rec) };
    });
    const merged = mergeAgentResults(tenant, parts, 0);
    const one = built(tenant, union);

    expect(merged.requests).toEqual(one.requests);
    expect(merged.outcomes).toEqual(one.outcomes);
    expect(merged.achievedRps).toBe(one.achievedRps);
    for (const key of ['intended', 'actual', 'errors'] as const)
      sameBuckets(decodeHistogram(merged.latency[key]), decodeHistogram(one.latency[key]));
    sameBuckets(decodeHistogram(merged.scheduleLag), decodeHistogram(one.scheduleLag));
    expect(merged.series.map((s) => [s.t, s.completed, s.measured, s.ok, s.errors, s.warmup])).toEqual(
      one.series.map((s) => [s.t, s.completed, s.measured, s.ok, s.errors, s.warmup]),
    );
    merged.series.forEach((s, i) => {
      sameBuckets(decodeHistogram(s.histogram), decodeHistogram(one.series[i].histogram));
    });
    expect(merged.schedule.shard).toBeUndefined();
    expect(merged.incomplete).toBeUndefined();
    // Per-agent facts stay visible.
    expect(merged.agents?.map((a) => [a.index, a.connections, a.rate])).toEqual([
      [0, 3, 300],
      [1, 3, 300],
      [2, 3, 300],
    ]);
    expect(merged.agents?.reduce((a, x) => a + x.completed, 0)).toBe(merged.requests.completed);
    expect(merged.agents?.every((a) => a.lagP99Ms > 0 && a.achievedRps > 0)).toBe(true);
  });

  it('a failed agent: its share is due but unsent, the result is incomplete, the others are kept', () => {
    const parts = [0, 2].map((k) => {
      const rec = new TallyRecorder(0, tenant.warmupMs, false);
      replay(connectionIndices(agentSchedule(tenant, k)), [rec], 7 + k);
      return { index: k, result: built(agentSchedule(tenant, k), rec) };
    });
    const merged = mergeAgentResults(tenant, [parts[0], { index: 1, failed: 'pod evicted' }, parts[1]], 0);
    expect(merged.incomplete).toBe(true);
    // 9 connections × 500 requests due, 1000 of the 4500 in the warm-up; agent 1's 1500 never sent.
    expect(merged.requests.intended + merged.requests.warmup).toBe(4500);
    expect(merged.requests.completed).toBe(
      parts[0].result.requests.completed + parts[1].result.requests.completed,
    );
    expect(merged.requests.sent).toBe(merged.requests.completed);
    expect(merged.agents?.[1]).toMatchObject({ index: 1, failed: 'pod evicted', completed: 0 });
    expect(merged.engine.notes.join(' ')).toMatch(
      /load agent 1 failed: pod evicted; its 1500 scheduled requests/,
    );
    // The achieved rate is the agents' that ran, over the full measured window.
    expect(merged.measuredMs).toBe(4000);
  });

  it('refuses to invent a result when every agent failed', () => {
    expect(() =>
      mergeAgentResults(
        tenant,
        [
          { index: 0, failed: 'a' },
          { index: 1, failed: 'b' },
          { index: 2, failed: 'c' },
        ],
        0,
      ),
    ).toThrow(/every load agent failed: agent 0: a; agent 1: b; agent 2: c/);
  });
});
