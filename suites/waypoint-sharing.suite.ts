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
  thresholds: {
    // Release gate: with dedicated waypoints the tenants are isolated and healthy. Medians, not
    // averages, for the tenants' likeness: a waypoint near its CPU quota has throttling tails that
    // make averages swing run to run. Within 2×, not 1.5×: locally each dedicated waypoint runs at ~92%
    // of its quota, and identical runs put the two medians up to 1.77× apart (14 runs: 1.01-1.77).
    'errors{variant:dedicated}': ['rate<0.01'],
    'latency{variant:dedicated,tenant:ns-2}': ['ratio(med, med{tenant:ns-1}) < 2'],
    // Reproduction checks: sharing must show the article's effect (the host tenant slows down, the
    // later tenant overflows the 1.24 connection limit). On istioBehaviour 'current' the second fails.
    'latency{variant:shared,tenant:ns-1}': ['avg / avg{variant:dedicated} > 1.5'],
    'errors{variant:shared,tenant:ns-2}': ['rate>0.05'],
  },
  platforms: {
    // 2 cores run the whole mesh: scale rate, connections, CPU and connection limits together.
    local: { scale: 0.1, duration: '40s', warmup: '10s' },
    kind: { istioVersion: '1.24.6', clusterName: 'meshbench' },
  },
});
