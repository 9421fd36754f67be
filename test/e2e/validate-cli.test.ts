import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function suiteFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('meshbench validate (CLI process)', () => {
  it('prints the expanded plan of the reference suite', async () => {
    const r = await runCli(['validate', 'suites/waypoint-sharing.suite.ts']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Suite waypoint-sharing on local');
    expect(r.stdout).toMatch(/dedicated: ns-1\/waypoint \(admits ns-1\); ns-2\/waypoint \(admits ns-2\)/);
    expect(r.stdout).toMatch(
      /shared: ns-1\/waypoint \(admits ns-1, ns-2\); ns-1→ns-1\/waypoint, ns-2→ns-1\/waypoint/,
    );
    expect(r.stdout).toContain('startOffsetMs: 3000');
    expect(r.stderr).toContain('is valid');
  });

  it('prints the plan as JSON for kind at the article figures', async () => {
    const r = await runCli(['validate', 'suites/waypoint-sharing.suite.ts', '--platform', 'kind', '--json']);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.load).toMatchObject({ rate: 6500, connections: 650, durationMs: 60000 });
    expect(plan.variants.map((v: { name: string }) => v.name)).toEqual(['dedicated', 'shared']);
  });

  it('prints a JSON Schema', async () => {
    const r = await runCli(['validate', '--schema']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).properties.tenants).toBeDefined();
  });

  it('exits 104 for a missing suite file', async () => {
    const r = await runCli(['validate', 'suites/nope.suite.ts']);
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toMatch(/SUITE_NOT_FOUND: suite file suites\/nope\.suite\.ts does not exist/);
    expect(r.stderr).toMatch(/fix: give the path of a suite file/);
  });

  it('never prints credential headers of a suite (issue 11)', async () => {
    const f = suiteFile(
      'creds.suite.json',
      JSON.stringify({
        name: 'creds',
        tenants: [{ name: 'ns-1', headers: { authorization: 'Bearer s3cret', 'x-tenant': 'ns-1' } }],
        load: { rate: 10, connections: 2, duration: '5s' },
        topology: { variants: [{ name: 'dedicated', waypoints: 'dedicated' }] },
      }),
    );
    const [json, yaml] = await Promise.all([runCli(['validate', f, '--json']), runCli(['validate', f])]);
    for (const r of [json, yaml]) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('s3cret');
    }
    expect(JSON.parse(json.stdout).tenants[0].headers).toEqual({
      authorization: '[redacted]',
      'x-tenant': 'ns-1',
    });
  });

  it('refuses a FIFO as the suite instead of hanging on it (issue 11)', async () => {
    const fifo = join(dir, 'pipe.suite.json');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['validate', fifo], { timeout: 20_000 });
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toContain(`suite file ${fifo} is not a regular file`);
  });

  it('exits 104 for a suite that throws on import', async () => {
    const f = suiteFile('throws.suite.ts', "throw new Error('boom from suite');\nexport default {};\n");
    const r = await runCli(['validate', f]);
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toMatch(/SUITE_IMPORT_FAILED: .*threw while loading: .*boom from suite/);
  });

  it('exits 104 for a syntax error', async () => {
    const f = suiteFile('syntax.suite.ts', 'export default { name: "x", tenants: [ };\n');
    const r = await runCli(['validate', f]);
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toMatch(/SUITE_SYNTAX: suite file .*syntax\.suite\.ts has a syntax error/);
  });

  it('exits 104 for a JSON suite with bad syntax', async () => {
    const f = suiteFile('bad.json', '{"name": "x",,}');
    const r = await runCli(['validate', f]);
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toMatch(/SUITE_SYNTAX: .*not valid JSON/);
  });

  it('exits 104 with every problem of an invalid suite', async () => {
    const f = suiteFile(
      'invalid.suite.json',
      JSON.stringify({
        name: 'x',
        tenants: [{ name: 'ns-1' }, { name: 'ns-1' }],
        load: { rate: -1, connections: 10, duration: '10s', bogus: 1 },
        topology: { variants: [{ name: 's', waypoints: 'shared', host: 'ns-9' }] },
      }),
    );
    const r = await runCli(['validate', f]);
    expect(r.exitCode).toBe(104);
    expect(r.stderr).toMatch(/load: unknown field "bogus"/);
  });

  it('refuses an envelope field the platform cannot honour, naming field and platform (issue 12)', async () => {
    const f = suiteFile(
      'envelope.suite.json',
      JSON.stringify({
        name: 'envelope',
        tenants: [{ name: 'ns-1' }],
        load: { rate: 10, connections: 2, duration: '5s' },
        topology: {
          variants: [{ name: 'dedicated', waypoints: 'dedicated' }],
          waypoint: { cpuRequest: '250m', istioBehaviour: 'current' },
        },
      }),
    );
    const local = await runCli(['validate', f]);
    expect(local.exitCode).toBe(104);
    expect(local.stderr).toContain(`SUITE_INVALID: suite ${f} is invalid for platform local (1 problem)`);
    expect(local.stderr).toMatch(
      /topology\.waypoint\.cpuRequest: is a Kubernetes scheduling reservation, which the local platform cannot honour .*\(got "250m"\); remove it for local runs, or run with --platform kind or cluster/,
    );
    // kind honours the request, but its default Istio (1.24.6) has the 1.24 internal cluster limit.
    const kind = await runCli(['validate', f, '--platform', 'kind']);
    expect(kind.exitCode).toBe(104);
    expect(kind.stderr).toMatch(
      /topology\.waypoint\.istioBehaviour: cannot be honoured on kind: Istio 1\.24\.6 \(platforms\.kind\.istioVersion\) behaves as '1\.24'/,
    );
    expect(kind.stderr).not.toContain('cpuRequest');
  });

  it('exits 2 for an unknown platform', async () => {
    const r = await runCli(['validate', 'suites/waypoint-sharing.suite.ts', '--platform', 'minikube']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--platform must be one of local, kind, cluster, got "minikube"/);
  });

  it('exits 2 for an unknown flag', async () => {
    const r = await runCli(['validate', 'suites/waypoint-sharing.suite.ts', '--rate', '5']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/UNKNOWN_FLAG: unknown flag --rate/);
  });

  it('exits 2 for an unknown command and shows help with --help', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
    const h = await runCli(['--help']);
    expect(h.exitCode).toBe(0);
    expect(h.stdout).toMatch(/Exit codes: 0 pass/);
    const ch = await runCli(['validate', '--help']);
    expect(ch.exitCode).toBe(0);
    expect(ch.stdout).toMatch(/Usage: meshbench validate/);
  });
});
