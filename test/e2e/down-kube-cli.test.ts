/**
 * `meshbench down --platform cluster|kind` as a process: the cluster form deletes only meshbench's
 * labelled namespaces through a fake API server (wire level); the kind form calls `kind delete
 * cluster` (a stand-in kind on PATH records its arguments).
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { FakeApiServer } from '../integration/platform/kube/fake-apiserver.ts';

const TOKEN = 'fake-token-DO-NOT-LOG';
const api = new FakeApiServer();
let dir: string;

beforeAll(async () => {
  await api.start();
  dir = await mkdtemp(join(tmpdir(), 'mb-down-'));
  await writeFile(join(dir, 'config'), api.kubeconfig(TOKEN));
});
afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
  expect(api.listening).toBe(false);
});

describe('meshbench down on Kubernetes', () => {
  it('cluster: deletes only namespaces labelled managed-by=meshbench, never logging the token', async () => {
    const ns = (name: string, labels: Record<string, string> = {}) =>
      api.put(`/api/v1/namespaces/${name}`, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
    ns('ns-1', { 'app.kubernetes.io/managed-by': 'meshbench' });
    ns('ns-2', { 'app.kubernetes.io/managed-by': 'meshbench' });
    ns('istio-system', { 'app.kubernetes.io/managed-by': 'Helm' });
    ns('default');
    const r = await runCli([
      'down',
      '--platform',
      'cluster',
      '--kubeconfig',
      join(dir, 'config'),
      '--timeout',
      '10s',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/deleted ns-1, ns-2 in context fake/);
    expect([...api.objects.keys()].sort()).toEqual([
      '/api/v1/namespaces/default',
      '/api/v1/namespaces/istio-system',
    ]);
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });

  it('cluster: a missing kubeconfig is a clear error with exit 110', async () => {
    const r = await runCli(['down', '--platform', 'cluster', '--kubeconfig', join(dir, 'nope')]);
    expect(r.exitCode).toBe(110);
    expect(r.stderr).toMatch(/KUBECONFIG: kubeconfig .*nope cannot be read \(ENOENT\)/);
  });

  it('kind: deletes the named cluster with kind', async () => {
    const bin = join(dir, 'bin');
    const log = join(dir, 'kind.log');
    await rm(bin, { recursive: true, force: true });
    await mkdir(bin);
    await writeFile(
      join(bin, 'kind'),
      `#!/bin/sh\necho "$@" >> ${log}\nif [ "$1" = "get" ]; then echo meshbench; fi\nexit 0\n`,
    );
    await chmod(join(bin, 'kind'), 0o755);
    const r = await runCli(['down', '--platform', 'kind'], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/deleted kind cluster meshbench/);
    expect(await readFile(log, 'utf8')).toMatch(/delete cluster --name meshbench/);
  });
});
