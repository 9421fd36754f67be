/**
 * The reference experiment's breaking point per variant: the highest offered load per tenant (both tenants
 * alike, ns-2 three seconds later) at which every tenant keeps p99 (from intended start) within 200 ms and
 * errors within 1%. Doubling or halving from the reference load, bisection to 5%, then a confirmation run.
 */
import { defineSuite } from 'meshbench';
import reference from './waypoint-sharing.suite.ts';

export default defineSuite({
  ...reference,
  name: 'waypoint-breaking-point',
  description: 'How much load dedicated and shared waypoints take before a tenant misses its SLO',
  published: undefined,
  slo: { p99: '200ms', errors: 0.01 },
  search: { resolution: 0.05, maxProbes: 12 },
  thresholds: {
    // Sharing one waypoint halves (at least) what each tenant can be offered.
    'capacity{variant:shared}': ['value / value{variant:dedicated} < 0.8'],
  },
  platforms: {
    ...reference.platforms,
    local: { ...reference.platforms?.local, duration: '20s', warmup: '5s' },
  },
});
