import { describe, expect, it } from 'vitest';
import { checkSchedule, resolveWorkers } from '../../../src/load/check-schedule.ts';
import { formatLoadSummary, formatProgress } from '../../../src/load/format-load.ts';
import { summarizeLoad } from '../../../src/load/summarize-load.ts';
import type { LoadSchedule } from '../../../src/load/types.ts';
import { createHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import { schedule } from '../../helpers/schedule.ts';

const base = schedule({
  url: 'http://127.0.0.1:8080/',
  rate: 6500,
  connections: 650,
  durationMs: 60_000,
  warmupMs: 5000,
  timeoutMs: 5000,
});

describe('checkSchedule', () => {
  it('accepts a valid schedule', () => {
    expect(checkSchedule(base)).toBeUndefined();
  });
  it.each([
    [{ url: 'ftp://x/' }, 'INVALID_URL', 'scheme'],
    [{ url: 'not a url' }, 'INVALID_URL', 'not a URL'],
    [{ rate: 0 }, 'USAGE', 'rate'],
    [{ rate: Number.NaN }, 'USAGE', 'rate'],
    [{ connections: 1.5 }, 'USAGE', 'connections'],
    [{ durationMs: 0 }, 'USAGE', 'duration'],
    [{ warmupMs: 60_000 }, 'USAGE', 'warmup'],
    [{ timeoutMs: 0 }, 'USAGE', 'timeout'],
    [{ jitter: 0.9 }, 'USAGE', 'jitter'],
    [{ workers: 0 }, 'USAGE', 'workers'],
  ] as const)('rejects %j', (over, code, word) => {
    const e = checkSchedule({ ...base, ...over } as LoadSchedule);
    expect(e?.code).toBe(code);
    expect(e?.message).toContain(word);
    expect(e?.fix).toBeTruthy();
  });
  it('picks one worker per 8000 req/s, never more than cores or connections', () => {
    expect(resolveWorkers({ ...base, workers: 'auto' }, 2)).toBe(1);
    expect(resolveWorkers({ ...base, rate: 13_000, workers: 'auto' }, 2)).toBe(2);
    expect(resolveWorkers({ ...base, rate: 50_000, workers: 'auto' }, 2)).toBe(2);
    expect(resolveWorkers({ ...base, connections: 1, workers: 4 }, 8)).toBe(1);
    expect(resolveWorkers({ ...base, model: 'closed', workers: 4 }, 8)).toBe(1);
  });
});

describe('summarizeLoad and the renderers', () => {
  it('summarizes figures and error classes, and renders them', () => {
    const h = createHistogram();
    for (let i = 0; i < 99; i++) recordMicros(h, 5000);
    recordMicros(h, 200_000);
    const errors = createHistogram();
    recordMicros(errors, 1000);
    const s = summarizeLoad({
      schedule: base,
      driver: 'paced',
      startedAt: 0,
      endedAt: 1,
      measuredMs: 1000,
      requests: { intended: 103, sent: 101, completed: 101, warmup: 0 },
      outcomes: { ok: 100, status: {}, timeout: 0, reset: 1, refused: 0, skipped: 2, other: {} },
      achievedRps: 101,
      latency: { intended: encodeHistogram(h), actual: encodeHistogram(h), errors: encodeHistogram(errors) },
      scheduleLag: encodeHistogram(createHistogram()),
      series: [],
      engine: { workers: 1, maxLagMs: 0, notes: ['n1'] },
    });
    expect(s.latency.p50Ms).toBeCloseTo(5, 1);
    expect(s.latency.maxMs).toBeGreaterThan(199);
    expect(s.errorsByClass).toEqual({ reset: 1 });
    expect(s.errorRate).toBeCloseTo(1 / 101, 6);
    expect(s.skipped).toBe(2);
    const table = formatLoadSummary(base, s);
    expect(table).toContain('successes, intended start');
    expect(table).toContain('reset 1');
    expect(table).toContain('note: n1');
    expect(table).not.toContain('aborted');
    const cut = summarizeLoad({
      schedule: base,
      driver: 'paced',
      startedAt: 0,
      endedAt: 1,
      measuredMs: 1000,
      requests: { intended: 10, sent: 10, completed: 7, warmup: 0 },
      outcomes: { ok: 7, status: {}, timeout: 0, reset: 0, refused: 0, skipped: 0, other: {}, aborted: 3 },
      achievedRps: 7,
      latency: { intended: encodeHistogram(h), actual: encodeHistogram(h), errors: encodeHistogram(errors) },
      scheduleLag: encodeHistogram(createHistogram()),
      series: [],
      engine: { workers: 1, maxLagMs: 0, notes: [] },
      incomplete: true,
    });
    expect(cut.aborted).toBe(3);
    expect(cut.errors).toBe(0);
    const cutTable = formatLoadSummary(base, cut);
    expect(cutTable).toContain('completed 7  skipped 0  aborted 3');
    expect(cutTable).toContain('INCOMPLETE');
    expect(formatProgress({ tenant: 'ns-1', t: 0, rps: 6500, p50Ms: 5.4, p99Ms: 9.8, errors: 0 })).toMatch(
      /\[\s+1s\] ns-1 .*6500\/s .*p50\s+5\.40 ms .*p99\s+9\.80 ms .*errors 0/,
    );
  });
});
