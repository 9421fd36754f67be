import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FakeApiServer } from '../integration/platform/kube/fake-apiserver.ts';

let dir: string;

/** Runs doctor with exactly `env` (no KUBECONFIG or PATH leaking in from this process), or this process's env. */
const cli = async (args: string[], env?: Record<string, string>) => {
  const r = await runCli(args, env ? { env, inheritEnv: false } : {});
  return { ...r, code: r.exitCode };
};

/** A directory of stand-in tools (real executables printing what the real ones print). */
async function toolDir(name: string, tools: Record<string, string>): Promise<string> {
  const bin = join(dir, name);
  await mkdir(bin, { recursive: true });
  for (const [tool, script] of Object.entries(tools)) {
    await writeFile(join(bin, tool), `#!/bin/sh\n${script}\n`);
    await chmod(join(bin, tool), 0o755);
  }
  return bin;
}

async function procSys(watches: number, instances: number): Promise<string> {
  const root = join(dir, `sys-${watches}-${instances}`);
  await mkdir(join(root, 'fs/inotify'), { recursive: true });
  await writeFile(join(root, 'fs/inotify/max_user_watches'), `${watches}\n`);
  await writeFile(join(root, 'fs/inotify/max_user_instances'), `${instances}\n`);
  return root;
}

const GOOD_TOOLS = {
  docker: 'case "$3" in *Server*) echo 28.1.1;; *) echo 28.1.1;; esac',
  kind: 'if [ "$1" = version ]; then echo "kind v0.29.0 go1.24.2 linux/amd64"; else echo other-cluster; fi',
  kubectl: 'echo \'{"clientVersion":{"gitVersion":"v1.33.1"}}\'',
  istioctl: 'echo 1.24.6',
};
// The node binary must stay reachable while PATH is replaced.
const basePath = (bin: string) => `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mb-doctor-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('meshbench doctor', () => {
  it('exits 0 when every tool, version and limit is there (kind)', async () => {
    const bin = await toolDir('good', GOOD_TOOLS);
    const r = await cli(['doctor', '--platform', 'kind', '--json'], {
      PATH: `${bin}:${dirname(process.execPath)}`,
      HOME: dir,
      MESHBENCH_PROC_SYS: await procSys(524288, 512),
    });
    const out = JSON.parse(r.stdout);
    expect(
      out.checks.filter((c: { status: string }) => c.status !== 'ok').map((c: { name: string }) => c.name),
    ).toEqual(['helm', 'cluster']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('everything needed is there');
  });

  it('reports each missing piece with its exact fix and exits 110', async () => {
    const bin = await toolDir('partial', {
      docker:
        'case "$3" in *Server*) echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1;; *) echo 28.2.2;; esac',
      kind: 'echo "kind v0.14.0 go1.18 linux/amd64"',
      kubectl: GOOD_TOOLS.kubectl,
      istioctl: 'echo 1.27.1',
    });
    const r = await cli(['doctor', '--json'], {
      PATH: `${bin}:${dirname(process.execPath)}`,
      HOME: dir,
      MESHBENCH_PROC_SYS: await procSys(8192, 128),
    });
    expect(r.code).toBe(110);
    const checks = Object.fromEntries(JSON.parse(r.stdout).checks.map((c: { name: string }) => [c.name, c]));
    expect(checks['docker client'].status).toBe('ok');
    expect(checks['docker engine']).toMatchObject({
      status: 'missing',
      detail: expect.stringContaining('Cannot connect to the Docker daemon'),
    });
    expect(checks.kind).toMatchObject({ status: 'outdated', found: '0.14.0', need: '>= 0.16.0' });
    expect(checks.kind.fix).toContain('https://kind.sigs.k8s.io/dl/v0.29.0/kind-linux-');
    expect(checks.istioctl).toMatchObject({ status: 'outdated', found: '1.27.1', need: '1.24.6' });
    expect(checks.istioctl.fix).toContain('ISTIO_VERSION=1.24.6');
    expect(checks.helm.status).toBe('missing');
    expect(checks['inotify max_user_watches']).toMatchObject({ status: 'outdated', found: '8192' });
    expect(checks['inotify max_user_instances'].fix).toContain('fs.inotify.max_user_instances=512');
    expect(r.stderr).toContain(
      'missing pieces: docker engine, kind, istioctl, helm, inotify max_user_watches, inotify max_user_instances',
    );
  });

  it('uses the Istio version the suite pins', async () => {
    const bin = await toolDir('good2', GOOD_TOOLS);
    const suite = join(dir, 'newer.suite.json');
    await writeFile(
      suite,
      JSON.stringify({
        name: 'newer',
        tenants: [{ name: 'ns-1' }],
        load: { rate: 10, connections: 1 },
        topology: { variants: [{ name: 'dedicated', waypoints: 'dedicated' }] },
        platforms: { kind: { istioVersion: '1.27.1' } },
      }),
    );
    const r = await cli(['doctor', suite, '--json'], {
      PATH: `${bin}:${dirname(process.execPath)}`,
      HOME: dir,
      MESHBENCH_PROC_SYS: await procSys(524288, 512),
    });
    const istioctl = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'istioctl');
    expect(istioctl).toMatchObject({ status: 'outdated', found: '1.24.6', need: '1.27.1' });
  });

  describe('cluster platform', () => {
    const api = new FakeApiServer();
    let kubeconfig: string;
    beforeAll(async () => {
      await api.start();
      kubeconfig = join(dir, 'kubeconfig');
      await writeFile(kubeconfig, api.kubeconfig('tok-NEVER-PRINTED'));
    });
    afterAll(async () => {
      await api.stop();
      expect(api.listening).toBe(false);
    });

    it('checks reachability, RBAC and the installed Istio, naming what is denied', async () => {
      api.forbidden.add('ssar:get::nodes');
      const bin = await toolDir('cluster', { kubectl: GOOD_TOOLS.kubectl });
      const r = await cli(['doctor', '--platform', 'cluster', '--json'], {
        PATH: basePath(bin),
        HOME: dir,
        KUBECONFIG: kubeconfig,
      });
      expect(r.code).toBe(110);
      const checks = Object.fromEntries(
        JSON.parse(r.stdout).checks.map((c: { name: string }) => [c.name, c]),
      );
      expect(checks.cluster).toMatchObject({ status: 'ok', found: 'fake (Kubernetes v1.32.2)' });
      expect(checks.permissions).toMatchObject({ status: 'failed', detail: 'not allowed: get nodes/proxy' });
      expect(checks['istio in cluster'].status).toBe('missing');
      expect(checks.istioctl.status).toBe('skipped');
      expect(r.stdout + r.stderr).not.toContain('tok-NEVER-PRINTED');
      expect(
        api.requests.some((q) => q.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'),
      ).toBe(true);
    });

    it('warns when the reference suite asks more CPU than the nodes have, naming a scale that fits (issue 12)', async () => {
      api.forbidden.clear();
      for (const [name, labels] of [
        ['control-plane', { 'node-role.kubernetes.io/control-plane': '' }],
        ['worker', {}],
      ] as const)
        api.put(`/api/v1/nodes/${name}`, {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name, labels },
          status: { allocatable: { cpu: '4', memory: '16Gi' } },
        });
      const bin = await toolDir('capacity', { kubectl: GOOD_TOOLS.kubectl });
      const env = { PATH: basePath(bin), HOME: dir, KUBECONFIG: kubeconfig };
      const full = await cli(['doctor', '--platform', 'cluster', '--json'], env);
      const check = (r: typeof full) =>
        JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'cpu capacity');
      expect(check(full)).toMatchObject({
        status: 'warn',
        found: '4 cores allocatable',
        detail: expect.stringMatching(/scale 0\.2 fits/),
        fix: 'run with --scale 0.2 (or set platforms.<kind|cluster>.scale in the suite)',
      });
      expect(full.stderr).toMatch(/WARN/);
      const scaled = await cli(['doctor', '--platform', 'cluster', '--scale', '0.2', '--json'], env);
      expect(check(scaled)).toMatchObject({ status: 'ok' });
    });
  });

  it('on this machine: every check that is not ok names a fix', async () => {
    const r = await cli(['doctor', '--json']);
    expect([0, 110]).toContain(r.code);
    for (const c of JSON.parse(r.stdout).checks)
      if (!['ok', 'skipped'].includes(c.status)) expect(c.fix, c.name).toBeTruthy();
  });
});
