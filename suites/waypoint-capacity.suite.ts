/**
 * The reference experiment swept over offered load: both tenants at 0.25× to 2× the article's 6500 req/s
 * (connections in proportion), every step a full run of each variant with its warm-up. Where the shared
 * waypoint's curve leaves the dedicated one's is the load up to which two tenants can share one waypoint.
 */
import { defineSuite } from 'meshbench';
import reference from './waypoint-sharing.suite.ts';

export default defineSuite({
  ...reference,
  name: 'waypoint-capacity',
  description: 'Dedicated vs shared waypoint from 0.25× to 2× the reference load: where sharing breaks',
  published: undefined,
  sweep: { factors: [0.25, 0.5, 0.75, 1, 1.5, 2] },
  slo: { p99: '200ms', errors: 0.01 },
  // Judged at the step nearest the suite's load (1×): the article's finding.
  thresholds: {
    'errors{variant:dedicated}': ['rate<0.005'],
    'latency{variant:dedicated}': ['p(99)<200'],
    'errors{variant:shared,tenant:ns-2}': ['rate>0.2'],
  },
  platforms: {
    ...reference.platforms,
    // Short steps: 12 runs fit in about 5 minutes; a step's first 5 s are its warm-up.
    local: { ...reference.platforms?.local, duration: '20s', warmup: '5s' },
  },
});
