/**
 * Unusable output paths and bad methods are usage errors (exit 2) found before any work, never an
 * internal error after a run; a command that does not watch for signals exits at once on SIGINT.
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { listen } from '../integration/load/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-out-'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('output paths and request methods', () => {
  it('report --out onto a file: exit 2 naming --out', async () => {
    const r = await runCli([
      'report',
      'fixtures/results/sample-result.json',
      '--out',
      aFile,
      '--only',
      'markdown',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/RESULTS_DIR: --out .*a-file cannot be used: .*not a directory/);
    expect(r.stderr).not.toMatch(/internal error/);
  });

  it('compare --out under /proc: exit 2 quickly', async () => {
    const r = await runCli(
      [
        'compare',
        'fixtures/results/sample-result.json',
        'fixtures/results/sample-result.json',
        '--out',
        '/proc/nope',
      ],
      { timeout: 30_000 },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--out \/proc\/nope cannot be used: .*pseudo file system/);
  });

  it('plan --out onto a file: exit 2', async () => {
    const r = await runCli([
      'plan',
      '--platform',
      'kind',
      'suites/waypoint-sharing.suite.ts',
      '--out',
      aFile,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/RESULTS_DIR: --out .*a-file cannot be used/);
  });

  it('load --fortio-json into a missing, uncreatable place: exit 2 before any load', async () => {
    const r = await runCli([
      'load',
      'http://127.0.0.1:9/',
      '--rate',
      '10',
      '--duration',
      '1s',
      '--fortio-json',
      join(aFile, 'f.json'),
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/RESULTS_DIR: --fortio-json .* cannot be used/);
  });

  it('load --method with anything but a token: exit 2', async () => {
    const r = await runCli([
      'load',
      'http://127.0.0.1:9/',
      '--rate',
      '10',
      '--method',
      'GET / HTTP/1.1\r\nX: y\r\n\r\nGET',
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--method must be an HTTP method such as GET or POST/);
  });

  it('a command that does not watch for signals exits 105 at once on SIGINT', async () => {
    // doctor against an API server that accepts connections and never answers: it would wait on
    // its own timeouts; the first SIGINT must end it.
    const held: Socket[] = [];
    const blackhole = await listen(createServer((sock) => held.push(sock)));
    const port = blackhole.port;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: hole',
        'clusters: [{name: hole, cluster: {server: "http://127.0.0.1:' +
          port +
          '", insecure-skip-tls-verify: true}}]',
        'contexts: [{name: hole, context: {cluster: hole, user: u}}]',
        'users: [{name: u, user: {token: t}}]',
        '',
      ].join('\n'),
    );
    try {
      const child = execa(process.execPath, [BIN, 'doctor', '--platform', 'cluster'], {
        cwd: ROOT,
        reject: false,
        env: { KUBECONFIG: kubeconfig },
      });
      const deadline = Date.now() + 30_000;
      while (held.length === 0 && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const sentAt = Date.now();
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(105);
      expect(Date.now() - sentAt).toBeLessThan(5000);
    } finally {
      await blackhole.close();
    }
  });
});
