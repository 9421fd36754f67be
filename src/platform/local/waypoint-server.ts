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
import type { BreakerLimits } from './breaker.ts';
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
import { ProcessLimits, type SharedLimits } from './shared-limits.ts';
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
  /**
   * Envoy's worker threads: ceil of the waypoint's CPU limit (× scale), as Istio derives them. More
   * than one runs as that many worker processes behind one port, sharing this process's limits.
   */
  workers: number;
  /** The stand-in's V8 heap cap in MiB, per process (the envelope's memoryLimit over its processes). */
  heapMi?: number;
  /** Fixed ports (0 = any free port). */
  port?: number;
  adminPort?: number;
}

export interface RunningWaypoint {
  port: number;
  adminPort: number;
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

export function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const WARMUP_DEST = { namespace: 'meshbench-warmup', service: 'echo' };

/** Starts the private echo server the warm-up requests go to. */
async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const body = 'w'.repeat(2048);
  const echo = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
    res.end(body);
  });
  const port = await listen(echo, 0);
  return {
    port,
    async close() {
      echo.closeAllConnections();
      await new Promise((r) => echo.close(r));
    },
  };
}

/** Drives `count` requests through the proxy at `port` to the warm-up destination. */
async function driveWarmup(port: number, count: number): Promise<void> {
  const client = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  try {
    const one = async () => {
      const r = await client.request({
        path: '/warmup',
        method: 'GET',
        headers: { [DESTINATION_HEADER]: `${WARMUP_DEST.service}.${WARMUP_DEST.namespace}` },
      });
      await r.body.dump();
    };
    for (let done = 0; done < count; done += 8) await Promise.all(Array.from({ length: 8 }, one));
  } finally {
    await client.destroy();
  }
}

/** One worker's data path: the proxy handler with its own stats, over limits it may share with others. */
export interface WaypointCore {
  stats: WaypointStats;
  server: Server;
  readonly connections: number;
  /** Admits the warm-up destination (an echo server on `echoPort`). */
  beginWarmup(echoPort: number): void;
  /** Forgets the warm-up: no echo route, its pool closed, fresh counters. */
  endWarmup(): Promise<void>;
  /** From now on, every request first passes this per-process CPU quota (no cgroup available). */
  setQuota(quota: EmulatedQuota): void;
  close(): Promise<void>;
}

export function createWaypointCore(config: WaypointConfig, limits: SharedLimits): WaypointCore {
  const stats = new WaypointStats();
  let quota: EmulatedQuota | null = null;
  const pools = new Map<string, RawPool>();
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

  const hopMs = config.modelledCpu?.hopMs ?? 0;
  const handle = async (req: RawIncoming): Promise<RawOutgoing> => {
    quota?.check();
    const conn = req.connection.data as { internalSlot?: boolean };
    // Istio 1.24: the load's downstream connection needs an internal upstream connection first.
    const internal =
      config.istioBehaviour === '1.24' &&
      !conn.internalSlot &&
      req.headers.get(SOURCE_SA_HEADER) === LOADGEN_SA;
    const dest = parseDestination(req.headers.get(DESTINATION_HEADER) ?? req.headers.get('host'));
    const port = dest ? services[serviceKey(dest)] : undefined;
    const routed = dest !== null && port !== undefined && admits.has(dest.namespace);
    const allowed =
      routed &&
      evaluateAuthz(config.policies, {
        namespace: dest.namespace,
        service: dest.service,
        method: req.method,
        sourceNamespace: req.headers.get(SOURCE_NAMESPACE_HEADER),
      }).allowed;
    const clusterName = allowed ? outboundClusterName(dest) : undefined;
    // Envoy spends its CPU on every request it handles, local replies included, before deciding.
    const entering = limits.enter({ costMs: hopMs, internal, cluster: clusterName });
    const entered = 'then' in entering ? await entering : entering;
    if (internal) {
      if (!entered.internal) {
        stats.cluster(INTERNAL_CLUSTER).upstream_cx_overflow++;
        stats.countStatus(503);
        return overflow();
      }
      conn.internalSlot = true;
      req.connection.socket.once('close', () => limits.releaseInternal());
    }
    if (!routed || port === undefined) {
      // Not admitted (allowedRoutes) or unknown: Envoy has no route for it.
      stats.http.no_route++;
      stats.countStatus(404);
      return local(
        404,
        `no route: ${dest ? serviceKey(dest) : 'missing destination'} is not served by this waypoint`,
        'NR',
      );
    }
    if (!allowed || clusterName === undefined || !entered.breaker) {
      stats.http.rbac_denied++;
      stats.countStatus(403);
      return local(403, 'RBAC: access denied');
    }
    stats.http.rbac_allowed++;
    const cluster = stats.cluster(clusterName);
    const breaker = entered.breaker;
    if (breaker.cxOverflow) cluster.upstream_cx_overflow++;
    if (!breaker.admit) {
      cluster[breaker.counter]++;
      stats.countStatus(503);
      return overflow();
    }
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
      limits.finish(clusterName);
    }
  };

  const data = createRawHttpServer(handle);
  data.onConnection(() => {
    stats.http.downstream_cx_total++;
  });
  return {
    stats,
    server: data.server,
    get connections() {
      return data.connections;
    },
    beginWarmup(echoPort) {
      admits.add(WARMUP_DEST.namespace);
      services[serviceKey(WARMUP_DEST)] = echoPort;
    },
    async endWarmup() {
      admits.delete(WARMUP_DEST.namespace);
      delete services[serviceKey(WARMUP_DEST)];
      const key = outboundClusterName(WARMUP_DEST);
      await pools.get(key)?.destroy();
      pools.delete(key);
      stats.reset();
      stats.cluster(INTERNAL_CLUSTER);
    },
    setQuota(q) {
      quota = q;
    },
    async close() {
      await Promise.all([data.close(), ...[...pools.values()].map((p) => p.destroy())]);
    },
  };
}

/** The admin endpoint: Envoy-named stats (`/stats/prometheus`) and readiness. */
export function createAdminServer(
  statsText: () => Promise<string> | string,
): ReturnType<typeof createServer> {
  return createServer((req, res) => {
    if (req.url === '/stats/prometheus') {
      Promise.resolve()
        .then(statsText)
        .then(
          (text) => {
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
            res.end(text);
          },
          (e) => reply(res, 500, `stats unavailable: ${(e as Error).message}`),
        );
      return;
    }
    if (req.url === '/healthz/ready') return reply(res, 200, 'ready');
    reply(res, 404, 'not found');
  });
}

/** Gauges of one worker's core and its emulated quota. */
export function coreGauges(core: WaypointCore, quota: EmulatedQuota | null): Record<string, number> {
  const g: Record<string, number> = { envoy_http_downstream_cx_active: core.connections };
  if (quota) {
    g.meshbench_emulated_cpu_nr_periods = quota.stats.periods;
    g.meshbench_emulated_cpu_nr_throttled = quota.stats.throttledPeriods;
    g.meshbench_emulated_cpu_throttled_seconds = quota.stats.throttledSeconds;
  }
  return g;
}

/** Warms the JIT through the proxy at `port` (outside the quota), then tells every core to forget it. */
export async function warmUpThrough(input: {
  port: number;
  count: number;
  begin(echoPort: number): Promise<void> | void;
  end(): Promise<void>;
}): Promise<void> {
  const echo = await startEcho();
  try {
    await input.begin(echo.port);
    await driveWarmup(input.port, input.count);
  } finally {
    await input.end();
    await echo.close();
  }
}

/** One waypoint in this process (one worker): what the platform starts when ceil(cpuLimit) is 1. */
export async function startWaypointServer(config: WaypointConfig): Promise<RunningWaypoint> {
  const limits = new ProcessLimits(config);
  const core = createWaypointCore(config, limits);
  let quota: EmulatedQuota | null = null;
  const admin = createAdminServer(() => {
    Object.assign(core.stats.gauges, coreGauges(core, quota), limits.gauges());
    return formatWaypointStats(core.stats);
  });
  const port = await listen(core.server, config.port ?? 0);
  const adminPort = await listen(admin, config.adminPort ?? 0);
  if (config.warmupRequests)
    await warmUpThrough({
      port,
      count: config.warmupRequests,
      begin: (echoPort) => core.beginWarmup(echoPort),
      end: () => core.endWarmup(),
    });
  limits.start();
  if (config.emulateQuota) {
    quota = new EmulatedQuota(config.cpuLimit);
    core.setQuota(quota);
  }
  return {
    port,
    adminPort,
    async close() {
      limits.close();
      admin.closeAllConnections();
      await Promise.all([core.close(), new Promise((r) => admin.close(r))]);
    },
  };
}
