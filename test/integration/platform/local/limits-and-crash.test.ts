import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { isMeshbenchError } from '../../../../src/errors.ts';
import { createLocalPlatform, type LocalPlatform } from '../../../../src/platform/local/platform.ts';
import { newTag } from '../../../helpers/leaks.ts';
import { buildPlan, expectNothingLeft } from './helpers.ts';

const tag = newTag();
process.env.MESHBENCH_TEST_TAG = tag;
let platform: LocalPlatform | undefined;
let ports: number[] = [];

async function start(
  waypoint: Record<string, unknown>,
  variantName = 'dedicated',
  enforcement: 'auto' | 'emulated' = 'auto',
  overrides: Parameters<typeof buildPlan>[0] = {},
) {
  const plan = buildPlan(overrides, waypoint);
  platform = createLocalPlatform({ enforcement });
  await platform.up(plan);
  await platform.apply(plan.variants.find((v) => v.name === variantName)!.topology);
  ports = [];
  for (const b of platform.bookinfo.values()) ports.push(...Object.values(b.proc.ready.ports));
  for (const w of platform.waypoints.values()) ports.push(w.proc.ready.port, w.proc.ready.adminPort);
  return platform;
}

const headers = (service: string) => ({
  'x-meshbench-destination': `${service}.ns-1.svc.cluster.local`,
  'x-meshbench-source-namespace': 'ns-1',
  'x-meshbench-source-sa': 'loadgen',
});

async function send(c: Client, service: string, path: string) {
  const r = await c.request({ path, method: 'GET', headers: headers(service) });
  await r.body.dump();
  return { status: r.statusCode, flags: r.headers['x-meshbench-response-flags'] };
}

afterEach(async () => {
  await platform?.down();
  platform = undefined;
  await expectNothingLeft(tag, ports);
});

describe('Envoy limits at the waypoint', () => {
  it("Istio 1.24: downstream connections beyond the internal cluster's limit get 503 UO", async () => {
    // Only the load's connections (source SA loadgen) are charged; Bookinfo's own pools are not.
    const p = await start({ maxConnections: 3, istioBehaviour: '1.24' });
    const wp = p.waypoints.get('ns-1/waypoint')!;
    const clients = Array.from({ length: 5 }, () => new Client(`http://127.0.0.1:${wp.proc.ready.port}`));
    try {
      const results = [];
      // One at a time so the first three connections take the three slots.
      for (const c of clients) results.push(await send(c, 'details', '/details/0'));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 503, 503]);
      expect(results[3].flags).toBe('UO');
      // Bookinfo's own calls are not charged to the internal cluster: an app connection still passes.
      const app = new Client(`http://127.0.0.1:${wp.proc.ready.port}`);
      try {
        const r = await app.request({
          path: '/details/0',
          method: 'GET',
          headers: { ...headers('details'), 'x-meshbench-source-sa': 'bookinfo-productpage' },
        });
        await r.body.dump();
        expect(r.statusCode).toBe(200);
      } finally {
        await app.destroy();
      }
      // A held connection keeps working; a freed slot is taken by the next request.
      expect((await send(clients[0], 'details', '/details/0')).status).toBe(200);
      await clients[0].close();
      await new Promise((r) => setTimeout(r, 200));
      expect((await send(clients[3], 'details', '/details/0')).status).toBe(200);
      const s = await p.sampler().sample();
      const c = s.stats.find((x) => x.component === 'waypoint ns-1/waypoint')!.counters;
      expect(c['cluster.main_internal.upstream_cx_overflow']).toBe(2);
      expect(c.downstream_rq_5xx).toBe(2);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
    }
  });

  it('current behaviour: per-service pending limit overflows as upstream_rq_pending_overflow', async () => {
    const p = await start({
      maxConnections: 1,
      maxPendingRequests: 1,
      maxRequests: 100,
      istioBehaviour: 'current',
    });
    const wp = p.waypoints.get('ns-1/waypoint')!;
    const clients = Array.from({ length: 12 }, () => new Client(`http://127.0.0.1:${wp.proc.ready.port}`));
    try {
      // productpage holds its upstream connection while it calls details and reviews: 12 at once overflow.
      const results = await Promise.all(clients.map((c) => send(c, 'productpage', '/productpage')));
      const rejected = results.filter((r) => r.status === 503);
      expect(rejected.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
      expect(rejected.every((r) => r.flags === 'UO')).toBe(true);
      const s = await p.sampler().sample();
      const c = s.stats.find((x) => x.component === 'waypoint ns-1/waypoint')!.counters;
      const pp = 'cluster.outbound|9080||productpage.ns-1.svc.cluster.local';
      expect(c[`${pp}.upstream_rq_pending_overflow`]).toBe(rejected.length);
      expect(c[`${pp}.upstream_cx_overflow`]).toBeGreaterThan(0);
      // Istio ≥ 1.25 has no internal-cluster limit.
      expect(c['cluster.main_internal.upstream_cx_overflow']).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
    }
  });
});

describe('Envoy workers: ceil(cpuLimit) processes behind one port, one set of limits (issue 12)', () => {
  it('two workers at a 2-core limit share the breaker: maxRequests 3 admits 3 of 12 however they spread', async () => {
    const p = await start(
      {
        cpuLimit: 2,
        maxConnections: 100,
        maxPendingRequests: 100,
        maxRequests: 3,
        istioBehaviour: 'current',
      },
      'dedicated',
      'auto',
      {
        platforms: {
          local: {
            cpu: 'host',
            calibrate: false,
            // productpage holds each request 400 ms: all 12 are in flight at once.
            serviceTimes: { productpage: { mean: '400ms', distribution: 'fixed' } },
          },
        },
      },
    );
    const wp = p.waypoints.get('ns-1/waypoint')!;
    expect(wp.config.workers).toBe(Math.min(2, cpus().length));
    expect(wp.proc.ready.workerPids).toHaveLength(wp.config.workers > 1 ? 2 : 0);
    // The envelope's memory limit (1Gi by default) caps the heap of each of its processes.
    for (const pid of [wp.proc.pid, ...wp.proc.ready.workerPids])
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain(
        `--max-old-space-size=${wp.config.workers > 1 ? 341 : 1024}`,
      );
    const clients = Array.from({ length: 12 }, () => new Client(`http://127.0.0.1:${wp.proc.ready.port}`));
    try {
      const results = await Promise.all(clients.map((c) => send(c, 'productpage', '/productpage')));
      // Per-worker counters would admit 3 per worker (6); Envoy's are per proxy.
      expect(results.filter((r) => r.status === 200)).toHaveLength(3);
      expect(results.filter((r) => r.status === 503 && r.flags === 'UO')).toHaveLength(9);
      // The admin endpoint adds the workers' counters up.
      const s = await p.sampler().sample();
      const c = s.stats.find((x) => x.component === 'waypoint ns-1/waypoint')!.counters;
      const pp = 'cluster.outbound|9080||productpage.ns-1.svc.cluster.local';
      expect(c[`${pp}.upstream_rq_pending_overflow`]).toBe(9);
      expect(c[`${pp}.upstream_rq_total`]).toBe(3);
      // productpage's own calls (details, reviews) cross the waypoint too: more than the 12 sent.
      expect(c.downstream_rq_total).toBeGreaterThan(12);
      // Both workers served connections (the primary hands them out in turn).
      if (wp.config.workers > 1) expect(c.meshbench_workers_serving).toBe(2);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
    }
  });

  it('a worker that dies takes the waypoint down, and the run hears of it', async () => {
    if (cpus().length < 2) return;
    const p = await start({ cpuLimit: 2 });
    const wp = p.waypoints.get('ns-1/waypoint')!;
    process.kill(wp.proc.ready.workerPids[0], 'SIGKILL');
    const deadline = Date.now() + 5000;
    let error: unknown;
    while (!error && Date.now() < deadline) {
      try {
        p.checkHealthy();
        await new Promise((r) => setTimeout(r, 50));
      } catch (e) {
        error = e;
      }
    }
    expect(isMeshbenchError(error) && error.code).toBe('PLATFORM_FAILED');
    expect(String((error as Error).message)).toMatch(
      /waypoint ns-1\/waypoint .*exited unexpectedly \(code 1/,
    );
  });
});

describe('CPU limit enforcement', () => {
  it('emulates the quota in-process where cgroups are not used, and records throttling', async () => {
    const p = await start({ cpuLimit: 0.05 }, 'dedicated', 'emulated');
    const wp = p.waypoints.get('ns-1/waypoint')!;
    expect(wp.enforcement).toBe('emulated');
    expect(wp.cgroup).toBeNull();
    const clients = Array.from({ length: 8 }, () => new Client(`http://127.0.0.1:${wp.proc.ready.port}`));
    try {
      const end = Date.now() + 2500;
      await Promise.all(
        clients.map(async (c) => {
          while (Date.now() < end) await send(c, 'productpage', '/productpage');
        }),
      );
      const s = await p.sampler().sample();
      const cpu = s.cpu.find((c) => c.component === 'waypoint ns-1/waypoint')!;
      expect(cpu.enforcement).toBe('emulated');
      expect(cpu.throttledPeriods).toBeGreaterThan(0);
      expect(cpu.periods).toBeGreaterThanOrEqual(cpu.throttledPeriods! - 1);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
    }
  });
});

describe('modelled CPU (the default)', () => {
  it("charges Envoy's cost per request against the modelled quota; the stand-in's own CPU is shown beside it", async () => {
    // 50 req/s at utilization 0.5 of 0.05 cores: 0.5 ms of modelled CPU per request, 5 ms per 100 ms
    // period. Eight connections sending back to back ask far more: the waypoint is held at its limit.
    const p = await start({ cpuLimit: 0.05 }, 'dedicated', 'auto', {
      platforms: { local: { cpu: 'modelled', utilization: 0.5 } },
    });
    expect(p.calibration).toMatchObject({ method: 'modelled', quotaCores: 0.05, cpuMsPerRequest: 0.5 });
    const wp = p.waypoints.get('ns-1/waypoint')!;
    expect(wp.enforcement).toBe('modelled');
    // No real quota on the stand-in: its cgroup, if any, has every core.
    expect(wp.config.cpuLimit).toBe(0);
    const clients = Array.from({ length: 8 }, () => new Client(`http://127.0.0.1:${wp.proc.ready.port}`));
    let sent = 0;
    try {
      const end = Date.now() + 2000;
      await Promise.all(
        clients.map(async (c) => {
          while (Date.now() < end) {
            await send(c, 'productpage', '/productpage');
            sent++;
          }
        }),
      );
      const s = await p.sampler().sample();
      const cpu = s.cpu.find((c) => c.component === 'waypoint ns-1/waypoint')!;
      expect(cpu.enforcement).toBe('modelled');
      expect(cpu.limitCores).toBe(0.05);
      expect(cpu.throttledPeriods).toBeGreaterThan(5);
      // Throughput is the quota's: 5 ms per period at 0.5 ms per productpage request (its 3⅔ hops; less
      // when a wakeup is shared) is 10–14 requests per period, ~20 periods in 2 s. Unlimited, eight
      // connections against the modelled service times would send ~230 a second.
      expect(sent).toBeLessThan(14 * 22);
      expect(sent).toBeGreaterThan(8 * 20);
      // Charged CPU never runs ahead of the quota by more than one period's worth.
      expect(cpu.cpuSeconds).toBeLessThanOrEqual((0.05 * (cpu.periods! + 1) * 100) / 1000 + 0.001);
      const own = s.cpu.find((c) => c.component === 'waypoint process ns-1/waypoint')!;
      expect(own.kind).toBe('other');
      expect(own.cpuSeconds).toBeGreaterThan(0);
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
    }
  });
});

describe('a crashed component', () => {
  it('is detected and reported by the sampler, and down() still cleans up', async () => {
    const p = await start({});
    const victim = p.waypoints.get('ns-2/waypoint')!;
    process.kill(victim.proc.pid, 'SIGKILL');
    await new Promise((r) => p.failed.addEventListener('abort', r, { once: true }));
    const err = await p
      .sampler()
      .sample()
      .then(
        () => null,
        (e) => e,
      );
    expect(isMeshbenchError(err) && err.code).toBe('PLATFORM_FAILED');
    expect(String(err.message)).toContain('waypoint ns-2/waypoint');
    await expect(p.apply(buildPlan().variants[0].topology)).rejects.toThrow(/died/);
  });

  it('children exit on their own when the parent disappears (stdin closes)', async () => {
    const p = await start({});
    const b = p.bookinfo.get('ns-1')!;
    // Simulate the parent going away: close the pipe the child watches, without signalling it.
    b.proc.child.stdin!.end();
    await new Promise((r) => b.proc.child.once('exit', r));
    expect(b.proc.alive).toBe(false);
  });
});
