import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeshbenchError } from '../../../../src/errors.ts';
import { formatAgentResult } from '../../../../src/load/agent/protocol.ts';
import { createClusterPlatform } from '../../../../src/platform/cluster/platform.ts';
import { buildLoadResultFromFortio, extractFortioJson } from '../../../../src/platform/kube/fortio-result.ts';
import { buildTenantSchedule } from '../../../../src/platform/kube/schedule.ts';
import { createKindPlatform } from '../../../../src/platform/kind/platform.ts';
import type { LoadSchedule } from '../../../../src/load/types.ts';
import { allVariantsPlan, sidecarInjectorConfigMap } from '../../../unit/platform/kube/helpers.ts';
import { FakeApiServer, putPod, seedIstioCluster } from './fake-apiserver.ts';

const FIX = new URL('../../../../fixtures/kube/', import.meta.url).pathname;
const api = new FakeApiServer();
let dir: string;
let kubeconfig: string;
let fortioLog: string;

beforeAll(async () => {
  await api.start();
  dir = await mkdtemp(join(tmpdir(), 'mb-kplat-'));
  kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, api.kubeconfig());
  fortioLog = await readFile(join(FIX, 'fortio-pod-log.txt'), 'utf8');
});
afterAll(async () => {
  await api.stop();
  await rm(dir, { recursive: true, force: true });
  expect(api.listening).toBe(false);
});

/** A cluster with Istio 1.24.6 and the Gateway API CRDs, where everything becomes ready at once. */
function seedCluster(podLog: (job: string) => string) {
  api.objects.clear();
  api.requests.length = 0;
  api.raw.clear();
  seedIstioCluster(api, { namespaces: ['default', 'istio-system'] });
  // What the Job controller and the kubelet would do: a pod per Job, whose log holds the result.
  api.onApply = (path, obj) => {
    // What istiod's gateway controller does: a Deployment named after each waypoint Gateway.
    if (obj.kind === 'Gateway') {
      const { name, namespace } = obj.metadata;
      api.put(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { 'gateway.networking.k8s.io/gateway-name': name } },
      });
    }
    if (obj.kind !== 'Job') return;
    const job = obj.metadata.name;
    const pod = `${job}-abcde`;
    putPod(api, 'meshbench-load', pod, { 'job-name': job }, 'meshbench-worker2');
    api.raw.set(`/api/v1/namespaces/meshbench-load/pods/${pod}/log`, { body: podLog(job) });
    void path;
  };
}

const platformFor = (driver: 'agent' | 'fortio') =>
  createClusterPlatform({
    kubeconfig,
    driver,
    kube: {
      skipPreflight: true,
      startLeadMs: 500,
      timeouts: { deployments: 5000, gateway: 5000, istio: 5000 },
    },
  });

const paths = () => [...api.objects.keys()];

describe('the cluster platform against an API server', () => {
  beforeEach(() => seedCluster(() => fortioLog));

  it('brings up Bookinfo, switches dedicated → shared → none, runs Fortio Jobs, and cleans only its namespaces', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const p = platformFor('fortio');
    await p.up(plan);
    expect(p.info().versions).toMatchObject({
      istio: '1.24.6',
      kubernetes: 'v1.32.2',
      gatewayApi: 'present',
    });
    expect(paths()).toContain('/apis/apps/v1/namespaces/ns-2/deployments/reviews-v3');
    // It left Istio alone: nothing was applied in istio-system.
    expect(api.requests.some((r) => r.method === 'PATCH' && r.path.includes('istio-system'))).toBe(false);

    await p.apply(plan.variants.find((v) => v.name === 'dedicated')!.topology);
    expect(
      paths()
        .filter((k) => k.includes('/gateways/'))
        .sort(),
    ).toEqual([
      '/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint',
      '/apis/gateway.networking.k8s.io/v1/namespaces/ns-2/gateways/waypoint',
    ]);
    await p.apply(plan.variants.find((v) => v.name === 'shared')!.topology);
    expect(paths().filter((k) => k.includes('/gateways/'))).toEqual([
      '/apis/gateway.networking.k8s.io/v1/namespaces/ns-1/gateways/waypoint',
    ]);
    expect(
      api.objects.get('/api/v1/namespaces/ns-2').metadata.labels['istio.io/use-waypoint-namespace'],
    ).toBe('ns-1');
    expect(p.targets()).toEqual([
      { tenant: 'ns-1', url: 'http://productpage.ns-1.svc.cluster.local:9080/productpage', headers: {} },
      { tenant: 'ns-2', url: 'http://productpage.ns-2.svc.cluster.local:9080/productpage', headers: {} },
    ]);

    const schedules: Record<string, LoadSchedule> = Object.fromEntries(
      plan.tenants.map((t) => [t.name, { ...buildTenantSchedule(t, plan.load), durationMs: 1000 }]),
    );
    const results = await p.loadDriver().run({ schedules });
    expect(Object.keys(results)).toEqual(['ns-1', 'ns-2']);
    expect(results['ns-2']).toMatchObject({ driver: 'fortio', outcomes: { ok: 494 } });
    const job = api.requests.find(
      (r) => r.method === 'PATCH' && r.path === '/apis/batch/v1/namespaces/meshbench-load/jobs/fortio-ns-2',
    );
    expect(job?.body.spec.template.spec.containers[0].args).toContain('-allow-initial-errors');
    // Jobs are deleted once collected.
    expect(paths().some((k) => k.includes('/jobs/'))).toBe(false);

    await p.apply(plan.variants.find((v) => v.name === 'none')!.topology);
    expect(paths().some((k) => k.includes('/gateways/'))).toBe(false);

    await p.down();
    expect(
      paths()
        .filter((k) => k.startsWith('/api/v1/namespaces/') && !k.includes('/', '/api/v1/namespaces/'.length))
        .sort(),
    ).toEqual(['/api/v1/namespaces/default', '/api/v1/namespaces/istio-system']);
    expect(paths()).toContain('/apis/apps/v1/namespaces/istio-system/deployments/istiod');
    await p.down(); // idempotent
  });

  it('runs the agent driver: bundle in the ConfigMap, one coordinated start, results from the logs', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    const schedules: Record<string, LoadSchedule> = Object.fromEntries(
      plan.tenants.map((t) => [t.name, buildTenantSchedule(t, plan.load)]),
    );
    const sample = buildLoadResultFromFortio({
      fortio: extractFortioJson(fortioLog)!,
      schedule: schedules['ns-1'],
      startedAt: 0,
    });
    seedCluster(
      (job) =>
        `agent ${job}: starting\n${formatAgentResult({ ...sample, driver: 'agent', engine: { ...sample.engine, notes: [job] } })}`,
    );
    const p = platformFor('agent');
    await p.up(plan);
    const before = Date.now();
    const results = await p.loadDriver().run({ schedules });
    expect(results['ns-1'].engine.notes).toEqual(['agent-ns-1']);
    expect(results['ns-2'].driver).toBe('agent');
    const cms = api.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/configmaps/agent-'));
    expect(cms).toHaveLength(2);
    const starts = cms.map((c) => JSON.parse(c.body.data['config.json']).startAt);
    expect(starts[0]).toBe(starts[1]);
    expect(starts[0]).toBeGreaterThanOrEqual(before);
    expect(Object.keys(cms[0].body.binaryData).sort()).toEqual(['agent.mjs.gz', 'engine-worker.js.gz']);
    expect(JSON.parse(cms[1].body.data['config.json']).schedule.startOffsetMs).toBe(3000);
    await p.down();
  });

  it('fails with the agent log when a result is missing', async () => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    seedCluster(() => 'Error: connect ECONNREFUSED 10.96.0.12:9080\n');
    const p = platformFor('fortio');
    await p.up(plan);
    const schedules = Object.fromEntries(
      plan.tenants.map((t) => [t.name, buildTenantSchedule(t, plan.load)]),
    );
    const e = (await p
      .loadDriver()
      .run({ schedules })
      .catch((x) => x)) as MeshbenchError;
    expect(e.code).toBe('PLATFORM_FAILED');
    expect(e.message).toContain('left no result in its log');
    expect(e.details).toContain('Error: connect ECONNREFUSED 10.96.0.12:9080');
    await p.down();
  });

  it('refuses a cluster without Istio unless asked to install it', async () => {
    api.objects.delete('/apis/apps/v1/namespaces/istio-system/deployments/istiod');
    const e = (await platformFor('fortio')
      .up(allVariantsPlan({ platform: 'cluster' }))
      .catch((x) => x)) as MeshbenchError;
    expect(e.code).toBe('PLATFORM_UNAVAILABLE');
    expect(e.message).toContain('Istio is not installed');
    expect(e.fix).toContain('--install-istio');
  });
});

describe('fail fast when tools are missing', () => {
  it('kind: PLATFORM_UNAVAILABLE (110) naming what is missing and pointing at meshbench doctor', async () => {
    const started = Date.now();
    const p = createKindPlatform({ kube: { env: { ...process.env, PATH: dir, HOME: dir } } });
    const e = (await p.up(allVariantsPlan()).catch((x) => x)) as MeshbenchError;
    expect(e.code).toBe('PLATFORM_UNAVAILABLE');
    expect(e.exitCode).toBe(110);
    expect(e.message).toContain('docker client, docker engine, kind, kubectl, istioctl, helm');
    expect(e.fix).toContain('meshbench doctor --platform kind');
    expect(e.details.join('\n')).toContain('kind.sigs.k8s.io');
    expect(Date.now() - started).toBeLessThan(20_000);
    await p.down();
  });
});

describe('an existing cluster keeps its installation', () => {
  it('refuses a cluster without the Gateway API CRDs instead of installing them', async () => {
    seedCluster(() => fortioLog);
    api.objects.delete(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io',
    );
    const e = (await platformFor('fortio')
      .up(allVariantsPlan({ platform: 'cluster' }))
      .catch((x) => x)) as MeshbenchError;
    expect(e.code).toBe('PLATFORM_UNAVAILABLE');
    expect(e.message).toContain('Gateway API CRDs are not installed');
    expect(e.fix).toContain('standard-install.yaml');
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });
});

describe("a reused cluster gets the suite's waypoint limits (issue 12: Istio < 1.26 kept its install's)", () => {
  /** What the earlier install left: istiod's injector values with waypoint CPU limit 2. */
  function seedInstalledLimit(cpu: string) {
    seedCluster(() => fortioLog);
    api.put(
      '/api/v1/namespaces/istio-system/configmaps/istio-sidecar-injector',
      sidecarInjectorConfigMap(cpu),
    );
  }
  const planWithCpu = (cpuLimit: number) => {
    const plan = allVariantsPlan({ platform: 'cluster' });
    for (const v of plan.variants)
      for (const w of v.topology.waypoints) w.envelope = { ...w.envelope, cpuLimit };
    return plan;
  };

  it('refuses, naming the field, when it may not reinstall Istio', async () => {
    seedInstalledLimit('2');
    const p = platformFor('fortio');
    const e = (await p.up(planWithCpu(1)).catch((x) => x)) as MeshbenchError;
    expect(e.code).toBe('PLATFORM_UNAVAILABLE');
    expect(e.details).toEqual(['waypoint.cpuLimit: installed 2, the suite asks 1']);
    expect(e.fix).toMatch(/--install-istio/);
    await p.down();
  });

  it('re-applies the install values with the new limit when it may (--install-istio)', async () => {
    seedInstalledLimit('2');
    // istioctl is not on this machine: a stand-in on PATH that keeps the file it is given.
    const bin = join(dir, 'bin');
    const record = join(dir, 'istioctl-install.yaml');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'istioctl'),
      `#!/bin/sh\nif [ "$1" = version ]; then echo 1.24.6; exit 0; fi\nwhile [ $# -gt 0 ]; do if [ "$1" = -f ]; then cp "$2" '${record}'; fi; shift; done\n`,
      { mode: 0o755 },
    );
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const p = createClusterPlatform({
        kubeconfig,
        driver: 'fortio',
        installIstio: true,
        kube: { skipPreflight: true, timeouts: { deployments: 5000, gateway: 5000, istio: 5000 } },
      });
      await p.up(planWithCpu(1));
      const installed = await readFile(record, 'utf8');
      expect(installed).toMatch(/limits:\s*\n\s*cpu: "1"/);
      await p.down();
    } finally {
      process.env.PATH = path;
    }
  });

  it('leaves a matching install alone', async () => {
    seedInstalledLimit('2000m');
    const p = platformFor('fortio');
    await p.up(planWithCpu(2));
    await p.down();
  });
});
