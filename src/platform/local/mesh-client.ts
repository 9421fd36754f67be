/**
 * The client side of the mesh (what ztunnel does) inside a Bookinfo process: each call goes to the
 * waypoint serving the destination, or straight to the service, carrying the caller's identity.
 */
import { DESTINATION_HEADER, SOURCE_NAMESPACE_HEADER, SOURCE_SA_HEADER, serviceHost } from './destination.ts';
import { RawPool, type RawResponse } from './raw-pool.ts';

/** Where calls to one service go: a waypoint or the service itself. */
export interface Route {
  port: number;
  via: 'waypoint' | 'direct';
  /** `ns/name` of the waypoint, for humans. */
  waypoint?: string;
}

/**
 * Keep-alive connections each calling service may open per destination service (its own client pool,
 * as separate pods would). Enough that the modelled service times never queue a call behind the pool
 * (about 7 calls in flight per edge at 650 req/s); the waypoint charges its internal-cluster slots to
 * the load's connections only (see waypoint-server.ts), so these do not count against that limit.
 */
export const APP_POOL_CONNECTIONS = 32;
/** Connections per edge opened before the load starts, as a running app already holds some. */
const PREWARM_CONNECTIONS = 4;
const CALL_TIMEOUT_MS = 10_000;

export class MeshClient {
  private routes: Record<string, Route> = {};
  /** Pools keyed by `caller|service|port`. */
  private readonly pools = new Map<string, RawPool>();

  constructor(readonly namespace: string) {}

  setRoutes(routes: Record<string, Route>): void {
    this.routes = routes;
    // Close pools to addresses no route uses any more (e.g. a waypoint that was stopped).
    const used = new Set(Object.entries(routes).map(([svc, r]) => `${svc}|${r.port}`));
    for (const [key, pool] of this.pools) {
      if (!used.has(key.slice(key.indexOf('|') + 1))) {
        this.pools.delete(key);
        void pool.destroy().catch(() => {});
      }
    }
  }

  /**
   * Opens every caller's pool to its destinations with one real call per connection, as a
   * long-running app already holds its connections (through ztunnel) before load arrives.
   */
  async prewarm(edges: ReadonlyArray<{ caller: string; service: string; path: string }>): Promise<void> {
    await Promise.all(
      edges.flatMap((e) =>
        Array.from({ length: PREWARM_CONNECTIONS }, () =>
          this.call({ service: e.service, path: e.path, sa: e.caller }).catch(() => null),
        ),
      ),
    );
  }

  private pool(caller: string, service: string, port: number): RawPool {
    const key = `${caller}|${service}|${port}`;
    let p = this.pools.get(key);
    if (!p) {
      p = new RawPool(port, APP_POOL_CONNECTIONS);
      this.pools.set(key, p);
    }
    return p;
  }

  /** GET `path` on `service` in this namespace as service account `sa`. */
  call(input: { service: string; path: string; sa: string }): Promise<RawResponse> {
    const route = this.routes[input.service];
    if (!route) return Promise.reject(new Error(`no route to ${input.service}.${this.namespace}`));
    return this.pool(input.sa, input.service, route.port).request({
      path: input.path,
      method: 'GET',
      headers: [
        DESTINATION_HEADER,
        serviceHost({ service: input.service, namespace: this.namespace }),
        SOURCE_NAMESPACE_HEADER,
        this.namespace,
        SOURCE_SA_HEADER,
        input.sa,
      ],
      timeoutMs: CALL_TIMEOUT_MS,
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => {})));
    this.pools.clear();
  }
}
