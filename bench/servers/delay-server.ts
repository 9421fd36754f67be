/**
 * Benchmark/test target: an HTTP server on 127.0.0.1 that answers after a known delay and measures its own
 * answer time per request (the "server's truth"). Delays are timers, never a blocked event loop, so a stall
 * ("stop answering for N ms") holds responses without freezing anything else in the process.
 *
 * As a child process: `node --import tsx bench/servers/delay-server.ts --delay 5 [--profile mixed]` prints
 * `{"port":N}` on stdout. GET /__stats returns the server-side histogram (encoded µs) and resets it;
 * POST /__stall?ms=1000 stops answering for that long.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  createHistogram,
  type EncodedHistogram,
  encodeHistogram,
  type Histogram,
  recordMicros,
} from '../../src/metrics/histogram.ts';

/**
 * 'fixed': every answer after delayMs; 'mixed': 85% delayMs, 13% 3×delayMs, 2% 10×delayMs (deterministic), so
 * p50, p90 and p99 each fall inside a step of the distribution, not on an edge where a few requests flip them.
 */
export type DelayProfile = 'fixed' | 'mixed';

export interface DelayServer {
  url: string;
  port: number;
  server: Server;
  /** Server-side answer times (arrival → response written), µs; returns and resets. */
  takeStats(): { histogram: EncodedHistogram; count: number };
  /** Stop answering for ms: requests arriving meanwhile are answered after the stall ends (+ their delay). */
  stall(ms: number): void;
  close(): Promise<void>;
}

export function delayFor(profile: DelayProfile, delayMs: number, n: number): number {
  if (profile === 'fixed') return delayMs;
  const r = n % 100;
  return r < 85 ? delayMs : r < 98 ? 3 * delayMs : 10 * delayMs;
}

export async function startDelayServer(
  opts: {
    delayMs?: number;
    profile?: DelayProfile;
    port?: number;
    /** Leave each connection's first request out of the truth (a tool's warm-up burst, not its run). */
    skipFirstOnConnection?: boolean;
  } = {},
): Promise<DelayServer> {
  const delayMs = opts.delayMs ?? 5;
  const profile = opts.profile ?? 'fixed';
  let hist: Histogram = createHistogram();
  let n = 0;
  let stallUntil = 0;
  const seen = new WeakSet<object>();
  const takeStats = () => {
    const out = { histogram: encodeHistogram(hist), count: hist.totalCount };
    hist = createHistogram();
    return out;
  };
  const stall = (ms: number) => {
    stallUntil = performance.now() + ms;
  };
  const server = createServer((req, res) => {
    const arrived = performance.now();
    if (req.url?.startsWith('/__stats')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(takeStats()));
      return;
    }
    if (req.url?.startsWith('/__stall')) {
      stall(Number(new URL(req.url, 'http://x').searchParams.get('ms') ?? 1000));
      res.end('stalling\n');
      return;
    }
    req.resume();
    const first = !seen.has(req.socket);
    seen.add(req.socket);
    const record = !(opts.skipFirstOnConnection && first);
    const wait = Math.max(0, stallUntil - arrived) + delayFor(profile, delayMs, n++);
    setTimeout(() => {
      res.end('ok\n', () => {
        if (record) recordMicros(hist, (performance.now() - arrived) * 1000);
      });
    }, wait);
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    server,
    takeStats,
    stall,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// Child-process mode for the benchmark: the server gets its own event loop (and core).
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const s = await startDelayServer({
    delayMs: Number(arg('delay') ?? 5),
    profile: (arg('profile') as DelayProfile) ?? 'fixed',
    skipFirstOnConnection: process.argv.includes('--skip-first'),
  });
  process.stdout.write(`${JSON.stringify({ port: s.port })}\n`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
