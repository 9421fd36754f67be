import { describe, expect, it } from 'vitest';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { buildKubePlan, type KubePlan } from '../../../../src/platform/kube/plan.ts';
import { buildPlanFiles, renderKubePlan } from '../../../../src/platform/kube/render-plan.ts';
import { type KubeObject, manifestJson } from '../../../../src/platform/kube/manifests/types.ts';
import { allVariantsPlan } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests are inspected as plain JSON
type Json = any;
const all = (kp: KubePlan): KubeObject[] => kp.steps.flatMap((s) => s.manifests);
const stepOf = (kp: KubePlan, id: string) => {
  const s = kp.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id}`);
  return s.manifests.map(manifestJson) as Json[];
};
const find = (objs: Json[], kind: string, ns: string | undefined, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === ns);

describe.each([
  ['kind', '1.24.6'],
  ['kind', '1.27.3'],
  ['cluster', '1.24.6'],
  ['cluster', '1.28.0'],
] as const)('every manifest of every variant (%s, Istio %s)', (platform, istioVersion) => {
  const kp = buildKubePlan(allVariantsPlan({ platform, istioVersion }), { platform });

  it('validates against the Kubernetes, Istio and Gateway API schemas', () => {
    const objs = all(kp);
    expect(objs.length).toBeGreaterThan(40);
    for (const o of objs) expect(() => o.validate(), `${o.kind}/${o.metadata?.name}`).not.toThrow();
    for (const k of [
      'Namespace',
      'Service',
      'ServiceAccount',
      'Deployment',
      'Gateway',
      'AuthorizationPolicy',
      'ConfigMap',
      'Job',
    ])
      expect(
        objs.some((o) => o.kind === k),
        k,
      ).toBe(true);
  });

  it('labels every object as meshbench-managed', () => {
    for (const o of all(kp).filter((x) => x.kind !== 'IstioOperator'))
      expect(o.metadata?.labels?.['app.kubernetes.io/managed-by'], `${o.kind}/${o.metadata?.name}`).toBe(
        'meshbench',
      );
  });

  it('dedicated: one waypoint per namespace, namespace labels, no allowedRoutes', () => {
    const gws = stepOf(kp, 'dedicated-waypoints').filter((o) => o.kind === 'Gateway');
    expect(gws.map((g) => `${g.metadata.namespace}/${g.metadata.name}`)).toEqual([
      'ns-1/waypoint',
      'ns-2/waypoint',
    ]);
    for (const g of gws) {
      expect(g.spec.gatewayClassName).toBe('istio-waypoint');
      expect(g.spec.listeners).toEqual([{ name: 'mesh', port: 15008, protocol: 'HBONE' }]);
    }
    const labels = stepOf(kp, 'dedicated-labels');
    expect(find(labels, 'Namespace', undefined, 'ns-2').metadata.labels).toMatchObject({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
    expect(
      find(labels, 'Namespace', undefined, 'ns-2').metadata.labels['istio.io/use-waypoint-namespace'],
    ).toBeUndefined();
  });

  it("shared: ns-1's waypoint admits ns-2, ns-2 points at it across namespaces", () => {
    const gws = stepOf(kp, 'shared-waypoints').filter((o) => o.kind === 'Gateway');
    expect(gws).toHaveLength(1);
    expect(gws[0].metadata.namespace).toBe('ns-1');
    expect(gws[0].spec.listeners[0].allowedRoutes.namespaces).toEqual({
      from: 'Selector',
      selector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ns-1', 'ns-2'] }],
      },
    });
    const ns2 = find(stepOf(kp, 'shared-labels'), 'Namespace', undefined, 'ns-2');
    expect(ns2.metadata.labels).toMatchObject({
      'istio.io/use-waypoint': 'waypoint',
      'istio.io/use-waypoint-namespace': 'ns-1',
    });
  });

  it('per-service: own waypoint by Service label, none opts out, the rest use the namespace waypoint', () => {
    const gws = stepOf(kp, 'per-service-waypoints').filter((o) => o.kind === 'Gateway');
    expect(gws.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).sort()).toEqual([
      'ns-1/productpage-waypoint',
      'ns-1/waypoint',
      'ns-2/productpage-waypoint',
      'ns-2/waypoint',
    ]);
    const labels = stepOf(kp, 'per-service-labels');
    expect(find(labels, 'Service', 'ns-1', 'productpage').metadata.labels['istio.io/use-waypoint']).toBe(
      'productpage-waypoint',
    );
    expect(find(labels, 'Service', 'ns-1', 'ratings').metadata.labels['istio.io/use-waypoint']).toBe('none');
    expect(
      find(labels, 'Service', 'ns-1', 'details').metadata.labels['istio.io/use-waypoint'],
    ).toBeUndefined();
    expect(find(labels, 'Namespace', undefined, 'ns-1').metadata.labels['istio.io/use-waypoint']).toBe(
      'waypoint',
    );
  });

  it('none: no Gateways, no use-waypoint labels, and no readiness wait for waypoints', () => {
    expect(stepOf(kp, 'none-waypoints')).toEqual([]);
    for (const o of stepOf(kp, 'none-labels'))
      expect(o.metadata.labels['istio.io/use-waypoint']).toBeUndefined();
    expect(kp.steps.find((s) => s.id === 'none-waypoints-ready')).toBeUndefined();
  });

  it("connection limits: a DestinationRule per waypoint-served service, the shared waypoint's guests included", () => {
    const pool = {
      tcp: { maxConnections: 1024 },
      http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 },
    };
    const hosts = (v: string) =>
      stepOf(kp, `${v}-connection-pools`).map((d) => {
        expect(d.apiVersion).toBe('networking.istio.io/v1');
        expect(d.spec.trafficPolicy.connectionPool).toEqual(pool);
        expect(d.spec.exportTo).toBeUndefined(); // a shared waypoint in another namespace must see it
        expect(d.metadata.namespace).toBe(d.spec.host.split('.')[1]);
        return d.spec.host;
      });
    const every = ['ns-1', 'ns-2'].flatMap((ns) =>
      ['productpage', 'details', 'reviews', 'ratings'].map((svc) => `${svc}.${ns}.svc.cluster.local`),
    );
    expect(hosts('dedicated').sort()).toEqual([...every].sort());
    expect(hosts('shared').sort()).toEqual([...every].sort());
    // ratings opts out of waypoints, so no waypoint applies limits to it.
    expect(hosts('per-service').some((h) => h.startsWith('ratings.'))).toBe(false);
    expect(kp.steps.find((st) => st.id === 'none-connection-pools')).toBeUndefined();
    const step = kp.steps.find((st) => st.id === 'dedicated-connection-pools');
    expect(step?.description).toContain(
      istioVersion.startsWith('1.24') ? 'internal cluster keeps its own 1024' : 'http2MaxRequests 1024)',
    );
  });

  it('policies: GET only, targetRefs to the Service, in the Service namespace, for every variant', () => {
    for (const v of ['dedicated', 'shared', 'per-service', 'none']) {
      const pols = stepOf(kp, `${v}-policies`);
      expect(pols.map((p) => p.metadata.namespace)).toEqual(['ns-1', 'ns-2']);
      for (const p of pols) {
        expect(p.apiVersion).toBe('security.istio.io/v1');
        expect(p.spec.targetRefs).toEqual([{ kind: 'Service', group: '', name: 'productpage' }]);
        expect(p.spec.rules[0].to[0].operation.methods).toEqual(['GET']);
        expect(p.spec.rules[0].from[0].source.namespaces).toEqual(['ns-1', 'ns-2', 'meshbench-load']);
      }
    }
  });

  it('resources and placement: per-Gateway ConfigMap from 1.26, install values before', () => {
    const modern = istioVersion >= '1.26';
    const wp = stepOf(kp, 'dedicated-waypoints');
    const gw = find(wp, 'Gateway', 'ns-1', 'waypoint');
    const cm = find(wp, 'ConfigMap', 'ns-1', 'waypoint-meshbench-params');
    if (modern) {
      expect(gw.spec.infrastructure.parametersRef).toEqual({
        group: '',
        kind: 'ConfigMap',
        name: 'waypoint-meshbench-params',
      });
      expect(cm.data.deployment).toContain('name: istio-proxy');
      expect(cm.data.deployment).toContain('cpu: "2"');
    } else {
      expect(gw.spec.infrastructure).toBeUndefined();
      expect(cm).toBeUndefined();
    }
    const install = kp.steps.find((s) => s.id === 'istio-install');
    if (platform === 'cluster') expect(install).toBeUndefined();
    else {
      const iop = manifestJson(install!.manifests[0]) as Json;
      expect(iop.spec.profile).toBe('ambient');
      expect(iop.spec.meshConfig.defaultConfig.proxyStatsMatcher.inclusionRegexps).toContain(
        '.*upstream_cx_overflow.*',
      );
      if (modern) expect(iop.spec.values).toBeUndefined();
      else {
        expect(iop.spec.values.global.waypoint.resources.limits).toEqual({ cpu: '2', memory: '1Gi' });
        // Placed by a required node affinity: istioctl refuses a map as global.waypoint.nodeSelector.
        expect(iop.spec.values.global.waypoint.nodeSelector).toBeUndefined();
        expect(
          iop.spec.values.global.waypoint.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
            .nodeSelectorTerms,
        ).toEqual([{ matchExpressions: [{ key: 'meshbench.io/role', operator: 'In', values: ['mesh'] }] }]);
      }
    }
  });

  it('Bookinfo: pinned images, bookinfo-<svc> accounts, Services on 9080', () => {
    const objs = stepOf(kp, 'bookinfo-ns-1');
    const deps = objs.filter((o) => o.kind === 'Deployment');
    expect(deps.map((d) => d.metadata.name).sort()).toEqual([
      'details-v1',
      'productpage-v1',
      'ratings-v1',
      'reviews-v1',
      'reviews-v2',
      'reviews-v3',
    ]);
    const tag = istioVersion >= '1.26' ? '1.20.3' : '1.20.2';
    for (const d of deps) {
      expect(d.spec.template.spec.containers[0].image).toMatch(
        new RegExp(`^docker.io/istio/examples-bookinfo-[a-z]+-v\\d:${tag.replace(/\./g, '\\.')}$`),
      );
      expect(d.spec.template.spec.serviceAccountName).toBe(`bookinfo-${d.metadata.labels.app}`);
    }
    for (const s of objs.filter((o) => o.kind === 'Service')) expect(s.spec.ports[0].port).toBe(9080);
    const pp = find(objs, 'Deployment', 'ns-1', 'productpage-v1');
    if (platform === 'kind')
      expect(pp.spec.template.spec.nodeSelector).toEqual({ 'meshbench.io/role': 'mesh' });
    else expect(pp.spec.template.spec.nodeSelector).toBeUndefined();
  });

  it('load: agent ConfigMap + Job per tenant on the load node, with the schedule', () => {
    const objs = stepOf(kp, 'shared-load');
    const cm = find(objs, 'ConfigMap', 'meshbench-load', 'agent-ns-2');
    const config = JSON.parse(cm.data['config.json']);
    expect(config.schedule).toMatchObject({
      url: 'http://productpage.ns-2.svc.cluster.local:9080/productpage',
      rate: 6500,
      connections: 650,
      startOffsetMs: 3000,
    });
    const job = find(objs, 'Job', 'meshbench-load', 'agent-ns-2');
    expect(job.spec.template.spec.containers[0].image).toMatch(/^docker.io\/library\/node:20\.[\d.]+-alpine/);
    expect(job.spec.template.spec.volumes[0].projected.sources).toEqual([
      { configMap: { name: 'agent-ns-2' } },
      { secret: { name: 'agent-ns-2', optional: true } },
    ]);
  });
});

describe('credential headers (issue 11: plan --out wrote them into ConfigMaps)', () => {
  const withHeaders = (driver: 'agent' | 'fortio') => {
    const plan = allVariantsPlan();
    plan.tenants = plan.tenants.map((t) => ({
      ...t,
      headers: { authorization: `Bearer s3cret-${t.name}`, 'x-trace': 'plain' },
    }));
    return buildKubePlan(plan, { platform: 'kind', driver, startAt: 1_700_000_000_000 });
  };

  it('agent: the credential travels in a Secret mounted next to config.json, never in the ConfigMap or Job', () => {
    const kp = withHeaders('agent');
    const objs = stepOf(kp, 'dedicated-load');
    const cm = find(objs, 'ConfigMap', 'meshbench-load', 'agent-ns-1');
    expect(JSON.parse(cm.data['config.json']).schedule.headers).toEqual({ 'x-trace': 'plain' });
    const secret = find(objs, 'Secret', 'meshbench-load', 'agent-ns-1');
    expect(JSON.parse(secret.stringData['headers.json'])).toEqual({ authorization: 'Bearer s3cret-ns-1' });
    expect(JSON.stringify(find(objs, 'Job', 'meshbench-load', 'agent-ns-1'))).not.toContain('s3cret');
    for (const o of all(kp)) o.validate();
  });

  it('fortio: the Job reads the credential from the Secret through its environment', () => {
    const objs = stepOf(withHeaders('fortio'), 'dedicated-load');
    const c = find(objs, 'Job', 'meshbench-load', 'fortio-ns-2').spec.template.spec.containers[0];
    expect(c.args).toContain('authorization: $(MESHBENCH_HEADER_0)');
    expect(c.args).toContain('x-trace: plain');
    expect(c.env).toEqual([
      { name: 'MESHBENCH_HEADER_0', valueFrom: { secretKeyRef: { name: 'fortio-ns-2', key: 'h0' } } },
    ]);
    expect(find(objs, 'Secret', 'meshbench-load', 'fortio-ns-2').stringData).toEqual({
      h0: 'Bearer s3cret-ns-2',
    });
  });

  it('the printed plan and plan --out files show the Secret with its values redacted', () => {
    for (const driver of ['agent', 'fortio'] as const) {
      const kp = withHeaders(driver);
      const printed = [renderKubePlan(kp), ...buildPlanFiles(kp).map((f) => f.content)].join('\n');
      expect(printed).not.toContain('s3cret');
      expect(printed).toContain('[redacted]');
    }
  });
});

describe('validation catches what is wrong', () => {
  it('rejects a Gateway whose listener port is not a number', () => {
    const bad = new Gateway({
      metadata: { name: 'w', namespace: 'ns-1' },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 'x' as unknown as number, protocol: 'HBONE' }],
      },
    });
    expect(() => bad.validate()).toThrow(/port/);
  });
});

describe('Fortio driver', () => {
  it('builds Fortio Jobs with the seed command line and a start gate', () => {
    const kp = buildKubePlan(allVariantsPlan(), {
      platform: 'kind',
      driver: 'fortio',
      startAt: 1_700_000_000_000,
    });
    const job = stepOf(kp, 'dedicated-load').find((o) => o.metadata.name === 'fortio-ns-2');
    expect(job.spec.template.spec.containers[0].args).toEqual([
      'load',
      '-qps',
      '6500',
      '-c',
      '650',
      '-t',
      '60s',
      '-uniform',
      '-timeout',
      '5000ms',
      '-json',
      '-',
      '-allow-initial-errors',
      'http://productpage.ns-2.svc.cluster.local:9080/productpage',
    ]);
    expect(job.spec.template.spec.initContainers[0].env).toEqual([
      { name: 'START_AT', value: '1700000003000' },
    ]);
    for (const s of kp.steps) for (const m of s.manifests) m.validate();
  });
});

describe('several load agents per tenant on Kubernetes', () => {
  const plan = allVariantsPlan({ platform: 'cluster' });
  plan.load = { ...plan.load, agents: 3 };
  const kp = buildKubePlan(plan, { platform: 'cluster', driver: 'agent' });

  it('each tenant gets an Indexed Job of 3 agent pods, validated like every manifest and shown in the plan', () => {
    const load = kp.steps.filter((st) => st.run === 'load');
    expect(load.length).toBeGreaterThan(0);
    for (const st of load) {
      expect(st.description).toMatch(/Indexed: 3 agent pods per tenant/);
      const jobs = st.manifests.filter((o) => o.kind === 'Job');
      expect(jobs).toHaveLength(plan.tenants.length);
      for (const j of jobs) {
        expect(() => j.validate()).not.toThrow();
        expect(manifestJson(j).spec).toMatchObject({
          completionMode: 'Indexed',
          completions: 3,
          parallelism: 3,
        });
      }
      const config = JSON.parse(
        (manifestJson(st.manifests.find((o) => o.kind === 'ConfigMap')!) as Json).data['config.json'],
      );
      expect(config.schedule.agents).toBe(3);
    }
    expect(renderKubePlan(kp)).toMatch(/completionMode: Indexed/);
  });
});
