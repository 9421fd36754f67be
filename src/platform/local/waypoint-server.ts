/**
 * The waypoint stand-in: an HTTP proxy with Envoy's resource envelope (circuit breakers, Istio
 * 1.24's internal cluster), L7 AuthorizationPolicy, allowedRoutes admission and Envoy-named stats.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import type { PolicySpec } from '../../topology/model.ts';
import { evaluateAuthz } from './authz.ts';
import { type BreakerLimits, decideBreaker, InternalClusterSlots } from './breaker.ts';
import {
  DESTINATION_HEADER,
  LOADGEN_SA,
  outboundClusterName,
  parseDestination,
  RESPONSE_FLAGS_HEADER,
  SOURCE_NAMESPACE_HEADER,
  SOURCE_SA_HEADER,
  serviceKey,
} from './destination.ts';
import { EmulatedQuota } from './quota-emulation.ts';
import { CFS_PERIOD_MS } from './model-constants.ts';
import { ModelledCpu } from './modelled-cpu.ts';
import { RawPool } from './raw-pool.ts';
import { createRawHttpServer, type RawIncoming, type RawOutgoing } from './raw-server.ts';
import { formatWaypointStats, WaypointStats } from './waypoint-stats.ts';

/** Everything a waypoint process needs (passed as JSON on its command line). */
export interface WaypointConfig {
  namespace: string;
  name: string;
  /** Namespaces whose services may use this waypoint (Gateway allowedRoutes). */
  admits: string[];
  cpuLimit: number;
  limits: BreakerLimits;
  /**
   * '1.24': every downstream connection of the load holds a `main_internal` connection, capped at
   * maxConnections. Bookinfo's own calls are not charged: the article's 32% errors for the second
   * tenant are below even the load connections' own arithmetic (1 − (1024 − 650) / 650 ≈ 42%), so any
   * charge for app calls (a few dozen per-call connections at the article's scale, tenfold overweight as
   * pooled connections at scale 0.1) moves the model away from it.
   */
  istioBehaviour: '1.24' | 'current';
  /** `ns/service` → loopback port of the service. */
  services: Record<string, number>;
  policies: PolicySpec[];
  /** Enforce the CPU limit in-process (no cgroup available). */
  emulateQuota: boolean;
  /**
   * Envoy's CPU, modelled: each request charges `hopMs`, each wakeup `wakeMs`, against a quota of `cores`
   * per CFS period (cpuLimit is then the stand-in's real quota, normally none).
   */
  modelledCpu?: { cores: number; hopMs: number; wakeMs: number };
  /**
   * Requests sent through the proxy to a private echo upstream before it reports ready, so V8's JIT
   * warm-up (an artefact of the stand-in; Envoy is native code) is not billed to the CPU quota.
   */
  warmupRequests?: number;
  /** Fixed ports (0 = any free port). */
  port?: number;
  adminPort?: number;
}

export interface RunningWaypoint {
  port: number;
  adminPort: number;
  stats: WaypointStats;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
]);
const INTERNAL_CLUSTER = 'main_internal';
const UPSTREAM_TIMEOUT_MS = 15_000;

function reply(res: ServerResponse, status: number, body: string, flags?: string): void {
  const headers: Record<string, string | number> = {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(body),
    server: 'envoy',
  };
  if (flags) headers[RESPONSE_FLAGS_HEADER] = flags;
  res.writeHead(status, headers);
  res.end(body);
}

/** A response the waypoint generates itself (Envoy's local reply), with its response flag. */
function local(status: number, body: string, flags?: string): RawOutgoing {
  const headers = ['content-type', 'text/plain', 'server', 'envoy'];
  if (flags) headers.push(RESPONSE_FLAGS_HEADER, flags);
  return { status, headers, body };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const WARMUP_DEST = { namespace: 'meshbench-warmup', service: 'echo' };

/** Drives `count` requests through the proxy to a private echo server, then removes it. */
async function warmUp(input: {
  port: number;
  count: number;
  admits: Set<string>;
  services: Record<string, number>;
}): Promise<void> {
  const body = 'w'.repeat(2048);
  const echo = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  const echoPort = await listen(echo, 0);
  input.admits.add(WARMUP_DEST.namespace);
  input.services[serviceKey(WARMUP_DEST)] = echoPort;
  const client = new Pool(`http://127.0.0.1:${input.port}`, { connections: 8 });
  try {
    const one = async () => {
      const r = await client.request({
        path: '/warmup',
        method: 'GET',
        headers: { [DESTINATION_HEADER]: `${WARMUP_DEST.service}.${WARMUP_DEST.namespace}` },
      });
      await r.body.dump();
    };
    for (let done = 0; done < input.count; done += 8) await Promise.all(Array.from({ length: 8 }, one));
  } finally {
    input.admits.delete(WARMUP_DEST.namespace);
    delete input.services[serviceKey(WARMUP_DEST)];
    await client.destroy();
    echo.closeAllConnections();
    await new Promise((r) => echo.close(r));
  }
}

export async function startWaypointServer(config: WaypointConfig): Promise<RunningWaypoint> {
  const stats = new WaypointStats();
  const internal =
    config.istioBehaviour === '1.24' ? new InternalClusterSlots(config.limits.maxConnections) : null;
  // Created after the warm-up, which is not billed to the quota (as with cgroups).
  let quota: EmulatedQuota | null = null;
  const pools = new Map<string, RawPool>();
  const inflight = new Map<string, { inflight: number }>();
  const admits = new Set(config.admits);
  const services: Record<string, number> = { ...config.services };
  stats.cluster(INTERNAL_CLUSTER);

  const poolFor = (key: string, port: number): RawPool => {
    let pool = pools.get(key);
    if (!pool) {
      pool = new RawPool(port, config.limits.maxConnections);
      pools.set(key, pool);
    }
    return pool;
  };

  const overflow = (): RawOutgoing =>
    local(503, 'upstream connect error or disconnect/reset before headers. reset reason: overflow', 'UO');

  // Created after the warm-up, like the emulated quota.
  let modelled: ModelledCpu | null = null;
  const hopMs = config.modelledCpu?.hopMs ?? 0;
  const handle = async (req: RawIncoming): Promise<RawOutgoing> => {
    quota?.check();
    // Envoy spends its CPU on every request it handles, local replies included, before deciding.
    const held = modelled?.charge(hopMs);
    if (held) await held;
    const conn = req.connection.data as { internalSlot?: boolean };
    // Istio 1.24: the load's downstream connection needs an internal upstream connection first.
    if (internal && !conn.internalSlot && req.headers.get(SOURCE_SA_HEADER) === LOADGEN_SA) {
      if (internal.tryAcquire()) {
        conn.internalSlot = true;
        req.connection.socket.once('close', () => internal.release());
      } else {
        stats.cluster(INTERNAL_CLUSTER).upstream_cx_overflow++;
        stats.countStatus(503);
        return overflow();
      }
    }
    const dest = parseDestination(req.headers.get(DESTINATION_HEADER) ?? req.headers.get('host'));
    const port = dest ? services[serviceKey(dest)] : undefined;
    if (!dest || port === undefined || !admits.has(dest.namespace)) {
      // Not admitted (allowedRoutes) or unknown: Envoy has no route for it.
      stats.http.no_route++;
      stats.countStatus(404);
      return local(
        404,
        `no route: ${dest ? serviceKey(dest) : 'missing destination'} is not served by this waypoint`,
        'NR',
      );
    }
    const decision = evaluateAuthz(config.policies, {
      namespace: dest.namespace,
      service: dest.service,
      method: req.method,
      sourceNamespace: req.headers.get(SOURCE_NAMESPACE_HEADER),
    });
    if (!decision.allowed) {
      stats.http.rbac_denied++;
      stats.countStatus(403);
      return local(403, 'RBAC: access denied');
    }
    stats.http.rbac_allowed++;
    const clusterName = outboundClusterName(dest);
    const cluster = stats.cluster(clusterName);
    let state = inflight.get(clusterName);
    if (!state) {
      state = { inflight: 0 };
      inflight.set(clusterName, state);
    }
    const breaker = decideBreaker(state, config.limits);
    if (breaker.cxOverflow) cluster.upstream_cx_overflow++;
    if (!breaker.admit) {
      cluster[breaker.counter]++;
      stats.countStatus(503);
      return overflow();
    }
    state.inflight++;
    cluster.upstream_rq_total++;
    const headers: string[] = [];
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2)
      if (!HOP_BY_HOP.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
    try {
      const up = await poolFor(clusterName, port).request({
        path: req.path,
        method: req.method,
        headers,
        body: req.body.length ? req.body : undefined,
        timeoutMs: UPSTREAM_TIMEOUT_MS,
      });
      cluster.upstream_rq_completed++;
      if (up.statusCode >= 500) cluster.upstream_rq_5xx++;
      stats.countStatus(up.statusCode);
      return { status: up.statusCode, headers: up.headers, body: up.body };
    } catch (e) {
      cluster.upstream_cx_connect_fail++;
      stats.countStatus(503);
      return local(503, `upstream connect error: ${(e as Error).message}`, 'UF');
    } finally {
      state.inflight--;
    }
  };

  const data = createRawHttpServer(handle);
  const server = data.server;
  data.onConnection(() => {
    stats.http.downstream_cx_total++;
  });
  const admin = createServer((req, res) => {
    if (req.url === '/stats/prometheus') {
      stats.gauges.envoy_http_downstream_cx_active = data.connections;
      if (internal) stats.gauges.meshbench_internal_cluster_cx_active = internal.active;
      if (modelled) {
        const m = modelled.stats;
        stats.gauges.meshbench_modelled_cpu_seconds = m.usageSeconds;
        stats.gauges.meshbench_modelled_cpu_nr_periods = m.periods;
        stats.gauges.meshbench_modelled_cpu_nr_throttled = m.throttledPeriods;
        stats.gauges.meshbench_modelled_cpu_throttled_seconds = m.throttledSeconds;
      }
      if (quota) {
        stats.gauges.meshbench_emulated_cpu_nr_periods = quota.stats.periods;
        stats.gauges.meshbench_emulated_cpu_nr_throttled = quota.stats.throttledPeriods;
        stats.gauges.meshbench_emulated_cpu_throttled_seconds = quota.stats.throttledSeconds;
      }
      const text = formatWaypointStats(stats);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(text);
    }
    if (req.url === '/healthz/ready') return reply(res, 200, 'ready');
    reply(res, 404, 'not found');
  });
  const port = await listen(server, config.port ?? 0);
  const adminPort = await listen(admin, config.adminPort ?? 0);
  if (config.warmupRequests) {
    await warmUp({ port, count: config.warmupRequests, admits, services });
    // Forget the warm-up: fresh counters, no echo cluster.
    stats.reset();
    stats.cluster(INTERNAL_CLUSTER);
    await pools.get(outboundClusterName(WARMUP_DEST))?.destroy();
    pools.delete(outboundClusterName(WARMUP_DEST));
    inflight.clear();
  }
  if (config.emulateQuota) quota = new EmulatedQuota(config.cpuLimit);
  if (config.modelledCpu) modelled = new ModelledCpu({ ...config.modelledCpu, periodMs: CFS_PERIOD_MS });
  return {
    port,
    adminPort,
    stats,
    async close() {
      modelled?.close();
      admin.closeAllConnections();
      await Promise.all([
        data.close(),
        new Promise((r) => admin.close(r)),
        ...[...pools.values()].map((p) => p.destroy()),
      ]);
    },
  };
}
