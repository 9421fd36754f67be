/**
 * The orchestrator's runSuite on the cluster platform against the fake API server: both reference variants,
 * agent Jobs whose logs carry a LoadResult from a real local run, the sampler reading recorded kubelet and
 * Envoy payloads, result.json like a local run's, and only meshbench's namespaces deleted.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import suite from '../../../../suites/waypoint-sharing.suite.ts';
import { runSchedule } from '../../../../src/load/driver.ts';
import { formatAgentResult } from '../../../../src/load/agent/protocol.ts';
import type { LoadResult } from '../../../../src/load/types.ts';
import { createClusterPlatform } from '../../../../src/platform/cluster/platform.ts';
import { manifestJson } from '../../../../src/platform/kube/manifests/types.ts';
import { buildKubePlan } from '../../../../src/platform/kube/plan.ts';
import type { KubePlatform } from '../../../../src/platform/kube/platform.ts';
import { runSuite } from '../../../../src/run/run-suite.ts';
import { expandSuite } from '../../../../src/suite/expand.ts';
import { validateSuite } from '../../../../src/suite/validate.ts';
import { listen, schedule, type TestTarget } from '../../load/helpers.ts';
import {
  FakeApiServer,
  playProbeJob,
  putPod,
  resetProbeCounts,
  seedIstioCluster,
  serveNodeFixtures,
} from './fake-apiserver.ts';

const api = new FakeApiServer();
let target: Server;
let targetAt: TestTarget;
let dir: string;
let sample: LoadResult;

beforeAll(async () => {
  target = createServer((_q, r) => r.end('<html>productpage</html>'));
  targetAt = await listen(target);
  // A real engine result, as an agent pod would print it.
  sample = await runSchedule(
    schedule({ url: `${targetAt.url}productpage`, rate: 100, connections: 4, durationMs: 1000 }),
  );
  await api.start();
  dir = await mkdtemp(join(tmpdir(), 'mb-runk-'));
  await writeFile(join(dir, 'config'), api.kubeconfig());
});
afterAll(async () => {
  await api.stop();
  await targetAt.close();
  await rm(dir, { recursive: true, force: true });
  expect(api.listening || target.listening).toBe(false);
});

let probeBehaviour: Parameters<typeof playProbeJob>[2] = {};

const NS2_WAYPOINT_STATS =
  '/api/v1/namespaces/ns-2/pods/waypoint-5f4c7b9d8-q7wzn:15020/proxy/stats/prometheus';

async function seed() {
  // Every run starts from fresh waypoint pods: their counters, and the probes the fake counted, from 0.
  resetProbeCounts();
  api.raw.delete(NS2_WAYPOINT_STATS);
  const put = (path: string, obj: object) => api.put(path, obj);
  seedIstioCluster(api);
  putPod(api, 'istio-system', 'ztunnel-9hz5w', { app: 'ztunnel' });
  await serveNodeFixtures(api);
  api.onApply = (_path, obj) => {
    if (obj.kind === 'Namespace' && obj.metadata.name === 'ns-1')
      putPod(api, 'ns-1', 'productpage-v1-54bb874995-hkq7c', { app: 'productpage' });
    // istiod's gateway controller: a Deployment per waypoint Gateway.
    if (obj.kind === 'Gateway')
      put(`/apis/apps/v1/namespaces/${obj.metadata.namespace}/deployments/${obj.metadata.name}`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace },
      });
    if (obj.kind === 'Gateway' && obj.metadata.namespace === 'ns-1')
      putPod(api, 'ns-1', 'waypoint-7c9d8b5f6d-x2kqp', {
        'gateway.networking.k8s.io/gateway-name': obj.metadata.name,
      });
    if (obj.kind === 'Gateway' && obj.metadata.namespace === 'ns-2') {
      putPod(api, 'ns-2', 'waypoint-5f4c7b9d8-q7wzn', {
        'gateway.networking.k8s.io/gateway-name': obj.metadata.name,
      });
      // Its counters outlive a re-applied Gateway, as a running pod's do.
      if (!api.raw.has(NS2_WAYPOINT_STATS))
        api.raw.set(NS2_WAYPOINT_STATS, { body: '# TYPE envoy_server_live gauge\nenvoy_server_live 1\n' });
    }
    if (playProbeJob(api, obj, probeBehaviour)) return;
    if (obj.kind !== 'Job') return;
    const job = obj.metadata.name;
    putPod(api, 'meshbench-load', `${job}-x1`, { 'job-name': job });
    const tenant = job.replace(/^agent-/, '');
    api.raw.set(`/api/v1/namespaces/meshbench-load/pods/${job}-x1/log`, {
      body: `agent ${tenant}\n${formatAgentResult({ ...sample, engine: { ...sample.engine, notes: [tenant] } })}`,
    });
  };
}

async function runOnFake(name: string, opts: { repeats?: number } = {}) {
  const valid = validateSuite(suite, 'suites/waypoint-sharing.suite.ts');
  if (!valid.ok) throw valid.error;
  const plan = expandSuite(valid.value, {
    platform: 'cluster',
    source: 'suites/waypoint-sharing.suite.ts',
    durationMs: 2000,
    repeats: opts.repeats,
  });
  const platform = createClusterPlatform({
    kubeconfig: join(dir, 'config'),
    kube: {
      skipPreflight: true,
      startLeadMs: 1500,
      timeouts: { deployments: 5000, gateway: 5000, istio: 5000 },
    },
  });
  const before = api.requests.length;
  const outcome = await runSuite({
    plan,
    resultsRoot: join(dir, name),
    platform,
    reports: false,
    sampleIntervalMs: 300,
  });
  return Object.assign(outcome, {
    plan,
    executed: (platform as KubePlatform).executed,
    requests: api.requests.slice(before),
  });
}

/** A run on the fake with the mesh misbehaving as `behaviour` says; the outcome and its error's text. */
async function runWithProbes(name: string, behaviour: NonNullable<typeof probeBehaviour>) {
  probeBehaviour = behaviour;
  try {
    await seed();
    const outcome = await runOnFake(name);
    return { outcome, text: [outcome.error?.message, ...(outcome.error?.details ?? [])].join('\n') };
  } finally {
    probeBehaviour = {};
  }
}

describe('the preflight probes on the cluster platform (issue 11)', () => {
  it('stops the run with exit 111 naming the probe when the waypoint lets POST through', async () => {
    const { outcome, text } = await runWithProbes('broken-policy', { policy: 'allows-post' });
    expect(outcome.exitCode).toBe(111);
    expect(outcome.error?.code).toBe('PREFLIGHT_FAILED');
    expect(text).toMatch(
      /ns-1: probe denied-method \(POST from meshbench-load\) expected 403 from the waypoint, got 200/,
    );
    const result = JSON.parse(await readFile(join(outcome.dir, 'result.json'), 'utf8'));
    expect(result.variants[0].preflight.ok).toBe(false);
    // Nothing was measured on a variant that is not the suite's experiment.
    expect(result.variants[0].tenants).toEqual([]);
  });

  it("fails the path check when the probes cross another waypoint than the variant's", async () => {
    const { outcome, text } = await runWithProbes('misroute', { misroute: true });
    expect(outcome.exitCode).toBe(111);
    // Dedicated: ns-2's probes went through ns-1's waypoint, so ns-2's own counted none of them.
    expect(text).toMatch(/ns-2: traffic did not cross ns-2\/waypoint: its request counter grew by 0/);
    expect(text).not.toMatch(/ns-1: traffic did not cross/);
  });

  it('fails the path check when the probes never reach the waypoint', async () => {
    const { outcome, text } = await runWithProbes('bypass', { crossesWaypoint: false });
    expect(outcome.exitCode).toBe(111);
    expect(text).toMatch(
      /ns-1: traffic did not cross ns-1\/waypoint: its request counter grew by 0, the probes alone account for 3/,
    );
  });
});

describe('the plan is the program (issue 12)', () => {
  it.each([1, 2])(
    'runs exactly the printed plan (%i repeat(s)): the same steps in order, the same objects step for step',
    async (repeats) => {
      await seed();
      const outcome = await runOnFake(`plan-is-program-${repeats}`, { repeats });
      expect(outcome.error).toBeUndefined();
      const printed = buildKubePlan(outcome.plan, { platform: 'cluster' });
      expect(outcome.executed).toEqual(printed.steps.map((s) => s.id));
      // What reached the API server, apply by apply, is the printed manifests in the printed order.
      const key = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) =>
        `${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
      const applied = outcome.requests.filter((r) => r.method === 'PATCH').map((r) => r.body ?? {});
      expect(applied.map(key)).toEqual(printed.steps.flatMap((s) => s.manifests.map(key)));
      // Byte for byte, except the load Jobs' run-time values (coordinated start, agent bundle).
      const runTime = new Set(
        printed.steps.filter((s) => s.run === 'load').flatMap((s) => s.manifests.map(key)),
      );
      const printedJson = printed.steps.flatMap((s) => s.manifests.map(manifestJson));
      applied.forEach((body, i) => {
        if (!runTime.has(key(body))) expect(body, key(body)).toEqual(printedJson[i]);
      });
    },
  );
});

describe('runSuite on the cluster platform', () => {
  it('writes a result.json with both variants, agent LoadResults, waypoint CPU and overflow counters', async () => {
    await seed();
    const outcome = await runOnFake('results');
    const result = JSON.parse(await readFile(join(outcome.dir, 'result.json'), 'utf8'));
    expect(outcome.error).toBeUndefined();
    expect(result.meta.versions).toMatchObject({ istio: '1.24.6', kubernetes: 'v1.32.2' });
    expect(result.variants.map((v: { name: string }) => v.name)).toEqual(['dedicated', 'shared']);
    for (const v of result.variants) {
      expect(v.error).toBeUndefined();
      expect(
        v.tenants.map((t: { tenant: string; load: LoadResult }) => [
          t.tenant,
          t.load.driver,
          t.load.engine.notes[0],
        ]),
      ).toEqual([
        ['ns-1', 'agent', 'ns-1'],
        ['ns-2', 'agent', 'ns-2'],
      ]);
      // The preflight probe Jobs ran in the mesh before the load (issue 11): policy and path both hold.
      expect(v.preflight.ok, JSON.stringify(v.preflight)).toBe(true);
      expect(
        v.preflight.probes.map(
          (p: { tenant: string; name: string; sourceNamespace: string }) =>
            `${p.tenant} ${p.name} from ${p.sourceNamespace}`,
        ),
      ).toEqual([
        'ns-1 allowed from meshbench-load',
        'ns-1 denied-method from meshbench-load',
        'ns-1 denied-source from meshbench-preflight-outsider',
        'ns-2 allowed from meshbench-load',
        'ns-2 denied-method from meshbench-load',
        'ns-2 denied-source from meshbench-preflight-outsider',
      ]);
      expect(
        v.preflight.paths.map((p: { tenant: string; waypoint: string }) => `${p.tenant} via ${p.waypoint}`),
      ).toEqual(
        v.name === 'shared'
          ? ['ns-1 via ns-1/waypoint', 'ns-2 via ns-1/waypoint']
          : ['ns-1 via ns-1/waypoint', 'ns-2 via ns-2/waypoint'],
      );
      const wp = v.cpu.find((c: { component: string }) => c.component === 'ns-1/waypoint');
      expect(wp).toMatchObject({ kind: 'waypoint', limitCores: 2 });
      expect(v.cpu.some((c: { kind: string }) => c.kind === 'ztunnel')).toBe(true);
      expect(v.stats.map((s: { component: string }) => s.component)).toContain('ns-1/waypoint');
    }
    // Cleanup: only meshbench's namespaces went.
    expect([...api.objects.keys()].filter((k) => /^\/api\/v1\/namespaces\/[^/]+$/.test(k))).toEqual([
      '/api/v1/namespaces/istio-system',
    ]);
  });
});
