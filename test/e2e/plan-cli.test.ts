import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { expectGolden } from '../unit/report/golden.ts';

const SUITE = 'suites/waypoint-sharing.suite.ts';

const cli = async (args: string[]) => {
  const r = await runCli(args, { stripFinalNewline: false });
  return { ...r, code: r.exitCode };
};

describe('meshbench plan', () => {
  it.each(['kind', 'cluster'])(
    'prints every step and manifest for --platform %s (golden)',
    async (platform) => {
      const r = await cli(['plan', '--platform', platform, SUITE]);
      expect(r.stderr).toContain('nothing was applied');
      expect(r.code).toBe(0);
      expectGolden(`plan/waypoint-sharing.${platform}.yaml`, r.stdout);
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
      expect(dirs).toContain('18-shared-waypoints');
      const gw = await readFile(join(out, '18-shared-waypoints', '01-gateway-ns-1-waypoint.yaml'), 'utf8');
      expect(gw).toContain('gatewayClassName: istio-waypoint');
      expect(gw).toContain('from: Selector');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('renders a scale: scaled rate, connections and waypoint limits, and names what does not scale (issue 12)', async () => {
    const r = await cli(['plan', '--platform', 'kind', SUITE, '--scale', '0.25']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Scale 0.25: each tenant 1625 req/s over 163 connections; each waypoint 0.5 cores and 256Mi',
    );
    expect(r.stdout).toContain("Not scaled: the load agents' CPU requests (1 core each)");
    expect(r.stdout).toMatch(
      /Not scaled: Istio 1\.24\.6's 1024-connection internal cluster .* 326 connections at this scale, below it/,
    );
    // The manifests carry the scaled values: the agents' schedule and the waypoints' install values.
    expect(r.stdout).toMatch(/"rate": 1625/);
    expect(r.stdout).toMatch(/cpu: "0\.5"/);
    // The connection limits reach the waypoints as DestinationRules, scaled with the rest.
    expect(r.stdout).toMatch(
      /kind: DestinationRule[\s\S]*maxConnections: 256[\s\S]*http1MaxPendingRequests: 256/,
    );
  });

  it('rejects --platform local with the flag, the value and the fix', async () => {
    const r = await cli(['plan', '--platform', 'local', SUITE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--platform must be kind or cluster, got "local"');
    expect(r.stderr).toContain('fix:');
  });
});
