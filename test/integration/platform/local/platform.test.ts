import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalPlatform, type LocalPlatform } from '../../../../src/platform/local/platform.ts';
import { newTag } from '../../../helpers/leaks.ts';
import { buildPlan, expectNothingLeft, get, meshbenchCgroups } from './helpers.ts';

const tag = newTag();
process.env.MESHBENCH_TEST_TAG = tag;
const plan = buildPlan();
const variant = (name: string) => plan.variants.find((v) => v.name === name)!.topology;
let platform: LocalPlatform;
const ports: number[] = [];

const identity = (ns: string, service = 'productpage', sourceNs = ns) => ({
  'x-meshbench-destination': `${service}.${ns}.svc.cluster.local`,
  'x-meshbench-source-namespace': sourceNs,
  'x-meshbench-source-sa': 'loadgen',
});

beforeAll(async () => {
  platform = createLocalPlatform();
  await platform.up(plan);
  for (const b of platform.bookinfo.values()) ports.push(...Object.values(b.proc.ready.ports));
});

afterAll(async () => {
  await platform.down();
  await platform.down(); // idempotent
  await expectNothingLeft(tag, ports);
});

describe('local platform: dedicated waypoints', () => {
  it('serves the product page through each tenant’s waypoint, with the real call graph', async () => {
    await platform.apply(variant('dedicated'));
    expect(platform.waypoints.size).toBe(2);
    for (const w of platform.waypoints.values()) ports.push(w.proc.ready.port, w.proc.ready.adminPort);
    const targets = platform.targets();
    expect(targets.map((t) => t.tenant)).toEqual(['ns-1', 'ns-2']);
    expect(targets[0].url).toBe(
      `http://127.0.0.1:${platform.waypoints.get('ns-1/waypoint')!.proc.ready.port}/productpage`,
    );
    const stars: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await get(targets[0].url, targets[0].headers);
      expect(r.status).toBe(200);
      expect(r.body).toContain('Book Details');
      expect(r.body).toContain('Book Reviews');
      expect(r.headers['x-meshbench-degraded']).toBeUndefined();
      stars.push(r.body.includes('glyphicon-star"'));
    }
    // reviews v1, v2, v3 in rotation: v1 has no stars, v2/v3 do (they called ratings).
    expect(stars.filter(Boolean)).toHaveLength(2);
  });

  it('enforces the AuthorizationPolicy: POST and foreign namespaces get 403', async () => {
    const [t1] = platform.targets();
    expect((await get(t1.url, t1.headers, 'POST')).status).toBe(403);
    const foreign = await get(t1.url, identity('ns-1', 'productpage', 'ns-3'));
    expect(foreign.status).toBe(403);
    expect(foreign.body).toBe('RBAC: access denied');
    // details has no policy: any caller may GET it.
    expect(
      (await get(t1.url.replace('/productpage', '/details/0'), identity('ns-1', 'details', 'ns-3'))).status,
    ).toBe(200);
  });

  it('refuses traffic for a namespace the waypoint does not admit', async () => {
    const [t1] = platform.targets();
    const r = await get(t1.url, identity('ns-2'));
    expect(r.status).toBe(404);
    expect(r.headers['x-meshbench-response-flags']).toBe('NR');
  });

  it('samples CPU for every component and Envoy-named stats for every waypoint', async () => {
    const s = await platform.sampler().sample();
    const wp = s.cpu.filter((c) => c.kind === 'waypoint');
    expect(wp).toHaveLength(2);
    for (const c of wp) {
      expect(c.limitCores).toBe(0.5);
      expect(['cgroup-v1', 'cgroup-v2', 'emulated']).toContain(c.enforcement);
      expect(c.periods).toBeTypeOf('number');
    }
    expect(
      s.cpu
        .filter((c) => c.kind === 'service')
        .map((c) => c.namespace)
        .sort(),
    ).toEqual(['ns-1', 'ns-2']);
    expect(s.cpu.find((c) => c.kind === 'machine')!.cpuSeconds).toBeGreaterThan(0);
    const st = s.stats.find((x) => x.component === 'waypoint ns-1/waypoint')!;
    expect(st.counters.downstream_rq_total).toBeGreaterThanOrEqual(10);
    expect(st.counters.rbac_denied).toBe(2);
    expect(st.counters.no_route).toBe(1);
    expect(st.counters.upstream_cx_overflow).toBe(0);
  });
});

describe('local platform: switching variants without restarting Bookinfo', () => {
  it('shared: both tenants through ns-1’s waypoint, ns-2’s waypoint and cgroup gone', async () => {
    const bookinfoPids = [...platform.bookinfo.values()].map((b) => b.proc.pid);
    const oldNs2 = platform.waypoints.get('ns-2/waypoint')!;
    await platform.apply(variant('shared'));
    expect([...platform.bookinfo.values()].map((b) => b.proc.pid)).toEqual(bookinfoPids);
    expect([...platform.waypoints.keys()]).toEqual(['ns-1/waypoint']);
    expect(oldNs2.proc.alive).toBe(false);
    if (oldNs2.cgroup) expect(meshbenchCgroups().some((n) => n.includes('ns-2'))).toBe(false);
    const shared = platform.waypoints.get('ns-1/waypoint')!;
    ports.push(shared.proc.ready.port, shared.proc.ready.adminPort);
    const [t1, t2] = platform.targets();
    expect(new URL(t2.url).port).toBe(String(shared.proc.ready.port));
    const r = await get(t2.url, t2.headers);
    expect(r.status).toBe(200);
    expect(r.headers['x-meshbench-degraded']).toBeUndefined();
    expect(r.body).toContain('reviews-v');
    expect((await get(t1.url, t1.headers)).status).toBe(200);
  });

  it('none and per-service: opted-out services are called directly', async () => {
    await platform.apply(variant('none'));
    expect(platform.waypoints.size).toBe(0);
    const [t1] = platform.targets();
    expect(new URL(t1.url).port).toBe(String(platform.bookinfo.get('ns-1')!.proc.ready.ports.productpage));
    // No waypoint, no L7 policy: a POST reaches productpage (which only serves GET: 404).
    expect((await get(t1.url, t1.headers, 'POST')).status).toBe(404);
    expect((await get(t1.url, t1.headers)).status).toBe(200);

    await platform.apply(variant('ps'));
    expect([...platform.waypoints.keys()].sort()).toEqual([
      'ns-1/productpage-waypoint',
      'ns-1/waypoint',
      'ns-2/productpage-waypoint',
      'ns-2/waypoint',
    ]);
    for (const w of platform.waypoints.values()) ports.push(w.proc.ready.port, w.proc.ready.adminPort);
    const [p1] = platform.targets();
    const before = await platform.sampler().sample();
    expect(new URL(p1.url).port).toBe(
      String(platform.waypoints.get('ns-1/productpage-waypoint')!.proc.ready.port),
    );
    expect((await get(p1.url, p1.headers)).status).toBe(200);
    const s = await platform.sampler().sample();
    const counter = (x: typeof s, key: string) =>
      x.stats.find((st) => st.component === 'waypoint ns-1/waypoint')!.counters[key];
    const details = 'cluster.outbound|9080||details.ns-1.svc.cluster.local.upstream_rq_total';
    // productpage → details and reviews went through ns-1/waypoint; reviews → ratings went direct.
    expect(counter(s, details) - counter(before, details)).toBe(1);
    expect(
      counter(s, 'cluster.outbound|9080||ratings.ns-1.svc.cluster.local.upstream_rq_total'),
    ).toBeUndefined();
  });
});
