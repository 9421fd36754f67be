/**
 * Bookinfo for one namespace: productpage, details, reviews (v1/v2/v3 in rotation) and ratings as
 * HTTP servers on loopback, calling each other through the mesh client.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const json = (res: ServerResponse, value: unknown) =>
  send(res, 200, 'application/json', JSON.stringify(value));

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

  const handlers: Record<BookinfoService, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
    async productpage(req, res) {
      if (req.method !== 'GET' || !req.url?.startsWith('/productpage')) {
        if (req.url === '/health') return send(res, 200, 'text/plain', 'Bookinfo is healthy');
        return send(res, 404, 'text/plain', 'not found');
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
      if (!detailsOk || !reviewsOk)
        res.setHeader(
          'x-meshbench-degraded',
          [!detailsOk && 'details', !reviewsOk && 'reviews'].filter(Boolean).join(','),
        );
      send(res, 200, 'text/html; charset=utf-8', html);
    },
    async details(req, res) {
      const m = /^\/details\/(\d+)/.exec(req.url ?? '');
      if (!m) return send(res, 404, 'text/plain', 'not found');
      await waitServiceTime(serviceTimes.details);
      json(res, buildDetails(Number(m[1])));
    },
    async reviews(req, res) {
      const m = /^\/reviews\/(\d+)/.exec(req.url ?? '');
      if (!m) return send(res, 404, 'text/plain', 'not found');
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
      res.setHeader('x-meshbench-reviews-version', version);
      json(
        res,
        buildReviews({ id: Number(m[1]), version, podname: `reviews-${version}-${namespace}`, ratings }),
      );
    },
    async ratings(req, res) {
      const m = /^\/ratings\/(\d+)/.exec(req.url ?? '');
      if (!m) return send(res, 404, 'text/plain', 'not found');
      await waitServiceTime(serviceTimes.ratings);
      json(res, buildRatings(Number(m[1])));
    },
  };

  const servers: Server[] = [];
  const ports = {} as Record<BookinfoService, number>;
  for (const service of BOOKINFO_SERVICES) {
    const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
      req.resume();
      handlers[service](req, res).catch((e) => {
        if (!res.headersSent) send(res, 500, 'text/plain', String(e));
      });
    });
    server.headersTimeout = 60_000;
    servers.push(server);
    ports[service] = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
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
      for (const s of servers) s.closeAllConnections();
      await Promise.all([...servers.map((s) => new Promise((r) => s.close(r))), client.close()]);
    },
  };
}
