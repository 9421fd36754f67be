import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const SUITE = 'suites/waypoint-sharing.suite.ts';
const GOLDEN = join(ROOT, 'fixtures/golden/plan');

async function cli(args: string[]) {
  try {
    const r = await run('node', ['bin/meshbench.js', ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Compares with the golden file; UPDATE_GOLDEN=1 rewrites it. */
async function golden(name: string, text: string) {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) await writeFile(path, text);
  expect(text).toBe(await readFile(path, 'utf8'));
}

describe('meshbench plan', () => {
  it.each(['kind', 'cluster'])(
    'prints every step and manifest for --platform %s (golden)',
    async (platform) => {
      const r = await cli(['plan', '--platform', platform, SUITE]);
      expect(r.stderr).toContain('nothing was applied');
      expect(r.code).toBe(0);
      await golden(`waypoint-sharing.${platform}.yaml`, r.stdout);
      const docs = parseAllDocuments(r.stdout).map((d) => d.toJSON());
      const ids = docs.slice(1).map((d) => d.id);
      for (const id of [
        'namespaces',
        'bookinfo-ns-1',
        'dedicated-waypoints',
        'shared-waypoints',
        'shared-load',
        'cleanup',
      ])
        expect(ids).toContain(id);
    },
  );

  it('writes one file per manifest with --out', async () => {
    const out = await mkdtemp(join(tmpdir(), 'mb-plan-'));
    try {
      const r = await cli(['plan', '--platform', 'kind', SUITE, '--out', out]);
      expect(r.code).toBe(0);
      const dirs = await readdir(out);
      expect(dirs).toContain('plan.yaml');
      expect(dirs).toContain('16-shared-waypoints');
      const gw = await readFile(join(out, '16-shared-waypoints', '01-gateway-ns-1-waypoint.yaml'), 'utf8');
      expect(gw).toContain('gatewayClassName: istio-waypoint');
      expect(gw).toContain('from: Selector');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('rejects --platform local with the flag, the value and the fix', async () => {
    const r = await cli(['plan', '--platform', 'local', SUITE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--platform must be kind or cluster, got "local"');
    expect(r.stderr).toContain('fix:');
  });
});
