import { resolve } from 'node:path';
import { ExitCode, isMeshbenchError, MeshbenchError } from '../../errors.ts';
import { runSchedule } from '../../load/driver.ts';
import { formatLoadSummary, formatProgress } from '../../load/format-load.ts';
import { buildFortioResult } from '../../load/fortio-format.ts';
import { probeTarget } from '../../load/probe-target.ts';
import { summarizeLoad } from '../../load/summarize-load.ts';
import type { LoadSchedule } from '../../load/types.ts';
import { checkSchedule } from '../../load/check-schedule.ts';
import { credentialsFromUrl, redactTarget } from '../../load/redact.ts';
import { checkConnectionBudget } from '../../load/fd-limit.ts';
import type { Command } from '../command.ts';
import { flagChoice, flagDuration, flagMethod, flagNumber } from '../flags.ts';
import { ensureWritableFile, writeFileAtomic } from '../../output/results-dir.ts';
import { HEADER_NAME, HEADER_NAME_FIX, HEADER_VALUE, HEADER_VALUE_FIX } from '../../suite/http-syntax.ts';

function parseHeaders(values: unknown): Record<string, string> {
  const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
  const headers: Record<string, string> = {};
  for (const h of list) {
    const m = typeof h === 'string' ? /^([^:\s]+)\s*:\s*(.*)$/s.exec(h) : null;
    if (!m)
      throw new MeshbenchError('INVALID_FLAG', `--header must be "Name: value", got ${JSON.stringify(h)}`, {
        input: '--header',
        value: h,
        fix: 'pass e.g. --header "x-tenant: ns-1"',
      });
    const bad = !HEADER_NAME.test(m[1])
      ? HEADER_NAME_FIX
      : !HEADER_VALUE.test(m[2])
        ? HEADER_VALUE_FIX
        : null;
    if (bad)
      throw new MeshbenchError(
        'INVALID_FLAG',
        `--header ${JSON.stringify(m[1])} is not a valid HTTP header`,
        {
          input: '--header',
          value: m[1],
          fix: bad,
        },
      );
    headers[m[1].toLowerCase()] = m[2];
  }
  return headers;
}

function parseWorkers(value: unknown): number | 'auto' {
  if (value === undefined || value === 'auto') return 'auto';
  return flagNumber('workers', value, { min: 1, max: 64, integer: true, example: '2' }) as number;
}

export const loadCommand: Command = {
  name: 'load',
  summary: 'Send load to one URL at a fixed rate (open loop) and report honest latency',
  usage:
    'load <url> --rate R --connections C --duration D [--method M] [--header "K: V"]... [--timeout T] [--warmup W] [--catch-up|--skip] [--workers N|auto] [--jitter F] [--closed] [--json] [--fortio-json FILE]',
  description:
    'Example: meshbench load http://127.0.0.1:8080/ --rate 6500 --connections 650 --duration 60s --warmup 5s\n' +
    "Latency is measured from each request's intended start (no coordinated omission); --json prints the LoadResult.",
  options: {
    rate: { type: 'string', arg: 'R', help: 'Total requests per second across all connections (open loop)' },
    connections: { type: 'string', short: 'c', arg: 'C', help: 'Keep-alive connections (default 10)' },
    duration: { type: 'string', short: 'd', arg: 'D', help: 'How long to send, e.g. 30s (default 10s)' },
    method: { type: 'string', arg: 'M', help: 'HTTP method (default GET)' },
    header: { type: 'string', multiple: true, arg: '"K: V"', help: 'Request header; repeatable' },
    timeout: { type: 'string', arg: 'T', help: 'Per-request timeout (default 5s)' },
    warmup: { type: 'string', arg: 'W', help: 'Leading part excluded from the figures (default 0s)' },
    'catch-up': { type: 'boolean', help: 'Behind schedule: send the late requests back to back (default)' },
    skip: { type: 'boolean', help: 'Behind schedule: skip late requests (counted as skipped)' },
    workers: { type: 'string', arg: 'N', help: "Worker threads, or 'auto' (default: one per 8000 req/s)" },
    jitter: {
      type: 'string',
      arg: 'F',
      help: 'Random jitter as a fraction of the per-connection interval (0..0.5)',
    },
    client: { type: 'string', arg: 'NAME', help: 'HTTP client: raw (default, lean) or undici' },
    closed: { type: 'boolean', help: 'Closed loop (max throughput, through autocannon); --rate is ignored' },
    json: {
      type: 'boolean',
      help: 'Print the LoadResult (figures and encoded histograms) as JSON on stdout',
    },
    'fortio-json': { type: 'string', arg: 'FILE', help: "Write Fortio's JSON result format to FILE" },
  },
  positionals: { min: 0, max: 1 },
  handlesSignals: true,
  async run({ values, positionals }, io) {
    const given = positionals[0];
    if (!given)
      throw new MeshbenchError('USAGE', '`meshbench load` needs a URL', {
        fix: 'meshbench load http://127.0.0.1:8080/ --rate 100 --duration 10s',
      });
    if (values['catch-up'] && values.skip)
      throw new MeshbenchError('INVALID_FLAG', '--catch-up and --skip exclude each other', {
        input: '--skip',
        fix: 'pass one of them (catch-up is the default)',
      });
    const closed = values.closed === true;
    const rate = flagNumber('rate', values.rate, { min: 0.001, example: '6500' });
    if (!closed && rate === undefined)
      throw new MeshbenchError('INVALID_FLAG', '--rate is required for an open-loop run', {
        input: '--rate',
        fix: 'pass e.g. --rate 6500, or --closed for a max-throughput run',
      });
    // user:password@ in the URL is sent as Basic auth (unless --header gives an Authorization) and
    // never shown: the URL is used without it, and the header is redacted wherever it is printed.
    const { url, authorization } = credentialsFromUrl(given);
    const headers = parseHeaders(values.header);
    if (authorization && headers.authorization === undefined) headers.authorization = authorization;
    const schedule: LoadSchedule = {
      url,
      method: flagMethod(values.method),
      headers,
      model: closed ? 'closed' : 'open',
      rate: closed ? undefined : rate,
      connections:
        flagNumber('connections', values.connections, {
          min: 1,
          max: 100_000,
          integer: true,
          example: '650',
        }) ?? 10,
      durationMs: flagDuration('duration', values.duration, { min: 1, example: '30s' }) ?? 10_000,
      startOffsetMs: 0,
      warmupMs: flagDuration('warmup', values.warmup, { example: '5s' }) ?? 0,
      timeoutMs: flagDuration('timeout', values.timeout, { min: 1, example: '5s' }) ?? 5000,
      behindSchedule: values.skip ? 'skip' : 'catch-up',
      jitter: flagNumber('jitter', values.jitter, { min: 0, max: 0.5, example: '0.1' }) ?? 0,
      workers: parseWorkers(values.workers),
      client: flagChoice('client', values.client, ['raw', 'undici'], {
        fix: 'pass --client raw (the default) or --client undici',
      }),
    };
    // Named in flag terms here; checkSchedule's own message speaks of the schedule (it also serves suites).
    if (schedule.warmupMs >= schedule.durationMs)
      throw new MeshbenchError(
        'INVALID_FLAG',
        `--warmup (${schedule.warmupMs} ms) must be shorter than --duration (${schedule.durationMs} ms)`,
        {
          input: '--warmup',
          value: values.warmup,
          fix: 'shorten --warmup or lengthen --duration',
        },
      );
    const problem = checkSchedule(schedule);
    if (problem) throw problem;
    checkConnectionBudget(schedule.connections);
    const fortioFile = values['fortio-json'];
    // Checked before the load: a minute of measurement must not be lost to an unwritable path.
    if (typeof fortioFile === 'string')
      await ensureWritableFile({ file: resolve(io.cwd, fortioFile), flag: '--fortio-json' });
    await probeTarget(url, Math.min(schedule.timeoutMs, 5000));
    io.stderr.write(
      `meshbench load: ${schedule.model === 'open' ? `${rate} req/s` : 'closed loop'} over ${schedule.connections} connections for ${schedule.durationMs / 1000}s → ${url}\n`,
    );
    const result = await runSchedule(schedule, {
      signal: io.signal,
      onProgress: (p) => io.stderr.write(`${formatProgress(p)}\n`),
    });
    io.stderr.write(formatLoadSummary(schedule, summarizeLoad(result)));
    if (values.json)
      io.stdout.write(`${JSON.stringify({ ...result, schedule: redactTarget(result.schedule) })}\n`);
    if (typeof fortioFile === 'string') {
      try {
        await writeFileAtomic(
          resolve(io.cwd, fortioFile),
          `${JSON.stringify(buildFortioResult(result), null, 2)}\n`,
        );
        io.stderr.write(`Fortio JSON written to ${fortioFile}\n`);
      } catch (e) {
        // The figures are above (and on stdout with --json); only the file is lost.
        if (!isMeshbenchError(e)) throw e;
        io.stderr.write(`\n${e.format()}\n`);
        return e.exitCode;
      }
    }
    if (io.signal.aborted) return ExitCode.aborted;
    // Stopped early without a signal: the engine itself failed (e.g. a worker thread died); the
    // figures above are kept, the exit code says they are partial.
    return result.incomplete ? ExitCode.internal : ExitCode.ok;
  },
};
