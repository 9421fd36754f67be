import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { decodeHistogram } from '../../../../src/metrics/histogram.ts';
import {
  buildLoadResultFromFortio,
  extractFortioJson,
  histogramFromFortio,
} from '../../../../src/platform/kube/fortio-result.ts';
import { schedule as loadSchedule } from '../../../helpers/schedule.ts';

const LOG = new URL('../../../../fixtures/kube/fortio-pod-log.txt', import.meta.url);
const schedule = loadSchedule({
  url: 'http://productpage.ns-2.svc.cluster.local:9080/productpage',
  rate: 100,
  connections: 4,
  durationMs: 5000,
  startOffsetMs: 3000,
  timeoutMs: 5000,
});

describe('Fortio result → LoadResult', () => {
  it('finds the JSON among the log lines of the pod', async () => {
    const f = extractFortioJson(await readFile(LOG, 'utf8'));
    expect(f?.ActualQPS).toBe(99.81);
    expect(extractFortioJson('{"ts":1,"msg":"Starting"}\nno result')).toBeUndefined();
  });

  it('keeps counts exactly and percentiles within one bucket width', () => {
    const h = histogramFromFortio({
      Count: 300,
      Min: 0.001,
      Max: 0.004,
      Sum: 0,
      Avg: 0,
      StdDev: 0,
      Data: [
        { Start: 0.001, End: 0.002, Percent: 33.3, Count: 100 },
        { Start: 0.002, End: 0.003, Percent: 66.6, Count: 100 },
        { Start: 0.003, End: 0.004, Percent: 100, Count: 100 },
      ],
    });
    expect(h.totalCount).toBe(300);
    expect(h.getValueAtPercentile(50)).toBeGreaterThanOrEqual(2000);
    expect(h.getValueAtPercentile(50)).toBeLessThanOrEqual(3000);
    expect(h.maxValue).toBeLessThanOrEqual(4004);
  });

  it('maps status codes, socket errors and the error histogram', async () => {
    const fortio = extractFortioJson(await readFile(LOG, 'utf8'))!;
    const r = buildLoadResultFromFortio({ fortio, schedule, startedAt: 0 });
    expect(r.driver).toBe('fortio');
    expect(r.outcomes).toMatchObject({
      ok: 494,
      status: { '503': 5 },
      other: { socket: 1 },
      okByStatus: { '200': 494 },
    });
    expect(r.startedAt).toBe(Date.parse('2025-06-02T10:00:00.104512Z'));
    expect(r.measuredMs).toBe(5010);
    expect(r.requests).toEqual({ intended: 501, sent: 500, completed: 500, warmup: 0 });
    expect(decodeHistogram(r.latency.errors).totalCount).toBe(5);
    expect(decodeHistogram(r.latency.intended).totalCount).toBe(495);
    expect(r.latency.actual).toBe(r.latency.intended);
    expect(r.engine.notes.join(' ')).toContain('no coordinated-omission correction');
  });
});
