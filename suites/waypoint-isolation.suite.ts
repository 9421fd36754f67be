/**
 * The reference experiment with the second tenant starting 15 s after the first, past the first one's
 * warm-up, so its effect on the first can be read off: the isolation score (the first tenant's p99 in the
 * 10 s after the second starts ÷ the 10 s before). The reference itself starts ns-2 after 3 s, inside the
 * 10 s local warm-up, where there is no clean "before".
 */
import { defineSuite } from 'meshbench';
import reference from './waypoint-sharing.suite.ts';

export default defineSuite({
  ...reference,
  name: 'waypoint-isolation',
  description:
    'How much ns-2 starting hurts ns-1, with dedicated and with shared waypoints (isolation score)',
  tenants: reference.tenants.map((t, i) => ({ ...t, startOffset: i === 0 ? '0s' : '15s' })),
  published: undefined,
  thresholds: {
    // Dedicated waypoints isolate the tenants: ns-1's p99 barely moves when ns-2 starts.
    'isolation{variant:dedicated}': ['hi < 1.3'],
    // Sharing one waypoint does not: ns-1's p99 after ns-2 starts is well above before.
    'isolation{variant:shared}': ['lo > 1.3'],
  },
  platforms: {
    ...reference.platforms,
    local: { ...reference.platforms?.local, duration: '40s', warmup: '5s' },
  },
});
