/**
 * Opt-in: the reference suite against a real kind cluster (`npm run test:cluster`). Needs Docker, kind,
 * kubectl and istioctl or helm (`meshbench doctor --platform kind`); takes ~15 minutes; skipped otherwise.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const enabled = process.env.MESHBENCH_CLUSTER_TESTS === '1';
const SUITE = 'suites/waypoint-sharing.suite.ts';

const cli = async (args: string[], timeoutMs: number) => {
  const r = await runCli(args, { timeout: timeoutMs });
  return { ...r, code: r.exitCode ?? 1 };
};

describe.skipIf(!enabled)('the reference suite on kind', () => {
  it('doctor finds everything it needs', async () => {
    const r = await cli(['doctor', '--platform', 'kind', SUITE], 60_000);
    expect(r.stderr).toContain('everything needed is there');
    expect(r.code).toBe(0);
  }, 90_000);

  it(
    'runs dedicated and shared, records CPU, overflow counters and versions, and cleans up',
    async () => {
      const results = await mkdtemp(join(tmpdir(), 'mb-cluster-'));
      try {
        const r = await cli(
          ['run', SUITE, '--platform', 'kind', '--results', results, '--quiet'],
          40 * 60_000,
        );
        // 0 = thresholds pass, 99 = a threshold failed: both mean the experiment ran.
        expect([0, 99], r.stderr.slice(-4000)).toContain(r.code);
        const [suiteDir] = await readdir(results);
        const [runDir] = await readdir(join(results, suiteDir));
        const result = JSON.parse(await readFile(join(results, suiteDir, runDir, 'result.json'), 'utf8'));
        expect(result.meta.platform).toBe('kind');
        expect(result.meta.versions.istio).toMatch(/^1\.24\./);
        expect(result.meta.versions.kubernetes).toMatch(/^v1\./);
        for (const v of result.variants) {
          expect(v.complete).toBe(true);
          expect(v.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(['ns-1', 'ns-2']);
          for (const t of v.tenants) expect(t.load.requests.completed).toBeGreaterThan(0);
          expect(v.cpu.some((c: { kind: string }) => c.kind === 'waypoint')).toBe(true);
          expect(v.cpu.some((c: { kind: string }) => c.kind === 'ztunnel')).toBe(true);
        }
        const shared = result.variants.find((v: { name: string }) => v.name === 'shared');
        expect(shared.stats[0].deltas).toHaveProperty('upstream_cx_overflow');
        // Cleanup: no meshbench namespaces are left.
        const ns = await new Promise<string>((resolve) =>
          execFile(
            'kubectl',
            [
              '--context',
              'kind-meshbench',
              'get',
              'ns',
              '-l',
              'app.kubernetes.io/managed-by=meshbench',
              '-o',
              'name',
            ],
            (_e, out) => resolve(out),
          ),
        );
        expect(ns.trim()).toBe('');
      } finally {
        await rm(results, { recursive: true, force: true });
      }
    },
    45 * 60_000,
  );
});
