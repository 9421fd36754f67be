/** Schedule checks before any socket opens. Pure: returns the first problem as a MeshbenchError, or undefined. */
import { availableParallelism } from 'node:os';
import { MeshbenchError, showValue } from '../errors.ts';
import type { LoadSchedule } from './types.ts';
import { redactUrl } from './redact.ts';

/** Paced requests per second one event loop holds comfortably (measured: ~6.5k at ~0.45 core). */
export const RATE_PER_WORKER = 8000;

function bad(field: string, value: unknown, need: string, fix: string): MeshbenchError {
  return new MeshbenchError('USAGE', `load schedule ${field} ${need}, got ${showValue(value)}`, {
    input: field,
    value,
    fix,
  });
}

export function checkSchedule(s: LoadSchedule): MeshbenchError | undefined {
  let url: URL;
  try {
    url = new URL(s.url);
  } catch (cause) {
    return new MeshbenchError('INVALID_URL', `not a URL: ${showValue(redactUrl(s.url))}`, {
      input: 'url',
      value: redactUrl(s.url),
      fix: 'give an absolute URL such as http://127.0.0.1:8080/',
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return new MeshbenchError(
      'INVALID_URL',
      `unsupported scheme ${showValue(url.protocol)} in ${showValue(redactUrl(s.url))}`,
      {
        input: 'url',
        value: redactUrl(s.url),
        fix: 'use an http:// or https:// URL',
      },
    );
  if (s.model === 'open' && !(typeof s.rate === 'number' && Number.isFinite(s.rate) && s.rate > 0))
    return bad('rate', s.rate, 'must be a number > 0 for the open model', 'pass e.g. rate 6500');
  if (!Number.isInteger(s.connections) || s.connections < 1)
    return bad('connections', s.connections, 'must be a whole number >= 1', 'pass e.g. connections 650');
  if (!Number.isFinite(s.durationMs) || s.durationMs <= 0)
    return bad('duration', s.durationMs, 'must be > 0 ms', 'pass e.g. duration 60s');
  if (!Number.isFinite(s.warmupMs) || s.warmupMs < 0 || s.warmupMs >= s.durationMs)
    return bad('warmup', s.warmupMs, 'must be >= 0 and shorter than the duration', 'pass e.g. warmup 2s');
  if (!Number.isFinite(s.timeoutMs) || s.timeoutMs <= 0)
    return bad('timeout', s.timeoutMs, 'must be > 0 ms', 'pass e.g. timeout 5s');
  if (!Number.isFinite(s.startOffsetMs) || s.startOffsetMs < 0)
    return bad('startOffset', s.startOffsetMs, 'must be >= 0 ms', 'pass e.g. startOffset 3s');
  if (!(s.jitter >= 0 && s.jitter <= 0.5))
    return bad('jitter', s.jitter, 'must be a fraction between 0 and 0.5', 'pass e.g. jitter 0.1');
  if (s.client !== undefined && s.client !== 'raw' && s.client !== 'undici')
    return bad('client', s.client, "must be 'raw' or 'undici'", 'leave it out for the raw client');
  if (s.agents !== undefined && !(Number.isInteger(s.agents) && s.agents >= 1 && s.agents <= s.connections))
    return bad(
      'agents',
      s.agents,
      'must be a whole number from 1 to the connections',
      'pass e.g. agents 3, at most one per connection',
    );
  if (
    s.shard !== undefined &&
    !(
      Number.isInteger(s.shard.index) &&
      Number.isInteger(s.shard.of) &&
      s.shard.index >= 0 &&
      s.shard.index < s.shard.of &&
      s.shard.of <= s.connections
    )
  )
    return bad('shard', s.shard, 'must have 0 <= index < of <= connections', 'the agent coordinator sets it');
  const w = s.workers;
  if (w !== undefined && w !== 'auto' && !(Number.isInteger(w) && w >= 1))
    return bad('workers', w, "must be a whole number >= 1 or 'auto'", 'pass e.g. workers 2');
  return undefined;
}

/** The connections (global indices) this process drives: all of them, or its agent's share. */
export function connectionIndices(s: LoadSchedule): number[] {
  const { index, of } = s.shard ?? { index: 0, of: 1 };
  const out: number[] = [];
  for (let i = index; i < s.connections; i += of) out.push(i);
  return out;
}

/**
 * Worker threads for a schedule: explicit count, or one per RATE_PER_WORKER rps of this process's share of
 * the rate (`driven` of the schedule's connections) up to the cores.
 */
export function resolveWorkers(
  s: LoadSchedule,
  cores = availableParallelism(),
  driven = s.connections,
): number {
  if (s.model === 'closed') return 1;
  const share = ((s.rate ?? 0) * driven) / s.connections;
  const wanted =
    typeof s.workers === 'number' ? s.workers : Math.min(cores, Math.ceil(share / RATE_PER_WORKER));
  return Math.max(1, Math.min(wanted, driven));
}
