/**
 * `meshbench run` as a process on the local platform: a whole (small) suite end to end, an
 * unmeetable threshold, Ctrl-C in the middle, and a bad results directory. Every test proves
 * that no process it started is left behind.
 */
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectCgroupLayout } from '../../src/metrics/cgroup.ts';
import { BIN, ROOT, runCli } from '../helpers/cli.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';

const results = mkdtempSync(join(tmpdir(), 'meshbench-run-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

function onlyRunDir(suite: string): string {
  const dirs = readdirSync(join(results, suite));
  expect(dirs).toHaveLength(1);
  return join(results, suite, dirs[0]);
}

/**
 * `meshbench run` in its own process group (so a test can interrupt it as a terminal does: a signal to
 * every process of the group), returned once the dedicated variant's load has run for `afterMs`.
 */
async function runUntilLoading(suite: string, tag: string, afterMs: number) {
  const child = execa(process.execPath, [BIN, 'run', suite, '--results', results], {
    cwd: ROOT,
    detached: true,
    reject: false,
    env: { MESHBENCH_TEST_TAG: tag, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!/variant dedicated.*running/.test(stderr) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, afterMs));
  return { child, stderr: () => stderr };
}

describe('meshbench run --platform local', () => {
  it('runs every variant and leaves result.json, reports and charts', async () => {
    const tag = newTag();
    const r = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--results', results, '--json'], {
      env: { MESHBENCH_TEST_TAG: tag },
      timeout: 120_000,
    });
    expect(r.stderr).toMatch(/dedicated/);
    expect(r.stderr).toMatch(/shared/);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/avg \(ms, intended start\)[^\n]*\n[\s\S]*avg \(ms, actual start · Fortio\)/);
    const out = JSON.parse(r.stdout);
    expect(out.complete).toBe(true);
    // Both latency definitions per tenant: from the intended start and from the actual send (Fortio's).
    for (const v of out.summary.variants) {
      expect(v.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['ns-1', 'ns-2']);
      for (const t of v.tenants) {
        expect(t.merged.latency.avgMs).toBeGreaterThan(0);
        expect(t.merged.latencyActual.avgMs).toBeGreaterThan(0);
        expect(t.merged.latencyActual.avgMs).toBeLessThanOrEqual(t.merged.latency.avgMs);
      }
    }
    expect(out).not.toHaveProperty('published'); // tiny publishes no figures
    const dir = onlyRunDir('tiny');
    expect(out.dir).toBe(dir);
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.schemaVersion).toBe(1);
    expect(result.meta).toMatchObject({ complete: true, platform: 'local', suite: { name: 'tiny' } });
    expect(result.variants.map((v: { name: string }) => v.name)).toEqual(['dedicated', 'shared']);
    for (const v of result.variants) {
      expect(v.complete).toBe(true);
      expect(v.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['ns-1', 'ns-2']);
      for (const t of v.tenants) {
        expect(t.load.requests.completed).toBeGreaterThan(50);
        expect(typeof t.load.latency.intended).toBe('string');
      }
      expect(v.cpu.some((c: { kind: string }) => c.kind === 'waypoint')).toBe(true);
    }
    for (const f of ['report.html', 'summary.md', 'junit.xml'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readdirSync(join(dir, 'charts')).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('load.agents: each tenant over two agent processes, per-agent rows in result.json and the reports', async () => {
    const tag = newTag();
    const r = await runCli(['run', 'fixtures/suites/tiny-agents.suite.ts', '--results', results, '--json'], {
      env: { MESHBENCH_TEST_TAG: tag },
      timeout: 120_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = onlyRunDir('tiny-agents');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.plan.load.agents).toBe(2);
    for (const t of result.variants[0].tenants) {
      expect(
        t.load.agents.map((a: { index: number; connections: number }) => [a.index, a.connections]),
      ).toEqual([
        [0, 2],
        [1, 2],
      ]);
      // 40 req/s for the 3 s measured, all of it accounted for across the two agents.
      expect(t.load.requests.intended).toBe(120);
      expect(t.load.agents.reduce((n: number, a: { completed: number }) => n + a.completed, 0)).toBe(
        t.load.requests.completed,
      );
    }
    // The stagger holds across agent processes.
    const [a, b] = result.variants[0].tenants.map((t: { load: { startedAt: number } }) => t.load.startedAt);
    expect(b - a).toBeCloseTo(1000, -1);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(
      /### Load agents[\s\S]*\| ns-2 \| 1 \| 2 \|/,
    );
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h2>Load agents</h2>');
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('sweep: every variant at each offered load, a table per variant, charts against offered load (issue #15)', async () => {
    const tag = newTag();
    const r = await runCli(['run', 'fixtures/suites/tiny-sweep.suite.ts', '--results', results, '--json'], {
      env: { MESHBENCH_TEST_TAG: tag },
      timeout: 180_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/sweep · dedicated[\s\S]*offered req\/s[\s\S]*sweep · shared/);
    const dir = onlyRunDir('tiny-sweep');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.meta.complete).toBe(true);
    expect(
      result.variants.map((v: { name: string; load: { rate: number } }) => `${v.name}@${v.load.rate}`),
    ).toEqual(['dedicated@20', 'dedicated@40', 'dedicated@80', 'shared@20', 'shared@40', 'shared@80']);
    // Each step drove its own rate: 1 s of warm-up out of 3 s leaves 2 s measured.
    for (const v of result.variants)
      for (const t of v.tenants) expect(t.load.requests.intended).toBe(v.load.rate * 2);
    const out = JSON.parse(r.stdout);
    expect(out.summary.sweep.map((s: { steps: unknown[] }) => s.steps.length)).toEqual([3, 3]);
    // The main tables read the step at the suite's own load.
    expect(out.summary.variants[0].tenants[0].merged.requests.intended).toBe(80);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md).toMatch(/### Sweep[\s\S]*\*\*dedicated\*\*[\s\S]*\| 80 \| 2 \| ns-2 \|[\s\S]*\*\*shared\*\*/);
    expect(md).toMatch(
      /the sweep step nearest the suite's load: 40 req\/s over 4 connections per tenant \(1×\)/,
    );
    const charts = readdirSync(join(dir, 'charts'));
    for (const c of [
      'sweep-p99.png',
      'sweep-p50.png',
      'sweep-errors.png',
      'sweep-cpu.png',
      'sweep-achieved.png',
    ])
      expect(charts, c).toContain(c);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('id="sweep"');
    // One Fortio file per step, none overwritten.
    expect(readdirSync(join(dir, 'fortio')).length).toBe(12);
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('search: probes until the breaking point is bracketed and confirmed, and thresholds read it (issue #15)', async () => {
    const tag = newTag();
    const r = await runCli(['run', 'fixtures/suites/tiny-search.suite.ts', '--results', results, '--json'], {
      env: { MESHBENCH_TEST_TAG: tag },
      timeout: 180_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const [search] = out.summary.searches;
    expect(search.probes.length).toBeLessThanOrEqual(6);
    expect(search.probes[0]).toMatchObject({ probe: 1, factor: 1, rate: 40 });
    expect(search.capacity).toBeDefined();
    // The answer met the SLO, and some probe above it missed it (the waypoint saturates near 80 req/s).
    const at = search.probes.filter((p: { factor: number }) => p.factor === search.capacity.factor);
    expect(at.every((p: { pass: boolean }) => p.pass)).toBe(true);
    expect(
      search.probes.some(
        (p: { pass: boolean; factor: number }) => !p.pass && p.factor > search.capacity.factor,
      ),
    ).toBe(true);
    expect(search.capacity.rate).toBeGreaterThan(20);
    expect(search.capacity.rate).toBeLessThan(160);
    expect(out.verdicts[0]).toMatchObject({
      key: 'capacity{variant:dedicated}',
      pass: true,
      actual: search.capacity.rate,
    });
    const dir = onlyRunDir('tiny-search');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.variants.map((v: { load: { probe: number } }) => v.load.probe)).toEqual(
      search.probes.map((_: unknown, i: number) => i + 1),
    );
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(
      /### Breaking point\n\n- dedicated: \d+ req\/s per tenant/,
    );
    expect(readdirSync(join(dir, 'charts'))).toContain('search-probes.png');
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('exits 99 with the verdict table when a threshold cannot be met', async () => {
    const tag = newTag();
    const r = await runCli(['run', 'fixtures/suites/unmeetable.suite.ts', '--results', results], {
      env: { MESHBENCH_TEST_TAG: tag },
      timeout: 120_000,
    });
    expect(r.exitCode, r.stderr).toBe(99);
    expect(r.stderr).toMatch(/p\(99\)<0\.001/);
    expect(r.stderr).toMatch(/FAIL/i);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a verdict, not a stack trace
    const junit = readFileSync(join(onlyRunDir('unmeetable'), 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<failure/);
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('on Ctrl-C keeps what was measured, marks it incomplete, leaves no process, exits 105', async () => {
    const tag = newTag();
    const suite = join(results, 'long.suite.json');
    writeFileSync(
      suite,
      JSON.stringify({
        name: 'long',
        tenants: [{ name: 'ns-1' }, { name: 'ns-2', startOffset: '1s' }],
        load: { rate: 40, connections: 4, duration: '60s', warmup: '1s' },
        topology: {
          variants: [
            { name: 'dedicated', waypoints: 'dedicated' },
            { name: 'shared', waypoints: 'shared', host: 'ns-1' },
          ],
        },
        platforms: { local: { scale: 1 } },
      }),
    );
    // Interrupt once load has run for a few seconds.
    const { child, stderr } = await runUntilLoading(suite, tag, 5000);
    process.kill(-child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode, stderr()).toBe(105);
    const dir = onlyRunDir('long');
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.meta.complete).toBe(false);
    expect(result.meta.abort.code).toBe('ABORTED');
    expect(result.variants).toHaveLength(1);
    expect(result.variants[0].complete).toBe(false);
    const load = result.variants[0].tenants[0].load;
    expect(load.incomplete).toBe(true);
    expect(load.requests.completed).toBeGreaterThan(20);
    // The mesh outlives the load's drain: no request of the interrupted run failed on our own teardown.
    for (const t of result.variants[0].tenants) {
      expect(t.load.outcomes.refused + t.load.outcomes.reset, JSON.stringify(t.load.outcomes)).toBe(0);
    }
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('a forced exit (Ctrl-C twice) marks result.json cut short and leaves no process or cgroup (issue 11)', async () => {
    const tag = newTag();
    const suite = join(results, 'forced.suite.json');
    writeFileSync(
      suite,
      JSON.stringify({
        name: 'forced',
        tenants: [{ name: 'ns-1' }, { name: 'ns-2', startOffset: '1s' }],
        load: { rate: 40, connections: 4, duration: '60s', warmup: '1s' },
        topology: { variants: [{ name: 'dedicated', waypoints: 'dedicated' }] },
        platforms: { local: { scale: 1 } },
      }),
    );
    const { child, stderr } = await runUntilLoading(suite, tag, 2000);
    const layout = await detectCgroupLayout();
    const ours = () =>
      layout ? readdirSync(layout.cpuRoot).filter((n) => n.startsWith(`meshbench-${child.pid}-`)) : [];
    const before = ours();
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    process.kill(-child.pid!, 'SIGINT');
    const r = await child;
    expect(r.exitCode, stderr()).toBe(105);
    expect(stderr()).toContain('meshbench: forced exit');
    const result = JSON.parse(readFileSync(join(onlyRunDir('forced'), 'result.json'), 'utf8'));
    expect(result.meta.complete).toBe(false);
    expect(result.meta.endedAt).toBeTypeOf('string');
    expect(result.meta.abort).toMatchObject({
      code: 'ABORTED',
      reason: expect.stringMatching(/exited before the run finished/),
    });
    if (layout) {
      expect(before.length, 'the run had made its cgroups').toBeGreaterThan(0);
      expect(ours()).toEqual([]);
    }
    expect(await waitForNoTagged(tag)).toEqual([]);
  });

  it('a results filesystem that fills mid-run loses nothing: summary and verdicts, exit 107, no temp file (issue 11)', async (ctx) => {
    const root = mkdtempSync(join(tmpdir(), 'meshbench-full-'));
    try {
      // 32 KiB: the run's first record (~8 KB) fits, the first variant's (~47 KB) does not (ENOSPC).
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', root], { stdio: 'ignore' });
      } catch {
        ctx.skip(); // mounting needs root
      }
      const tag = newTag();
      const r = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--results', root], {
        env: { MESHBENCH_TEST_TAG: tag },
        timeout: 120_000,
      });
      try {
        expect(r.exitCode, r.stderr).toBe(107);
        expect(r.stderr).toMatch(/cannot write \S+result\.json: ENOSPC/);
        expect(r.stderr).toMatch(/tenant ns-1\s+dedicated\s+shared/);
        expect(r.stderr).toMatch(/PASS\s+errors\{variant:dedicated\}/);
        expect(r.stderr).not.toMatch(/internal error/);
        const [dir] = readdirSync(join(root, 'tiny'));
        const files = readdirSync(join(root, 'tiny', dir));
        expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
        // What could be written is whole: the record as it stood before the filesystem filled.
        const result = JSON.parse(readFileSync(join(root, 'tiny', dir, 'result.json'), 'utf8'));
        expect(result.schemaVersion).toBe(1);
        expect(await waitForNoTagged(tag)).toEqual([]);
      } finally {
        execFileSync('umount', [root]);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a results folder gone mid-run loses nothing printed: summary and verdicts, then exit 107 (issue 11)', async () => {
    const tag = newTag();
    const root = mkdtempSync(join(tmpdir(), 'meshbench-vanish-'));
    try {
      const child = execa(
        process.execPath,
        [BIN, 'run', 'fixtures/suites/tiny.suite.ts', '--results', root],
        { cwd: ROOT, reject: false, env: { MESHBENCH_TEST_TAG: tag, FORCE_COLOR: '0' }, timeout: 120_000 },
      );
      let stderr = '';
      let removed = false;
      child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
        // The whole results folder vanishes once the first variant is recorded.
        if (!removed && /variant dedicated: done/.test(stderr)) {
          removed = true;
          rmSync(root, { recursive: true, force: true });
        }
      });
      const r = await child;
      expect(removed).toBe(true);
      expect(r.exitCode, stderr).toBe(107);
      expect(stderr).toMatch(/cannot write \S+result\.json: ENOENT/);
      // Everything measured still reaches the terminal: both variants' summary and the verdicts.
      expect(stderr).toMatch(/tenant ns-1\s+dedicated\s+shared/);
      expect(stderr).toMatch(/PASS\s+errors\{variant:dedicated\}/);
      expect(stderr).toContain('RESULTS_WRITE');
      expect(stderr).not.toMatch(/internal error/);
      expect(existsSync(root)).toBe(false);
      expect(await waitForNoTagged(tag)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('rejects an unusable results directory with exit 2', async () => {
    const file = join(results, 'not-a-dir');
    writeFileSync(file, '');
    const r = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--results', file]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/RESULTS_DIR: --results .*not-a-dir cannot be used/);
  });

  it('rejects bad run flags naming the flag, the value and the fix', async () => {
    const a = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--repeat', '0']);
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toMatch(/--repeat must be a whole number >= 1 and <= 100, got "0"/);
    const b = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--variant', 'sharde']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toMatch(/--variant sharde is not a variant of suite tiny/);
    // --scale applies to every platform (issue 12), within (0, 1].
    const c = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--platform', 'kind', '--scale', '2']);
    expect(c.exitCode).toBe(2);
    expect(c.stderr).toMatch(/--scale must be a number >= 0\.001 and <= 1, got "2"/);
    const d = await runCli(['run', 'fixtures/suites/tiny.suite.ts', '--driver', 'fortio']);
    expect(d.exitCode).toBe(2);
    expect(d.stderr).toMatch(/--driver must be agent or fortio on kind or cluster/);
  });
});
