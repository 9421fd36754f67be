/**
 * The reference experiment: Bookinfo in ns-1 and ns-2, each driven at 6500 requests/s over 650
 * connections (ns-2 three seconds later), through waypoints enforcing GET-only from the tenant
 * namespaces. Dedicated: one waypoint per namespace. Shared: both use ns-1's, whose 2-core CPU limit
 * and (Istio 1.24) 1024-connection internal cluster become the bottleneck.
 */
import { defineSuite } from 'meshbench';

export default defineSuite({
  name: 'waypoint-sharing',
  description: 'Dedicated vs shared Istio ambient waypoint for two Bookinfo tenants under 6500 rps each',
  tenants: [
    { name: 'ns-1', service: 'productpage', path: '/productpage', startOffset: '0s' },
    { name: 'ns-2', service: 'productpage', path: '/productpage', startOffset: '3s' },
  ],
  load: {
    model: 'open',
    rate: 6500,
    connections: 650,
    duration: '60s',
    warmup: '5s',
    timeout: '5s',
    behindSchedule: 'catch-up',
  },
  topology: {
    variants: [
      { name: 'dedicated', waypoints: 'dedicated' },
      { name: 'shared', waypoints: 'shared', host: 'ns-1' },
    ],
    waypoint: {
      cpuLimit: 2,
      memoryLimit: '1Gi',
      maxConnections: 1024,
      maxPendingRequests: 1024,
      maxRequests: 1024,
      istioBehaviour: '1.24',
    },
  },
  policy: { methods: ['GET'], sourceNamespaces: ['ns-1', 'ns-2'] },
  repeats: 1,
  // The article's figures (Fortio: latency from each request's actual start), for the report's
  // "against the article" table.
  published: {
    source:
      'Istio ambient waypoint study, kind + Istio 1.24, Fortio -qps 6500 -c 650 (latency from the actual start)',
    figures: [
      {
        label: 'dedicated ns-1 average',
        metric: 'latency_actual.avg',
        variant: 'dedicated',
        tenant: 'ns-1',
        value: 30.8,
      },
      {
        label: 'dedicated ns-2 average',
        metric: 'latency_actual.avg',
        variant: 'dedicated',
        tenant: 'ns-2',
        value: 30.4,
      },
      {
        label: 'shared ns-1 average',
        metric: 'latency_actual.avg',
        variant: 'shared',
        tenant: 'ns-1',
        value: 59,
      },
      { label: 'shared ns-2 errors', metric: 'errors.rate', variant: 'shared', tenant: 'ns-2', value: 0.32 },
    ],
  },
  thresholds: {
    // Release gate: with dedicated waypoints the tenants are isolated and healthy. The local model runs
    // each dedicated waypoint at 0.64 of its modelled limit, so these hold tight run after run.
    'errors{variant:dedicated}': ['rate<0.005'],
    'latency{variant:dedicated,tenant:ns-2}': ['ratio(med, med{tenant:ns-1}) < 1.25'],
    // Healthy in absolute terms, from the intended start: the modelled service path alone (productpage
    // 14 + details 3 + reviews 6 + ⅔ × ratings 3 ms, lognormal cv 0.5) has a p99 of ≈ 50 ms; 2× that
    // leaves room for the waypoint hops and host noise, and fails any control run behind its schedule.
    'latency{variant:dedicated}': ['p(99)<100'],
    'unsent{variant:dedicated}': ['count==0'],
    // Reproduction checks against the article (Fortio: actual start): sharing slows the host tenant
    // 1.92× (59 / 30.8 ms) and the later tenant overflows the 1.24 internal cluster (32% errors).
    // On istioBehaviour 'current' the last one fails, as it should.
    'latency_actual{variant:shared,tenant:ns-1}': [
      'avg / avg{variant:dedicated} > 1.5',
      'avg / avg{variant:dedicated} < 3',
    ],
    'errors{variant:shared,tenant:ns-2}': ['rate>0.2', 'rate<0.45'],
  },
  platforms: {
    // One core runs the whole mesh: rate, connections and connection limits scaled by 0.05 (the mesh
    // then uses ~0.6 of a core, so other work on a second core does not change the result), and each
    // waypoint's 2-core limit modelled as 0.1 cores charged Envoy's CPU per request (the default
    // cpu: 'modelled'), so the result's shape is the same on every host.
    //
    // utilization 0.64: the article's shared waypoint hit its CPU limit serving the first tenant and
    // 68% of the second, so one tenant alone needs ≈ 1 / 1.68 ≈ 0.6 of it (the schema's default).
    // This model passes 61% of the second tenant (its exact connection arithmetic) and charges the
    // rejected 39% too, so the same state — the shared waypoint just past its limit, settling there —
    // needs 0.64 (shared demand ≈ 1.1× the limit before the relief of batching; README: the local model).
    local: { scale: 0.05, duration: '40s', warmup: '10s', utilization: 0.64 },
    kind: { istioVersion: '1.24.6', clusterName: 'meshbench' },
  },
});
