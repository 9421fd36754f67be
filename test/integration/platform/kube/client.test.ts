import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeshbenchError } from '../../../../src/errors.ts';
import { createCgroupReader } from '../../../../src/platform/kube/cgroup-reader.ts';
import { deleteManagedNamespaces, deleteStaleGateways } from '../../../../src/platform/kube/cleanup.ts';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { KubeClient } from '../../../../src/platform/kube/client.ts';
import { readKubeConfig } from '../../../../src/platform/kube/kubeconfig.ts';
import { cgroupCandidates } from '../../../../src/platform/kube/parse-cgroup.ts';
import { buildKubePlan } from '../../../../src/platform/kube/plan.ts';
import { KubeSampler } from '../../../../src/platform/kube/sampler.ts';
import { waitForDeploymentAvailable, waitForGatewayProgrammed } from '../../../../src/platform/kube/wait.ts';
import { allVariantsPlan } from '../../../unit/platform/kube/helpers.ts';
import { FakeApiServer, putPod, serveNodeFixtures } from './fake-apiserver.ts';

const FIX = new URL('../../../../fixtures/kube/', import.meta.url).pathname;
const TOKEN = 'fake-token-DO-NOT-LOG';
const api = new FakeApiServer();
let dir: string;
let client: KubeClient;

beforeAll(async () => {
  await api.start();
  dir = await mkdtemp(join(tmpdir(), 'mb-kube-'));
  await writeFile(join(dir, 'config'), api.kubeconfig(TOKEN));
  client = new KubeClient((await readKubeConfig({ path: join(dir, 'config') })).kc);
});
afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
  // Leak guard: the fake API server is closed.
  expect(api.listening).toBe(false);
});
beforeEach(() => {
  api.requests.length = 0;
  api.objects.clear();
  api.raw.clear();
  api.forbidden.clear();
  api.statusOf = undefined;
});

const errorOf = async (p: Promise<unknown>): Promise<MeshbenchError> => {
  try {
    await p;
  } catch (e) {
    return e as MeshbenchError;
  }
  throw new Error('expected a failure');
};

describe('server-side apply', () => {
  it('applies every manifest of the plan as fieldManager meshbench with force, with the bearer token', async () => {
    const kp = buildKubePlan(allVariantsPlan(), { platform: 'kind' });
    const objs = kp.steps.filter((s) => s.action.type === 'apply').flatMap((s) => s.manifests);
    for (const o of objs) await client.apply(o);
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(objs.length);
    for (const r of patches) {
      expect(r.contentType).toBe('application/apply-patch+yaml');
      expect(r.query.get('fieldManager')).toBe('meshbench');
      expect(r.query.get('force')).toBe('true');
      expect(r.authorization).toBe(`Bearer ${TOKEN}`);
    }
    expect(api.objects.get('/api/v1/namespaces/ns-2')?.metadata.labels['istio.io/dataplane-mode']).toBe(
      'ambient',
    );
    expect(
      api.objects.get('/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint')?.spec
        .gatewayClassName,
    ).toBe('istio-waypoint');
    expect(
      api.objects.has('/apis/security.istio.io/v1/namespaces/ns-2/authorizationpolicies/productpage-authz'),
    ).toBe(true);
    expect(api.objects.has('/apis/apps/v1/namespaces/ns-1/deployments/reviews-v3')).toBe(true);
  });

  it('turns an API refusal into PLATFORM_FAILED naming the object, without the credentials', async () => {
    api.forbidden.add('/api/v1/namespaces/ns-1');
    const kp = buildKubePlan(allVariantsPlan(), { platform: 'kind' });
    const ns = kp.steps.find((s) => s.id === 'namespaces')!.manifests[0];
    const e = await errorOf(client.apply(ns));
    expect(e.code).toBe('PLATFORM_FAILED');
    expect(e.message).toContain('Namespace ns-1');
    expect(e.message).toContain('HTTP 403: forbidden');
    expect(e.format()).not.toContain(TOKEN);
  });

  it('validates every manifest before applying it: an invalid one never reaches the cluster (issue 12)', async () => {
    const bad = new Gateway({
      metadata: { name: 'w', namespace: 'ns-1' },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 'x' as unknown as number, protocol: 'HBONE' }],
      },
    });
    const before = api.requests.length;
    const e = await errorOf(client.apply(bad));
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toMatch(/invalid manifest, Gateway ns-1\/w .*port/);
    expect(api.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([]);
  });

  it('reads (undefined when absent) and lists by label', async () => {
    expect(await client.get('v1', 'ConfigMap', 'ns-1', 'nope')).toBeUndefined();
    api.put('/api/v1/namespaces/a', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'a', labels: { x: '1' } },
    });
    api.put('/api/v1/namespaces/b', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'b', labels: { x: '2' } },
    });
    const l = await client.list('v1', 'Namespace', { labelSelector: 'x=2' });
    expect(l.map((n) => n.metadata?.name)).toEqual(['b']);
  });
});

describe('cleanup', () => {
  const ns = (name: string, labels: Record<string, string> = {}) =>
    api.put(`/api/v1/namespaces/${name}`, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels },
    });

  it('deletes only namespaces labelled app.kubernetes.io/managed-by=meshbench', async () => {
    ns('ns-1', { 'app.kubernetes.io/managed-by': 'meshbench' });
    ns('meshbench-load', { 'app.kubernetes.io/managed-by': 'meshbench' });
    ns('default');
    ns('istio-system', { 'app.kubernetes.io/managed-by': 'Helm' });
    ns('ns-3', { 'istio.io/dataplane-mode': 'ambient' });
    const deleted = await deleteManagedNamespaces(client, { waitMs: 5000 });
    expect(deleted.sort()).toEqual(['meshbench-load', 'ns-1']);
    expect([...api.objects.keys()].sort()).toEqual([
      '/api/v1/namespaces/default',
      '/api/v1/namespaces/istio-system',
      '/api/v1/namespaces/ns-3',
    ]);
    expect(
      api.requests
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/api/v1/namespaces/meshbench-load', '/api/v1/namespaces/ns-1']);
    expect(
      api.requests
        .find((r) => r.method === 'GET' && r.path === '/api/v1/namespaces')
        ?.query.get('labelSelector'),
    ).toBe('app.kubernetes.io/managed-by=meshbench');
  });

  it('deletes meshbench Gateways the variant no longer has, and no others', async () => {
    const gw = (namespace: string, name: string, managed: boolean) =>
      api.put(`/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/gateways/${name}`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name, namespace, labels: managed ? { 'app.kubernetes.io/managed-by': 'meshbench' } : {} },
      });
    gw('ns-1', 'waypoint', true);
    gw('ns-2', 'waypoint', true);
    gw('ns-2', 'theirs', false);
    const deleted = await deleteStaleGateways(client, {
      namespaces: ['ns-1', 'ns-2'],
      keep: [{ namespace: 'ns-1', name: 'waypoint' }],
    });
    expect(deleted).toEqual(['ns-2/waypoint']);
    expect(api.objects.has('/apis/gateway.networking.k8s.io/v1/namespaces/ns-2/gateways/theirs')).toBe(true);
  });
});

describe('readiness waits', () => {
  it('waits for Gateway Programmed (pending twice, then programmed)', async () => {
    const programmed = JSON.parse(await readFile(join(FIX, 'gateway-programmed.json'), 'utf8'));
    const pending = JSON.parse(await readFile(join(FIX, 'gateway-pending.json'), 'utf8'));
    api.put('/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint', pending);
    api.statusOf = (_p, _o, n) => (n <= 2 ? pending.status : programmed.status);
    await waitForGatewayProgrammed(client, 'ns-1', 'waypoint', { timeoutMs: 10_000, intervalMs: 20 });
    expect(api.requests.filter((r) => r.path.endsWith('/gateways/waypoint')).length).toBe(3);
  });

  it('times out with the last conditions seen and what to run', async () => {
    const pending = JSON.parse(await readFile(join(FIX, 'gateway-pending.json'), 'utf8'));
    api.put('/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint', pending);
    const e = await errorOf(
      waitForGatewayProgrammed(client, 'ns-1', 'waypoint', { timeoutMs: 200, intervalMs: 20 }),
    );
    expect(e.code).toBe('PLATFORM_FAILED');
    expect(e.message).toContain('Gateway ns-1/waypoint to be Programmed');
    expect(e.message).toContain(
      'Programmed=False (NoResources: Deployment waypoint not ready: 0/1 replicas available)',
    );
    expect(e.fix).toContain('kubectl describe gateway -n ns-1 waypoint');
  });

  it('waits for a Deployment Available and reports a missing one', async () => {
    api.put('/apis/apps/v1/namespaces/ns-1/deployments/productpage-v1', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'productpage-v1', namespace: 'ns-1' },
    });
    api.statusOf = (_p, _o, n) => ({
      conditions: [
        { type: 'Available', status: n > 1 ? 'True' : 'False', reason: 'MinimumReplicasUnavailable' },
      ],
    });
    await waitForDeploymentAvailable(client, 'ns-1', 'productpage-v1', { timeoutMs: 5000, intervalMs: 20 });
    const e = await errorOf(
      waitForDeploymentAvailable(client, 'ns-1', 'gone', { timeoutMs: 100, intervalMs: 20 }),
    );
    expect(e.message).toContain('last seen: not found');
  });
});

describe('sampler', () => {
  it('reads CPU, limits, throttling, memory and Envoy overflow counters through the API server', async () => {
    putPod(api, 'ns-1', 'waypoint-7c9d8b5f6d-x2kqp', {
      'gateway.networking.k8s.io/gateway-name': 'waypoint',
    });
    putPod(api, 'ns-1', 'productpage-v1-54bb874995-hkq7c', { app: 'productpage' });
    putPod(api, 'istio-system', 'ztunnel-9hz5w', { app: 'ztunnel' });
    await serveNodeFixtures(api);
    const sampler = new KubeSampler(client, {
      waypoints: [{ namespace: 'ns-1', name: 'waypoint' }],
      services: [{ namespace: 'ns-1', service: 'productpage' }],
    });
    const s = await sampler.sample();
    const by = Object.fromEntries(s.cpu.map((c) => [c.component, c]));
    expect(by['ns-1/waypoint']).toEqual({
      component: 'ns-1/waypoint',
      kind: 'waypoint',
      namespace: 'ns-1',
      cpuSeconds: 812.441298,
      limitCores: 2,
      enforcement: 'kubernetes',
      periods: 12887,
      throttledPeriods: 4121,
      throttledSeconds: 311.927,
      memoryBytes: 91742208,
    });
    expect(by['ns-1/productpage']).toMatchObject({
      kind: 'service',
      cpuSeconds: 301.55412,
      enforcement: 'none',
      periods: 0,
    });
    expect(by['ztunnel@meshbench-worker']).toMatchObject({ kind: 'ztunnel', cpuSeconds: 220.117744 });
    expect(by['node/meshbench-worker']).toMatchObject({
      kind: 'machine',
      cpuSeconds: 5234.711904,
      memoryBytes: 4389240832,
    });
    expect(s.stats).toHaveLength(1);
    expect(s.stats[0].counters).toMatchObject({
      upstream_cx_overflow: 18425,
      'main_internal.upstream_cx_overflow': 18422,
      upstream_rq_pending_overflow: 2210,
      upstream_rq_retry_overflow: 7,
      'main_internal.circuit_breakers_default_cx_open': 1,
    });
    // Node proxy paths are raw (a `/` in them must not be encoded).
    expect(api.requests.some((r) => r.path === '/api/v1/nodes/meshbench-worker/proxy/stats/summary')).toBe(
      true,
    );
  });
});

describe('kubeconfig problems', () => {
  it('names a missing file, with the fix', async () => {
    const e = await errorOf(readKubeConfig({ path: join(dir, 'missing') }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.exitCode).toBe(110);
    expect(e.message).toContain(join(dir, 'missing'));
    expect(e.fix).toContain('kind create cluster');
  });

  it('reports invalid YAML by line, never echoing the file (it holds credentials)', async () => {
    const p = join(dir, 'bad');
    await writeFile(p, `users:\n- name: x\n  user: {token: ${TOKEN}\n: :\n`);
    const e = await errorOf(readKubeConfig({ path: p }));
    expect(e.code).toBe('KUBECONFIG');
    expect(e.format()).not.toContain(TOKEN);
  });

  it('lists the contexts there are when the one asked for is missing', async () => {
    const e = await errorOf(readKubeConfig({ path: join(dir, 'config'), context: 'kind-meshbench' }));
    expect(e.message).toContain('has no context "kind-meshbench"');
    expect(e.fix).toBe('use one of: fake');
  });
});

describe('sampler resilience', () => {
  it('skips a node whose kubelet does not answer instead of failing the run', async () => {
    api.put('/api/v1/namespaces/ns-1/pods/p', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'ns-1',
        labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
      },
      spec: { nodeName: 'gone-node' },
      status: { phase: 'Running' },
    });
    const sampler = new KubeSampler(client, {
      waypoints: [{ namespace: 'ns-1', name: 'waypoint' }],
      services: [],
    });
    const s = await sampler.sample();
    expect(s.cpu).toEqual([]);
    expect(s.stats).toEqual([]);
    expect(api.requests.some((r) => r.path === '/api/v1/nodes/gone-node/proxy/stats/summary')).toBe(true);
  });
});

describe('sampler with node cgroup files', () => {
  it('prefers the node cgroup cpu.stat (second-level) over the Summary API, through a real reader process', async () => {
    const uid = '0f6a4bd5-3a0e-4c3f-a5f3-7f0a9a3c1e21';
    api.put('/api/v1/namespaces/ns-1/pods/waypoint-7c9d8b5f6d-x2kqp', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'waypoint-7c9d8b5f6d-x2kqp',
        namespace: 'ns-1',
        uid,
        labels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
      },
      spec: { nodeName: 'meshbench-worker' },
      status: {
        phase: 'Running',
        qosClass: 'Burstable',
        containerStatuses: [{ name: 'istio-proxy', containerID: 'containerd://5b1f' }],
      },
    });
    await serveNodeFixtures(api, { envoy: false });
    // A copy of the node's cgroup tree, read by the same `sh` script docker exec runs on kind.
    const root = join(dir, 'node-root');
    const [path] = cgroupCandidates({ podUid: uid, qosClass: 'Burstable', containerId: '5b1f' });
    await mkdir(join(root, dirname(path)), { recursive: true });
    await writeFile(
      join(root, path),
      'usage_usec 815000000\nnr_periods 12900\nnr_throttled 4130\nthrottled_usec 312000000\n',
    );
    const reader = createCgroupReader({ prefix: () => [], root });
    const sampler = new KubeSampler(
      client,
      { waypoints: [{ namespace: 'ns-1', name: 'waypoint' }], services: [] },
      reader,
    );
    const s = await sampler.sample();
    expect(s.cpu.find((c) => c.component === 'ns-1/waypoint')).toMatchObject({
      cpuSeconds: 815,
      periods: 12900,
      throttledPeriods: 4130,
      throttledSeconds: 312,
      limitCores: 2,
      memoryBytes: 91742208,
    });
  });
});
