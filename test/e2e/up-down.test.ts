/**
 * `meshbench up` and `meshbench down` as processes: up prints curl-able endpoints and keeps the
 * mesh running; down (or Ctrl-C) stops it and every component with it.
 */
import { execa, type ResultPromise } from 'execa';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { listening } from '../integration/platform/local/helpers.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';

const stateDir = mkdtempSync(join(tmpdir(), 'meshbench-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface UpJson {
  variant: string;
  targets: Array<{ tenant: string; url: string; headers: Record<string, string> }>;
  waypoints: Array<{ waypoint: string; url: string; stats: string; pid: number }>;
  services: Array<{ namespace: string; pid: number; ports: Record<string, number> }>;
  statePath: string;
}

function startUp(args: string[], tag: string): { proc: ResultPromise; ready: Promise<UpJson> } {
  const proc = execa(process.execPath, [BIN, 'up', ...args, '--json'], {
    cwd: ROOT,
    reject: false,
    env: { MESHBENCH_STATE_DIR: stateDir, MESHBENCH_TEST_TAG: tag, FORCE_COLOR: '0' },
    timeout: 90_000,
  });
  const ready = new Promise<UpJson>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line && buf.includes('\n')) resolve(JSON.parse(line));
    });
    proc.then((r) => reject(new Error(`up exited early (${r.exitCode}): ${r.stderr}`)));
  });
  return { proc, ready };
}

function allPorts(up: UpJson): number[] {
  return [
    ...up.waypoints.flatMap((w) => [Number(new URL(w.url).port), Number(new URL(w.stats).port)]),
    ...up.services.flatMap((s) => Object.values(s.ports)),
  ];
}

describe('meshbench up / down', () => {
  it('keeps the shared variant running with curl-able endpoints until `meshbench down`', async () => {
    const tag = newTag();
    const { proc, ready } = startUp(['suites/waypoint-sharing.suite.ts', '--variant', 'shared'], tag);
    const up = await ready;
    expect(up.variant).toBe('shared');
    expect(up.waypoints.map((w) => w.waypoint)).toEqual(['ns-1/waypoint']);
    expect(existsSync(up.statePath)).toBe(true);
    for (const t of up.targets) {
      const r = await request(t.url, { headers: t.headers });
      expect(r.statusCode).toBe(200);
      expect(await r.body.text()).toContain('Book Details');
    }
    const stats = await request(up.waypoints[0].stats);
    expect(await stats.body.text()).toContain('envoy_cluster_upstream_cx_overflow');
    // A second `up` is refused while the first runs (issue 11: it orphaned the first).
    const second = await runCli(['up', 'suites/waypoint-sharing.suite.ts'], {
      env: { MESHBENCH_STATE_DIR: stateDir, MESHBENCH_TEST_TAG: tag },
    });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(
      `ALREADY_UP: meshbench up is already running (pid ${JSON.parse(readFileSync(up.statePath, 'utf8')).pid}`,
    );

    const down = await runCli(['down'], { env: { MESHBENCH_STATE_DIR: stateDir } });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/stopped meshbench up/);
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(await waitForNoTagged(tag)).toEqual([]);
    for (const p of allPorts(up)) expect(await listening(p)).toBe(false);
    expect(existsSync(up.statePath)).toBe(false);
    // Nothing left to stop: down says so and succeeds.
    const again = await runCli(['down'], { env: { MESHBENCH_STATE_DIR: stateDir } });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/nothing is running/);
  });

  it('down never signals a process the state file names but did not write it (issue 11: a decoy got SIGINT)', async () => {
    // A decoy whose command line says "meshbench" and "up", named in a forged state file.
    const decoy = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'meshbench', 'up'], {
      reject: false,
    });
    const forged = join(stateDir, 'meshbench-up.json');
    writeFileSync(
      forged,
      JSON.stringify({
        pid: decoy.pid,
        startedAt: 'x',
        suite: 's',
        variant: 'v',
        componentPids: [],
        startTicks: '1',
      }),
    );
    try {
      const down = await runCli(['down'], { env: { MESHBENCH_STATE_DIR: stateDir } });
      expect(down.exitCode).toBe(0);
      expect(down.stderr).toMatch(/is not running; removed/);
      expect(existsSync(forged)).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      // Still running: never signalled.
      expect(decoy.exitCode).toBeNull();
      expect(decoy.signalCode).toBeNull();
    } finally {
      decoy.kill('SIGKILL');
      await decoy;
    }
  });

  it('stops everything on Ctrl-C (SIGINT)', async () => {
    const tag = newTag();
    const { proc, ready } = startUp(['--variant', 'dedicated'], tag);
    const up = await ready;
    expect(up.waypoints).toHaveLength(2);
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(await waitForNoTagged(tag)).toEqual([]);
    for (const p of allPorts(up)) expect(await listening(p)).toBe(false);
  });

  it('components exit by themselves when `up` is killed with SIGKILL; the next run sweeps its cgroups', async () => {
    const tag = newTag();
    const { proc, ready } = startUp(['--variant', 'shared'], tag);
    const up = await ready;
    const pid = proc.pid!;
    proc.kill('SIGKILL');
    await proc;
    // Children watch their stdin pipe and parent PID: nothing of this run survives it.
    expect(await waitForNoTagged(tag, 8000)).toEqual([]);
    for (const p of allPorts(up)) expect(await listening(p)).toBe(false);
    const leftover = existsSync('/sys/fs/cgroup/cpu')
      ? readdirSync('/sys/fs/cgroup/cpu').filter((n) => n.startsWith(`meshbench-${pid}-`))
      : [];
    if (leftover.length) {
      // The dead run could not remove its (now empty) cgroups; the next `up` sweeps them.
      const next = startUp(['--variant', 'shared'], tag);
      await next.ready;
      expect(readdirSync('/sys/fs/cgroup/cpu').filter((n) => n.startsWith(`meshbench-${pid}-`))).toEqual([]);
      next.proc.kill('SIGINT');
      await next.proc;
      expect(await waitForNoTagged(tag)).toEqual([]);
    }
    rmSync(up.statePath, { force: true });
  });

  it.skipIf(!existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'))(
    'down removes the empty cgroups of ended runs, and only those (issue 11: a forced exit left them)',
    async () => {
      const exited = execa('true');
      const dead = exited.pid!; // a PID whose process has exited
      await exited;
      const mine = (name: string) =>
        ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct'].map((r) => join(r, name));
      const stale = mine(`meshbench-${dead}-ns-1-waypoint`);
      const live = mine(`meshbench-${process.pid}-ns-1-waypoint`); // its owner (this test) is alive
      for (const d of [...stale, ...live]) mkdirSync(d, { recursive: true });
      try {
        const r = await runCli(['down'], { env: { MESHBENCH_STATE_DIR: stateDir } });
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stderr).toContain('removed 2 cgroup(s) left by ended runs');
        for (const d of stale) expect(existsSync(d), d).toBe(false);
        for (const d of live) expect(existsSync(d), d).toBe(true);
      } finally {
        for (const d of [...stale, ...live]) rmSync(d, { recursive: true, force: true });
      }
    },
  );

  it('rejects an unknown variant naming the flag and the choices', async () => {
    const r = await runCli(['up', '--variant', 'nope'], { env: { MESHBENCH_STATE_DIR: stateDir } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--variant nope.*dedicated, shared/s);
  });
});
