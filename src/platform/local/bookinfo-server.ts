/**
 * Bookinfo for one namespace: productpage, details, reviews (v1/v2/v3 in rotation) and ratings as
 * HTTP servers on loopback, calling each other through the mesh client.
 */
import type { AddressInfo } from 'node:net';
import { BOOKINFO_SERVICES, type BookinfoService } from '../../topology/model.ts';
import {
  buildDetails,
  buildProductPage,
  buildRatings,
  buildReviews,
  REVIEW_VERSIONS,
} from './bookinfo-pages.ts';
import { MeshClient, type Route } from './mesh-client.ts';
import type { ServiceTimeMs } from './model-constants.ts';
import { createRawHttpServer, type RawIncoming, type RawOutgoing, type RawServer } from './raw-server.ts';
import { waitServiceTime } from './service-time.ts';

/** Bookinfo's service-to-service calls: who calls whom, as which service account. */
const CALL_EDGES = [
  { caller: 'bookinfo-productpage', service: 'details', path: '/details/0' },
  { caller: 'bookinfo-productpage', service: 'reviews', path: '/reviews/0' },
  { caller: 'bookinfo-reviews', service: 'ratings', path: '/ratings/0' },
];

export interface RunningBookinfo {
  namespace: string;
  ports: Record<BookinfoService, number>;
  client: MeshClient;
  /** Takes new routes and opens the app pools along them; resolves once they are open. */
  setRoutes(routes: Record<string, Route>): Promise<void>;
  close(): Promise<void>;
}

/** A response with a body; the raw server adds content-length. */
function send(status: number, type: string, body: string, extra: string[] = []): RawOutgoing {
  return { status, headers: ['content-type', type, ...extra], body };
}

const json = (value: unknown, extra: string[] = []) =>
  send(200, 'application/json', JSON.stringify(value), extra);

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

export interface BookinfoConfig {
  namespace: string;
  /** Modelled service time of each service (a timer wait per request); absent = none. */
  serviceTimes?: Partial<Record<BookinfoService, ServiceTimeMs>>;
}

export async function startBookinfo(input: BookinfoConfig): Promise<RunningBookinfo> {
  const { namespace } = input;
  const serviceTimes = input.serviceTimes ?? {};
  const client = new MeshClient(namespace);
  let reviewsTurn = 0;

  // Raw HTTP/1.1 servers (as the waypoint uses): Bookinfo's own CPU per request is host load that every
  // other component competes with, so it is kept small; its modelled time is the service-time wait.
  const handlers: Record<BookinfoService, (req: RawIncoming) => Promise<RawOutgoing>> = {
    async productpage(req) {
      if (req.method !== 'GET' || !req.path.startsWith('/productpage')) {
        if (req.path === '/health') return send(200, 'text/plain', 'Bookinfo is healthy');
        return send(404, 'text/plain', 'not found');
      }
      const sa = 'bookinfo-productpage';
      await waitServiceTime(serviceTimes.productpage);
      // Sequential like the real productpage: details, then reviews (retried once on failure).
      const details = await client.call({ service: 'details', path: '/details/0', sa }).catch(() => null);
      let reviews = await client.call({ service: 'reviews', path: '/reviews/0', sa }).catch(() => null);
      if (reviews?.statusCode !== 200)
        reviews = await client.call({ service: 'reviews', path: '/reviews/0', sa }).catch(() => null);
      const detailsOk = details?.statusCode === 200;
      const reviewsOk = reviews?.statusCode === 200;
      const html = buildProductPage({
        details: details && detailsOk ? (parseBody(details.body) as Record<string, unknown>) : null,
        reviews: reviews && reviewsOk ? (parseBody(reviews.body) as { podname?: string }) : null,
      });
      // The real productpage answers 200 with an error box; the header makes it visible to tests.
      const degraded =
        !detailsOk || !reviewsOk
          ? [
              'x-meshbench-degraded',
              [!detailsOk && 'details', !reviewsOk && 'reviews'].filter(Boolean).join(','),
            ]
          : [];
      return send(200, 'text/html; charset=utf-8', html, degraded);
    },
    async details(req) {
      const m = /^\/details\/(\d+)/.exec(req.path);
      if (!m) return send(404, 'text/plain', 'not found');
      await waitServiceTime(serviceTimes.details);
      return json(buildDetails(Number(m[1])));
    },
    async reviews(req) {
      const m = /^\/reviews\/(\d+)/.exec(req.path);
      if (!m) return send(404, 'text/plain', 'not found');
      await waitServiceTime(serviceTimes.reviews);
      // The reviews Service load-balances across its three Deployments: rotate versions.
      const version = REVIEW_VERSIONS[reviewsTurn++ % REVIEW_VERSIONS.length];
      let ratings: Record<string, number> | null = null;
      if (version !== 'v1') {
        const r = await client
          .call({ service: 'ratings', path: `/ratings/${m[1]}`, sa: 'bookinfo-reviews' })
          .catch(() => null);
        if (r?.statusCode === 200)
          ratings = (parseBody(r.body) as { ratings?: Record<string, number> })?.ratings ?? null;
      }
      return json(
        buildReviews({ id: Number(m[1]), version, podname: `reviews-${version}-${namespace}`, ratings }),
        ['x-meshbench-reviews-version', version],
      );
    },
    async ratings(req) {
      const m = /^\/ratings\/(\d+)/.exec(req.path);
      if (!m) return send(404, 'text/plain', 'not found');
      await waitServiceTime(serviceTimes.ratings);
      return json(buildRatings(Number(m[1])));
    },
  };

  const servers: RawServer[] = [];
  const ports = {} as Record<BookinfoService, number>;
  for (const service of BOOKINFO_SERVICES) {
    const raw = createRawHttpServer(handlers[service]);
    servers.push(raw);
    ports[service] = await new Promise<number>((resolve, reject) => {
      raw.server.once('error', reject);
      raw.server.listen(0, '127.0.0.1', () => resolve((raw.server.address() as AddressInfo).port));
    });
  }
  return {
    namespace,
    ports,
    client,
    async setRoutes(routes) {
      client.setRoutes(routes);
      await client.prewarm(CALL_EDGES);
    },
    async close() {
      await Promise.all([...servers.map((s) => s.close()), client.close()]);
    },
  };
}
