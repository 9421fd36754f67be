/**
 * A local stand-in for the Kubernetes API server on 127.0.0.1 speaking its wire format: discovery,
 * server-side apply (PATCH application/apply-patch+yaml), get, label-selected list, delete, and raw
 * routes for the node and pod proxies and pod logs. Objects live in memory; tests script status changes.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: API objects are free-form JSON here
type Obj = any;

const RESOURCES: Record<string, Array<{ name: string; kind: string; namespaced: boolean }>> = {
  '/api/v1': [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'nodes', kind: 'Node', namespaced: false },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
  ],
  '/apis/apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    { name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  ],
  '/apis/batch/v1': [{ name: 'jobs', kind: 'Job', namespaced: true }],
  '/apis/apiextensions.k8s.io/v1': [
    { name: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
  ],
  '/apis/gateway.networking.k8s.io/v1': [{ name: 'gateways', kind: 'Gateway', namespaced: true }],
  '/apis/security.istio.io/v1': [
    { name: 'authorizationpolicies', kind: 'AuthorizationPolicy', namespaced: true },
  ],
  '/apis/networking.istio.io/v1': [{ name: 'destinationrules', kind: 'DestinationRule', namespaced: true }],
  '/apis/authorization.k8s.io/v1': [
    { name: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false },
  ],
};

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  authorization?: string;
  body?: Obj;
}

/** Splits `/api/v1/namespaces/ns/services/x` into group path, namespace, resource, name. */
function parsePath(
  path: string,
): { base: string; namespace?: string; resource: string; name?: string } | undefined {
  const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) {
    // Cluster-scoped Namespace objects: /api/v1/namespaces/NAME
    const ns = /^\/api\/v1\/namespaces(?:\/([^/]+))?$/.exec(path);
    return ns ? { base: '/api/v1', resource: 'namespaces', name: ns[1] } : undefined;
  }
  if (m[1] === '/api/v1' && m[3] && !m[2] && m[3] === 'namespaces')
    return { base: m[1], resource: 'namespaces', name: m[4] };
  return { base: m[1], namespace: m[2], resource: m[3], name: m[4] };
}

function matchesSelector(o: Obj, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return o.metadata?.labels?.[k] === v;
  });
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Objects by API path (`/apis/apps/v1/namespaces/ns-1/deployments/x`). */
  readonly objects = new Map<string, Obj>();
  /** Raw answers by path (node proxy, pod proxy, logs): a string or JSON. */
  readonly raw = new Map<string, { status?: number; body: string | Obj; contentType?: string }>();
  /** Called on each GET of an object: may return a status to put on it (scripted readiness). */
  statusOf?: (path: string, obj: Obj, gets: number) => Obj | undefined;
  /** Called after each server-side apply (tests create the pods a Job would). */
  onApply?: (path: string, obj: Obj) => void;
  /** Paths answered with 403 (RBAC tests). */
  readonly forbidden = new Set<string>();
  private gets = new Map<string, number>();
  private server?: Server;
  private rv = 1000;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, contentType }) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, {
          'Content-Type': contentType ?? (typeof body === 'string' ? 'text/plain' : 'application/json'),
        });
        res.end(text);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
    this.server = undefined;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** A kubeconfig pointing at this server (token auth; the token must never show up in errors). */
  kubeconfig(token = 'fake-token-DO-NOT-LOG'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${this.url}`,
      '    insecure-skip-tls-verify: true',
      'contexts:',
      '- name: fake',
      '  context: {cluster: fake, user: fake}',
      'users:',
      '- name: fake',
      `  user: {token: ${token}}`,
      '',
    ].join('\n');
  }

  put(path: string, obj: Obj): void {
    this.objects.set(path, obj);
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: string | Obj; contentType?: string }> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
      ...(text ? { body: JSON.parse(text) } : {}),
    };
    this.requests.push(rec);
    const path = url.pathname;
    if (this.forbidden.has(path))
      return {
        status: 403,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: `forbidden: ${path}`,
          reason: 'Forbidden',
          code: 403,
        },
      };
    if (path === '/version')
      return {
        status: 200,
        body: { major: '1', minor: '32', gitVersion: 'v1.32.2', platform: 'linux/amd64' },
      };
    if (RESOURCES[path]) {
      const [, , groupVersion] = /^\/apis?\/(.*)$/.exec(path)
        ? [null, null, path.replace(/^\/apis?\//, '')]
        : [];
      return {
        status: 200,
        body: {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: groupVersion === 'v1' ? 'v1' : groupVersion,
          resources: RESOURCES[path].map((r) => ({
            ...r,
            singularName: '',
            verbs: ['get', 'list', 'patch', 'delete', 'create'],
          })),
        },
      };
    }
    const raw = this.raw.get(path);
    if (raw) return { status: raw.status ?? 200, body: raw.body, contentType: raw.contentType };
    if (rec.method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      const attrs = rec.body?.spec?.resourceAttributes ?? {};
      const denied = this.forbidden.has(`ssar:${attrs.verb}:${attrs.group ?? ''}:${attrs.resource}`);
      return {
        status: 201,
        body: { ...rec.body, status: { allowed: !denied, ...(denied ? { reason: 'RBAC: no rule' } : {}) } },
      };
    }
    const p = parsePath(path);
    if (!p)
      return {
        status: 404,
        body: {
          kind: 'Status',
          status: 'Failure',
          message: `the server could not find the requested resource (${path})`,
          code: 404,
        },
      };
    const notFound = {
      status: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: `${p.resource} "${p.name}" not found`,
        reason: 'NotFound',
        code: 404,
      },
    };
    if (p.name) {
      if (rec.method === 'PATCH') {
        if (rec.contentType !== 'application/apply-patch+yaml')
          return {
            status: 415,
            body: { kind: 'Status', message: `unsupported patch type ${rec.contentType}`, code: 415 },
          };
        const prev = this.objects.get(path);
        const obj = {
          ...rec.body,
          metadata: {
            ...rec.body.metadata,
            resourceVersion: String(++this.rv),
            ...(prev ? { uid: prev.metadata.uid } : { uid: `uid-${this.rv}` }),
          },
          ...(prev?.status ? { status: prev.status } : {}),
        };
        this.objects.set(path, obj);
        this.onApply?.(path, obj);
        return { status: prev ? 200 : 201, body: obj };
      }
      const obj = this.objects.get(path);
      if (!obj) return notFound;
      if (rec.method === 'DELETE') {
        this.objects.delete(path);
        // A Job takes its pods with it (propagationPolicy Background).
        if (p.resource === 'jobs')
          for (const [k, o] of [...this.objects.entries()])
            if (k.includes(`/namespaces/${p.namespace}/pods/`) && o.metadata?.labels?.['job-name'] === p.name)
              this.objects.delete(k);
        // A namespace takes its objects with it.
        if (p.resource === 'namespaces')
          for (const k of [...this.objects.keys()])
            if (k.includes(`/namespaces/${p.name}/`)) this.objects.delete(k);
        return {
          status: 200,
          body: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Success',
            details: { name: p.name, kind: p.resource },
          },
        };
      }
      const n = (this.gets.get(path) ?? 0) + 1;
      this.gets.set(path, n);
      const status = this.statusOf?.(path, obj, n);
      return { status: 200, body: status ? { ...obj, status } : obj };
    }
    // A list: every object under this collection path (or across namespaces).
    const items = [...this.objects.entries()]
      .filter(([k]) => {
        const q = parsePath(k);
        return (
          q && q.base === p.base && q.resource === p.resource && (!p.namespace || q.namespace === p.namespace)
        );
      })
      .map(([, o]) => o)
      .filter((o) => matchesSelector(o, url.searchParams.get('labelSelector')));
    const kind = RESOURCES[p.base]?.find((r) => r.name === p.resource)?.kind ?? 'Unknown';
    return {
      status: 200,
      body: {
        kind: `${kind}List`,
        apiVersion: p.base === '/api/v1' ? 'v1' : p.base.replace('/apis/', ''),
        metadata: { resourceVersion: String(this.rv) },
        items,
      },
    };
  }
}

const FIXTURES = new URL('../../../../fixtures/kube/', import.meta.url).pathname;

/** Puts a Running pod scheduled on `nodeName` (what a controller and the scheduler would leave). */
export function putPod(
  api: FakeApiServer,
  namespace: string,
  name: string,
  labels: Record<string, string>,
  nodeName = 'meshbench-worker',
): void {
  api.put(`/api/v1/namespaces/${namespace}/pods/${name}`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName },
    status: { phase: 'Running' },
  });
}

/**
 * A healthy cluster with Istio 1.24.6 (istiod, ztunnel) and the Gateway API CRDs, where every Deployment,
 * Gateway, DaemonSet and Job becomes ready at once. `namespaces` are the ones already there.
 */
export function seedIstioCluster(api: FakeApiServer, opts: { namespaces?: string[] } = {}): void {
  for (const name of opts.namespaces ?? ['istio-system'])
    api.put(`/api/v1/namespaces/${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  api.put('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gateways.gateway.networking.k8s.io' },
  });
  api.put('/apis/apps/v1/namespaces/istio-system/deployments/istiod', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: 'istio-system' },
    spec: {
      template: { spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.24.6' }] } },
    },
  });
  api.put('/apis/apps/v1/namespaces/istio-system/daemonsets/ztunnel', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'ztunnel', namespace: 'istio-system' },
  });
  api.statusOf = (path) => {
    if (path.includes('/deployments/')) return { conditions: [{ type: 'Available', status: 'True' }] };
    if (path.includes('/gateways/')) return { conditions: [{ type: 'Programmed', status: 'True' }] };
    if (path.includes('/daemonsets/')) return { desiredNumberScheduled: 3, numberReady: 3 };
    if (path.includes('/jobs/')) return { conditions: [{ type: 'Complete', status: 'True' }] };
    return undefined;
  };
}

/**
 * Serves the recorded kubelet payloads (Summary API, cAdvisor) of node meshbench-worker and, unless
 * `envoy` is false, the Envoy stats of the ns-1 waypoint pod waypoint-7c9d8b5f6d-x2kqp.
 */
export async function serveNodeFixtures(api: FakeApiServer, opts: { envoy?: boolean } = {}): Promise<void> {
  api.raw.set('/api/v1/nodes/meshbench-worker/proxy/stats/summary', {
    body: JSON.parse(await readFile(`${FIXTURES}summary-mesh-node.json`, 'utf8')),
  });
  api.raw.set('/api/v1/nodes/meshbench-worker/proxy/metrics/cadvisor', {
    body: await readFile(`${FIXTURES}cadvisor-mesh-node.txt`, 'utf8'),
  });
  if (opts.envoy === false) return;
  api.raw.set('/api/v1/namespaces/ns-1/pods/waypoint-7c9d8b5f6d-x2kqp:15020/proxy/stats/prometheus', {
    body: await readFile(`${FIXTURES}envoy-waypoint-stats.txt`, 'utf8'),
  });
}

/**
 * Plays the mesh for the preflight probe Jobs (`meshbench-preflight`): call from `onApply`. Answers each
 * probe the Job's MESHBENCH_PROBES lists as Istio ambient would — 200 for GET from the load namespace, an
 * Envoy RBAC 403 for another method or the outsider namespace — unless `policy: 'allows-post'` (the
 * waypoint lets POST through). Each probe counts in istio_requests_total of the waypoint that carries it,
 * as the mesh routes: the one of its service's namespace when that namespace has a waypoint Gateway,
 * else `shared` (ns-1's); none when `crossesWaypoint` is false; always `shared` when `misroute` is set.
 */
export function playProbeJob(
  api: FakeApiServer,
  obj: Obj,
  opts: { policy?: 'enforced' | 'allows-post'; crossesWaypoint?: boolean; misroute?: boolean } = {},
): boolean {
  if (obj.kind !== 'Job' || obj.metadata.name !== 'meshbench-preflight') return false;
  const ns = obj.metadata.namespace;
  const container = obj.spec.template.spec.containers[0];
  const probes = JSON.parse(container.env.find((e: Obj) => e.name === 'MESHBENCH_PROBES').value);
  const answers = probes.map((p: { id: string; url: string; method: string }) => {
    const denied =
      ns === 'meshbench-preflight-outsider' || (p.method !== 'GET' && opts.policy !== 'allows-post');
    if (opts.crossesWaypoint !== false) {
      const service = new URL(p.url).hostname;
      const serviceNs = service.split('.')[1];
      const own = api.objects.has(
        `/apis/gateway.networking.k8s.io/v1/namespaces/${serviceNs}/gateways/waypoint`,
      );
      const via = own && !opts.misroute ? serviceNs : 'ns-1';
      const key = `${via}|${service}`;
      probeCounts.set(key, (probeCounts.get(key) ?? 0) + 1);
    }
    return denied
      ? { id: p.id, status: 403, server: 'istio-envoy', body: 'RBAC: access denied' }
      : { id: p.id, status: 200, server: 'istio-envoy', body: '<html>' };
  });
  putPod(api, ns, 'meshbench-preflight-x1', { 'job-name': 'meshbench-preflight' });
  api.raw.set(`/api/v1/namespaces/${ns}/pods/meshbench-preflight-x1/log`, {
    body: `----- meshbench-probe-result-begin -----\n${JSON.stringify(answers)}\n----- meshbench-probe-result-end -----\n`,
  });
  for (const [path, entry] of api.raw) {
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/[^/]+:15020\/proxy\/stats\/prometheus$/.exec(path);
    if (!m) continue;
    const base = statsBase.get(path) ?? String(entry.body);
    statsBase.set(path, base);
    const lines = [...probeCounts]
      .filter(([key]) => key.startsWith(`${m[1]}|`))
      .map(
        ([key, n]) =>
          `istio_requests_total{reporter="waypoint",source_workload_namespace="${ns}",destination_service="${key.split('|')[1]}",response_code="200"} ${n}`,
      );
    api.raw.set(path, { body: `${base}${lines.join('\n')}\n` });
  }
  return true;
}
const probeCounts = new Map<string, number>();
const statsBase = new Map<string, string>();

/** Forgets the probes counted so far (call when the waypoint pods' stats are served afresh). */
export function resetProbeCounts(): void {
  probeCounts.clear();
  statsBase.clear();
}
