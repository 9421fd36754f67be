/** A complete LoadSchedule for tests: open model, 100 req/s over 10 connections for 2 s, one worker. */
import type { LoadSchedule } from '../../src/load/types.ts';

export function schedule(over: Partial<LoadSchedule> & { url: string }): LoadSchedule {
  return {
    method: 'GET',
    headers: {},
    model: 'open',
    rate: 100,
    connections: 10,
    durationMs: 2000,
    startOffsetMs: 0,
    warmupMs: 0,
    timeoutMs: 2000,
    behindSchedule: 'catch-up',
    jitter: 0,
    workers: 1,
    ...over,
  };
}
