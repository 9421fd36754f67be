/**
 * The cluster platform's Kubernetes code against a real API server (etcd, kube-apiserver and
 * kube-controller-manager built from Go modules; the official Gateway API and Istio CRDs): server-side
 * apply with strict field validation, CRD schemas and CEL rules, variant switches, label-selected
 * cleanup, field ownership, RBAC, TLS. No scheduler, kubelet or istiod runs here: the test plays them at
 * the wire where the code waits on them (status conditions, the waypoint Deployment istiod creates).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMeshbenchError, type MeshbenchError } from '../../../../src/errors.ts';
import { createClusterPlatform } from '../../../../src/platform/cluster/platform.ts';
import { KubeClient } from '../../../../src/platform/kube/client.ts';
import { KubeSampler } from '../../../../src/platform/kube/sampler.ts';
import { readKubeConfig } from '../../../../src/platform/kube/kubeconfig.ts';
import type { KubePlatform } from '../../../../src/platform/kube/platform.ts';
import type { KubeObject } from '../../../../src/platform/kube/manifests/types.ts';
import { buildKubePlan } from '../../../../src/platform/kube/plan.ts';
import {
  type ControlPlane,
  findTestBins,
  selfSignedCert,
  startControlPlane,
  type TestBins,
} from '../../../helpers/control-plane.ts';
import { newTag, waitForNoTagged } from '../../../helpers/leaks.ts';
import { allVariantsPlan, sidecarInjectorConfigMap } from '../../../unit/platform/kube/helpers.ts';

const found = findTestBins();
const bins: TestBins | undefined = 'missing' in found ? undefined : found;
if (!bins)
  console.log(
    `real API server tests skipped (${'missing' in found ? found.missing : ''}): run \`bash scripts/k8s-test-bins.sh\` (needs Go) to enable them`,
  );

const tag = newTag();
const HELPERS = new URL('../../../helpers/', import.meta.url).pathname;
const FIXTURES = new URL('../../../../fixtures/kube/', import.meta.url).pathname;

async function until(what: string, ms: number, probe: () => Promise<true | undefined>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not done within ${ms} ms`);
}
let cp: ControlPlane;
let player: ReturnType<typeof setInterval> | undefined;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const condition = (type: string, generation = 1) => ({
  type,
  status: 'True',
  reason: type,
  message: 'set by the test (no controller runs here)',
  lastTransitionTime: now(),
  observedGeneration: generation,
});

const isTrue = (o: { status?: { conditions?: Array<{ type: string; status: string }> } }, type: string) =>
  o.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;

/**
 * What the kubelet, the Deployment controller, ztunnel and istiod would do, at the wire: Deployments
 * Available, the ztunnel DaemonSet ready, each waypoint Gateway Programmed with a Deployment of its name.
 */
async function playTheCluster(): Promise<void> {
  const deployments = (await cp.api('GET', '/apis/apps/v1/deployments')).json.items ?? [];
  for (const d of deployments) {
    if (isTrue(d, 'Available')) continue;
    const path = `/apis/apps/v1/namespaces/${d.metadata.namespace}/deployments/${d.metadata.name}/status`;
    await cp.api(
      'PATCH',
      path,
      {
        status: {
          replicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          conditions: [{ ...condition('Available'), lastUpdateTime: now(), observedGeneration: undefined }],
        },
      },
      'application/merge-patch+json',
    );
  }
  const gateways = (await cp.api('GET', '/apis/gateway.networking.k8s.io/v1/gateways')).json.items ?? [];
  for (const g of gateways) {
    const { name, namespace } = g.metadata;
    if (!isTrue(g, 'Programmed'))
      await cp.api(
        'PATCH',
        `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/gateways/${name}/status`,
        {
          status: {
            conditions: [
              condition('Accepted', g.metadata.generation),
              condition('Programmed', g.metadata.generation),
            ],
          },
        },
        'application/merge-patch+json',
      );
    await cp.api(
      'POST',
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      deployment(namespace, name, { 'gateway.networking.k8s.io/gateway-name': name }),
    );
  }
}

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string> = {},
  image = 'istio/proxyv2:1.24.6',
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
    },
  };
}

/** Istio 1.24.6 as `istioctl install` leaves it, and one namespace meshbench must never touch. */
async function seedInstalledIstio(): Promise<void> {
  for (const ns of ['istio-system', 'someone-elses'])
    await cp.api('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns },
    });
  await cp.api('POST', '/apis/apps/v1/namespaces/istio-system/deployments', {
    ...deployment('istio-system', 'istiod', {}, 'docker.io/istio/pilot:1.24.6'),
  });
  await cp.api('POST', '/apis/apps/v1/namespaces/istio-system/daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ztunnel', namespace: 'istio-system' },
    spec: {
      selector: { matchLabels: { app: 'ztunnel' } },
      template: {
        metadata: { labels: { app: 'ztunnel' } },
        spec: { containers: [{ name: 'ztunnel', image: 'istio/ztunnel:1.24.6' }] },
      },
    },
  });
  await cp.api(
    'PATCH',
    '/apis/apps/v1/namespaces/istio-system/daemonsets/ztunnel/status',
    {
      status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, numberMisscheduled: 0 },
    },
    'application/merge-patch+json',
  );
  // The install values the suite's envelope asks (Istio < 1.26 keeps waypoint resources there).
  await cp.api('POST', '/api/v1/namespaces/istio-system/configmaps', sidecarInjectorConfigMap('2'));
  await cp.api('POST', '/api/v1/namespaces/someone-elses/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'keep-me',
      namespace: 'someone-elses',
      labels: { 'app.kubernetes.io/part-of': 'meshbench' },
    },
  });
}

/** The namespaces a run creates (and only those it deletes). */
const OURS = ['meshbench-load', 'meshbench-preflight-outsider', 'ns-1', 'ns-2'];

const platform = (kubeconfig = cp.kubeconfig.admin) =>
  createClusterPlatform({
    kubeconfig,
    driver: 'agent',
    kube: { skipPreflight: true, timeouts: { deployments: 30_000, gateway: 30_000, istio: 30_000 } },
  });

const names = async (path: string): Promise<string[]> =>
  ((await cp.api('GET', path)).json.items ?? []).map(
    (o: { metadata: { namespace?: string; name: string } }) =>
      `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`,
  );

async function namespacesGone(list: string[], ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const left = (await names('/api/v1/namespaces')).filter((n) => list.includes(n));
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`namespaces ${list.join(', ')} still there after ${ms} ms`);
}

describe.skipIf(!bins)('the cluster platform against a real API server', () => {
  beforeAll(async () => {
    process.env.MESHBENCH_TEST_TAG = tag;
    cp = await startControlPlane(bins as TestBins);
    await seedInstalledIstio();
    let busy = false;
    player = setInterval(() => {
      if (busy) return;
      busy = true;
      void playTheCluster()
        .catch(() => {})
        .finally(() => {
          busy = false;
        });
    }, 250);
    console.log(`real API server: ${JSON.stringify((bins as TestBins).versions)}`);
  }, 180_000);

  afterAll(async () => {
    if (player) clearInterval(player);
    await cp?.stop();
    // The leak guard: etcd, kube-apiserver and kube-controller-manager are gone.
    expect(await waitForNoTagged(tag, 10_000)).toEqual([]);
  }, 60_000);

  it('applies every manifest of every variant (server-side, strict), switches variants, and cleans only its namespaces', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const p = platform();
    await p.up(plan);
    expect((await names('/api/v1/namespaces')).filter((n) => /^ns-|meshbench/.test(n)).sort()).toEqual(OURS);
    const ns1 = (await cp.api('GET', '/api/v1/namespaces/ns-1')).json;
    expect(ns1.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'meshbench',
      'istio.io/dataplane-mode': 'ambient',
    });
    const gatewaysOf = () => names('/apis/gateway.networking.k8s.io/v1/gateways');
    for (const v of plan.variants) await p.apply(v.topology);
    // Each switch left exactly the variant's Gateways (none after "none"), its labels and policies.
    expect(await gatewaysOf()).toEqual([]);
    expect(
      (await cp.api('GET', '/api/v1/namespaces/ns-2')).json.metadata.labels['istio.io/use-waypoint'],
    ).toBe(undefined);
    expect((await names('/apis/security.istio.io/v1/authorizationpolicies')).sort()).toEqual([
      'ns-1/productpage-authz',
      'ns-2/productpage-authz',
    ]);
    expect(await names('/apis/networking.istio.io/v1/destinationrules')).toContain(
      'ns-2/productpage-meshbench-pool',
    );
    // Every step `meshbench plan` prints for up and the variants ran, in its order.
    const printed = buildKubePlan(plan, { platform: 'cluster', driver: 'agent' })
      .steps.filter(
        (s) => s.run === 'apply' || s.run === 'wait' || s.run === 'istio' || s.run === 'ensure-cluster',
      )
      .map((s) => s.id);
    expect((p as KubePlatform).executed.filter((id) => printed.includes(id))).toEqual(printed);
    await p.down();
    await namespacesGone(OURS);
    // Someone else's namespace (even with a part-of label on an object in it) and Istio's are untouched.
    expect(await names('/api/v1/namespaces')).toEqual(
      expect.arrayContaining(['istio-system', 'someone-elses']),
    );
    expect((await cp.api('GET', '/api/v1/namespaces/someone-elses/configmaps/keep-me')).status).toBe(200);
  }, 180_000);

  it('switching back and forth leaves only the current variant: a shared switch removes ns-2’s waypoint', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const p = platform();
    await p.up(plan);
    const [dedicated, shared] = plan.variants;
    await p.apply(dedicated.topology);
    expect((await names('/apis/gateway.networking.k8s.io/v1/gateways')).sort()).toEqual([
      'ns-1/waypoint',
      'ns-2/waypoint',
    ]);
    await p.apply(shared.topology);
    expect(await names('/apis/gateway.networking.k8s.io/v1/gateways')).toEqual(['ns-1/waypoint']);
    const ns2 = (await cp.api('GET', '/api/v1/namespaces/ns-2')).json.metadata.labels;
    expect(ns2).toMatchObject({
      'istio.io/use-waypoint': 'waypoint',
      'istio.io/use-waypoint-namespace': 'ns-1',
    });
    // The shared Gateway admits ns-2 through a selector the real CRD accepts.
    const gw = (await cp.api('GET', '/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint'))
      .json;
    expect(gw.spec.listeners[0].allowedRoutes.namespaces.from).toBe('Selector');
    await p.down();
    await namespacesGone(OURS);
  }, 180_000);

  it('re-runs on a cluster a crashed run left half-done', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const crashed = platform();
    await crashed.up(plan);
    await crashed.apply(plan.variants[2].topology); // per-service: four Gateways
    // …and the process died here: no down(). A new run takes over what it finds.
    const p = platform();
    await p.up(plan);
    await p.apply(plan.variants[0].topology);
    expect((await names('/apis/gateway.networking.k8s.io/v1/gateways')).sort()).toEqual([
      'ns-1/waypoint',
      'ns-2/waypoint',
    ]);
    const svc = (await cp.api('GET', '/api/v1/namespaces/ns-1/services/productpage')).json;
    // per-service labelled productpage with its own waypoint; the dedicated variant's apply owns the labels now.
    expect(svc.metadata.labels['istio.io/use-waypoint']).toBeUndefined();
    await p.down();
    await namespacesGone(OURS);
  }, 180_000);

  it('takes back a field another manager changed, and keeps the fields only that manager set', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const p = platform();
    await p.up(plan);
    const path = '/apis/apps/v1/namespaces/ns-1/deployments/productpage-v1';
    const theirs = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'productpage-v1', namespace: 'ns-1', annotations: { 'example.com/owner': 'ops' } },
      spec: { replicas: 5 },
    };
    // Without force, another manager's change to a field meshbench owns is a 409 conflict…
    const conflict = await cp.api(
      'PATCH',
      `${path}?fieldManager=ops`,
      theirs,
      'application/apply-patch+yaml',
    );
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toMatch(/conflict with "meshbench"/);
    await cp.api('PATCH', `${path}?fieldManager=ops&force=true`, theirs, 'application/apply-patch+yaml');
    // …forced, it takes the field; meshbench's next apply (forced too) takes it back.
    await p.up(plan);
    const d = (await cp.api('GET', path)).json;
    expect(d.spec.replicas).toBe(1);
    expect(d.metadata.annotations['example.com/owner']).toBe('ops');
    const owners = d.metadata.managedFields.map((f: { manager: string }) => f.manager);
    expect(owners).toEqual(expect.arrayContaining(['meshbench', 'ops']));
    await p.down();
    await namespacesGone(OURS);
  }, 180_000);

  it('strict validation and the CRDs’ own rules refuse what the schema-only checks pass', async () => {
    const client = new KubeClient((await readKubeConfig({ path: cp.kubeconfig.admin })).kc);
    await cp.api('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'mb-strict' },
    });
    const raw = (o: Record<string, unknown>): KubeObject =>
      ({ ...o, validate() {}, toJSON: () => o }) as unknown as KubeObject;
    const unknownField = await client
      .apply(
        raw({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'x', namespace: 'mb-strict' },
          data: {},
          bogus: 1,
        }),
      )
      .catch((e) => e);
    expect(isMeshbenchError(unknownField)).toBe(true);
    // Server-side apply checks the object against the type's schema: an unknown field never lands.
    expect((unknownField as MeshbenchError).message).toMatch(
      /HTTP 500: .*\.bogus: field not declared in schema/,
    );
    const gateway = (listeners: unknown[]) =>
      raw({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: { name: 'dup', namespace: 'mb-strict' },
        spec: { gatewayClassName: 'istio-waypoint', listeners },
      });
    // Listener names are the list's map key: a duplicate is refused before any rule runs.
    const duplicate = await client
      .apply(
        gateway([
          { name: 'mesh', port: 15008, protocol: 'HBONE' },
          { name: 'mesh', port: 15009, protocol: 'HBONE' },
        ]),
      )
      .catch((e) => e);
    expect((duplicate as MeshbenchError).message).toMatch(
      /HTTP 500: .*\.spec\.listeners: duplicate entries for key \[name="mesh"\]/,
    );
    // The CRD's CEL rules: a hostname on a TCP listener (kubernetes-models' schema check passes it).
    const tcpHostname = new Gateway({
      metadata: { name: 'tcp', namespace: 'mb-strict' },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'tcp', port: 80, protocol: 'TCP', hostname: 'a.example.com' }],
      },
    });
    expect(() => tcpHostname.validate()).not.toThrow();
    const cel = await client.apply(tcpHostname).catch((e) => e);
    expect((cel as MeshbenchError).message).toMatch(
      /HTTP 422: .*hostname must not be specified for protocols/,
    );
    await cp.api('DELETE', '/api/v1/namespaces/mb-strict');
  }, 60_000);

  it('a user without rights is refused with the API’s reason, the permission named', async () => {
    const p = platform(cp.kubeconfig.nobody);
    const e = await p.up(allVariantsPlan({ platform: 'cluster' })).catch((x) => x);
    expect(isMeshbenchError(e)).toBe(true);
    expect((e as MeshbenchError).message).toMatch(/HTTP 403: .*User "nobody" cannot/);
    await p.down().catch(() => {});
    expect(await names('/api/v1/namespaces')).not.toContain('ns-1');
  }, 60_000);

  it('an unreachable server and a server whose certificate the kubeconfig does not trust fail clearly', async () => {
    const dir = join(cp.kubeconfig.admin, '..');
    const closed = join(dir, 'closed.kubeconfig');
    const admin = await import('node:fs/promises').then((fs) => fs.readFile(cp.kubeconfig.admin, 'utf8'));
    await writeFile(closed, admin.replace(cp.server, 'https://127.0.0.1:9'));
    const unreachable = await platform(closed)
      .up(allVariantsPlan({ platform: 'cluster' }))
      .catch((x) => x);
    expect((unreachable as MeshbenchError).message).toMatch(/ECONNREFUSED 127\.0\.0\.1:9\b/);
    const tls = await platform(cp.wrongCaKubeconfig)
      .up(allVariantsPlan({ platform: 'cluster' }))
      .catch((x) => x);
    expect((tls as MeshbenchError).message).toMatch(/certificate|self.signed|issuer/i);
    // Neither message carries the token.
    for (const e of [unreachable, tls]) expect(JSON.stringify(e)).not.toMatch(/token/i);
  }, 60_000);

  describe.skipIf(process.getuid?.() !== 0)(
    'the node and pod proxies, to a kubelet stand-in in a network namespace',
    () => {
      const netns = `mbk-${tag.slice(-8)}`;
      const hostIf = `mbk${tag.slice(-6)}`;
      let kubelet: ChildProcess | undefined;
      let certDir: string;

      beforeAll(async () => {
        // The apiserver refuses to proxy to loopback: the stand-in lives on a veth address of its own.
        const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
        ip('netns', 'add', netns);
        ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
        ip('addr', 'add', '10.213.0.1/30', 'dev', hostIf);
        ip('link', 'set', hostIf, 'up');
        ip('-n', netns, 'addr', 'add', '10.213.0.2/30', 'dev', 'eth0');
        ip('-n', netns, 'link', 'set', 'eth0', 'up');
        ip('-n', netns, 'link', 'set', 'lo', 'up');
        certDir = await mkdtemp(join(tmpdir(), 'mb-kubelet-'));
        selfSignedCert('meshbench-worker', join(certDir, 'key.pem'), join(certDir, 'cert.pem'));
        kubelet = spawn(
          'ip',
          [
            'netns',
            'exec',
            netns,
            process.execPath,
            join(HELPERS, 'kubelet-standin.mjs'),
            '10.213.0.2',
            join(certDir, 'key.pem'),
            join(certDir, 'cert.pem'),
            FIXTURES,
          ],
          { stdio: ['pipe', 'pipe', 'inherit'] },
        );
        await new Promise<void>((resolve, reject) => {
          kubelet?.stdout?.once('data', () => resolve());
          kubelet?.once('exit', (code) => reject(new Error(`kubelet stand-in exited (${code})`)));
        });
        // The node, as its kubelet registers it, and the pods the fixtures' payloads describe.
        await cp.api('POST', '/api/v1/nodes', {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'meshbench-worker' },
        });
        await cp.api(
          'PATCH',
          '/api/v1/nodes/meshbench-worker/status',
          {
            status: {
              addresses: [{ type: 'InternalIP', address: '10.213.0.2' }],
              daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
            },
          },
          'application/merge-patch+json',
        );
        await cp.api('POST', '/api/v1/namespaces', {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'ns-1' },
        });
        for (const [ns, name, labels, container] of [
          [
            'ns-1',
            'waypoint-7c9d8b5f6d-x2kqp',
            { 'gateway.networking.k8s.io/gateway-name': 'waypoint' },
            'istio-proxy',
          ],
          ['ns-1', 'productpage-v1-54bb874995-hkq7c', { app: 'productpage' }, 'productpage'],
          ['istio-system', 'ztunnel-9hz5w', { app: 'ztunnel' }, 'istio-proxy'],
        ] as const) {
          await until(`pod ${ns}/${name}`, 30_000, async () => {
            const r = await cp.api('POST', `/api/v1/namespaces/${ns}/pods`, {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name, namespace: ns, labels },
              spec: {
                nodeName: 'meshbench-worker',
                containers: [{ name: container, image: 'example/stand-in:1' }],
              },
            });
            return r.status === 201 || r.status === 409 ? true : undefined; // 403 until the default SA exists
          });
          await cp.api(
            'PATCH',
            `/api/v1/namespaces/${ns}/pods/${name}/status`,
            { status: { phase: 'Running', podIP: '10.213.0.2', podIPs: [{ ip: '10.213.0.2' }] } },
            'application/merge-patch+json',
          );
        }
      }, 90_000);

      afterAll(async () => {
        // The namespace goes (with the veth pair) once no process is left in it.
        if (kubelet && kubelet.exitCode === null && kubelet.signalCode === null) {
          const exited = new Promise((r) => kubelet?.once('exit', r));
          kubelet.stdin?.end();
          kubelet.kill('SIGTERM');
          await exited;
        }
        // Deleting our end of the veth pair deletes both ends at once (a namespace's own goes lazily).
        for (const args of [
          ['link', 'del', hostIf],
          ['netns', 'del', netns],
        ])
          try {
            execFileSync('ip', args, { stdio: 'ignore' });
          } catch {
            /* not created */
          }
        await rm(certDir, { recursive: true, force: true });
        expect(execFileSync('ip', ['link', 'show'], { encoding: 'utf8' })).not.toContain(hostIf);
        expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(netns);
      });

      it("the sampler reads CPU, throttling and Envoy's counters through the apiserver's proxies", async () => {
        const client = new KubeClient((await readKubeConfig({ path: cp.kubeconfig.admin })).kc);
        const sampler = new KubeSampler(client, {
          waypoints: [{ namespace: 'ns-1', name: 'waypoint' }],
          services: [{ namespace: 'ns-1', service: 'productpage' }],
        });
        const s = await sampler.sample();
        const by = Object.fromEntries(s.cpu.map((c) => [c.component, c]));
        // The same figures the recorded payloads give through the fake server (client.test.ts).
        expect(by['ns-1/waypoint']).toMatchObject({
          kind: 'waypoint',
          cpuSeconds: 812.441298,
          limitCores: 2,
          periods: 12887,
          throttledPeriods: 4121,
        });
        expect(by['ns-1/productpage']).toMatchObject({ kind: 'service', cpuSeconds: 301.55412 });
        expect(by['node/meshbench-worker']).toMatchObject({ kind: 'machine' });
        const stats = s.stats.find((x) => x.component === 'ns-1/waypoint');
        expect(stats?.counters.upstream_cx_overflow).toBeGreaterThan(0);
      }, 60_000);
    },
  );
});
