import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DelayServer, startDelayServer } from '../../bench/servers/delay-server.ts';
import { BIN } from '../helpers/cli.ts';
import { expectClosed, freePort } from '../integration/load/helpers.ts';

const cli = (args: string[], opts: { interruptAfterProgress?: boolean } = {}) => {
  const child = execa('node', [BIN, 'load', ...args], { reject: false, timeout: 40_000 });
  // Interrupt once the run is under way (process start-up time varies on a busy machine).
  if (opts.interruptAfterProgress)
    child.stderr?.on('data', (d: Buffer) => {
      if (d.toString().includes('s] default')) child.kill('SIGINT');
    });
  return child;
};

describe('meshbench load (the CLI as a process)', () => {
  let srv: DelayServer;
  let dir: string;
  beforeAll(async () => {
    srv = await startDelayServer({ delayMs: 2 });
    dir = await mkdtemp(join(tmpdir(), 'meshbench-load-'));
  });
  afterAll(async () => {
    await srv.close();
    await rm(dir, { recursive: true, force: true });
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('runs at a fixed rate: progress and summary on stderr, LoadResult on stdout, Fortio JSON to a file', async () => {
    const fortio = join(dir, 'fortio.json');
    const r = await cli([
      srv.url,
      '--rate',
      '200',
      '-c',
      '10',
      '-d',
      '2s',
      '--json',
      '--fortio-json',
      fortio,
    ]);
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.requests.intended).toBe(400);
    expect(result.outcomes.ok).toBe(400);
    expect(typeof result.latency.intended).toBe('string');
    expect(r.stderr).toMatch(/\[\s+1s\] default\s+rate/);
    expect(r.stderr).toContain('successes, intended start');
    const f = JSON.parse(await readFile(fortio, 'utf8'));
    expect(f.RetCodes).toEqual({ '200': 400 });
    expect(f.DurationHistogram.Count).toBe(400);
    expect(f.DurationHistogram.Percentiles[0].Value).toBeLessThan(1);
  });

  it('bad input ends with a clear message and its exit code', async () => {
    const port = await freePort();
    const [refused, dns, scheme, rate, duration] = await Promise.all([
      cli([`http://127.0.0.1:${port}/`, '--rate', '10', '-d', '1s']),
      cli(['http://meshbench-nonexistent.invalid/', '--rate', '10', '-d', '1s']),
      cli(['ftp://127.0.0.1/', '--rate', '10', '-d', '1s']),
      cli([srv.url, '--rate', 'fast', '-d', '1s']),
      cli([srv.url, '--rate', '10', '-d', 'forever']),
    ]);
    expect(refused.exitCode).toBe(106);
    expect(refused.stderr).toContain('TARGET_UNREACHABLE');
    expect(dns.exitCode).toBe(106);
    expect(dns.stderr).toContain('cannot resolve host');
    expect(scheme.exitCode).toBe(2);
    expect(scheme.stderr).toContain('INVALID_URL');
    expect(rate.exitCode).toBe(2);
    expect(rate.stderr).toContain('--rate');
    expect(duration.exitCode).toBe(2);
    expect(duration.stderr).toContain('--duration');
    for (const r of [refused, dns, scheme, rate, duration]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a --fortio-json that is a directory or a symlink is refused before the load (issue 11)', async () => {
    const asDir = join(dir, 'a-dir');
    await mkdir(asDir);
    const target = join(dir, 'elsewhere.json');
    await writeFile(target, 'keep me');
    const link = join(dir, 'link.json');
    await symlink(target, link);
    const [d, l, long] = await Promise.all([
      cli([srv.url, '--rate', '10', '-d', '1s', '--fortio-json', asDir]),
      cli([srv.url, '--rate', '10', '-d', '1s', '--fortio-json', link]),
      cli([srv.url, '--rate', '10', '-d', '1000h']),
    ]);
    expect(d.exitCode).toBe(2);
    expect(d.stderr).toContain(`--fortio-json ${asDir} cannot be used: it is a directory`);
    expect(l.exitCode).toBe(2);
    expect(l.stderr).toContain('it is a symlink');
    // Refused before the load: no banner, and the symlink's target is untouched.
    for (const r of [d, l]) expect(r.stderr).not.toContain('meshbench load:');
    expect(await readFile(target, 'utf8')).toBe('keep me');
    // Past what a timer can wait: refused, never a 1 ms run that passes.
    expect(long.exitCode).toBe(2);
    expect(long.stderr).toContain('--duration must be at most 168h');
  });

  it('URL user-info is sent as Basic auth and never shown; credential headers are redacted (issue 11)', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const fortio = join(dir, 'creds-fortio.json');
    try {
      const r = await cli([
        `http://user:s3cret@127.0.0.1:${port}/`,
        '--rate',
        '20',
        '-d',
        '1s',
        '--header',
        'x-api-key: k3y-s3cret',
        '--json',
        '--fortio-json',
        fortio,
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(seen.length).toBeGreaterThan(5);
      expect(new Set(seen)).toEqual(new Set([`Basic ${Buffer.from('user:s3cret').toString('base64')}`]));
      const everything = `${r.stdout}\n${r.stderr}\n${await readFile(fortio, 'utf8')}`;
      expect(everything).not.toContain('s3cret');
      expect(everything).not.toContain(Buffer.from('user:s3cret').toString('base64'));
      expect(JSON.parse(r.stdout).schedule.headers).toEqual({
        'x-api-key': '[redacted]',
        authorization: '[redacted]',
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('connections past ulimit -n are refused up front, not reported as target errors (issue 11)', async () => {
    const r = await execa(
      'bash',
      ['-c', `ulimit -n 200 && exec node ${BIN} load ${srv.url} --rate 10 -d 1s -c 400`],
      {
        reject: false,
        timeout: 30_000,
      },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      'FD_LIMIT: 400 connections need more file descriptors than this process may open (ulimit -n is 200)',
    );
    expect(r.stderr).not.toContain('meshbench load:');
  });

  it('SIGINT stops the run: what was measured is printed, marked incomplete, exit 105', async () => {
    const t0 = Date.now();
    const r = await cli([srv.url, '--rate', '100', '-c', '5', '-d', '30s', '--json'], {
      interruptAfterProgress: true,
    });
    // Well before the 30 s schedule would end.
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(r.exitCode).toBe(105);
    const result = JSON.parse(r.stdout);
    expect(result.incomplete).toBe(true);
    expect(result.outcomes.ok).toBeGreaterThan(50);
    expect(result.outcomes.ok).toBeLessThan(1000);
    expect(r.stderr).toContain('INCOMPLETE');
  });
});
