import { describe, expect, it } from 'vitest';
import { expandSuite } from '../../../src/suite/expand.ts';
import { validateSuite } from '../../../src/suite/validate.ts';
import { waypointFor } from '../../../src/topology/model.ts';
import suite from '../../../suites/waypoint-sharing.suite.ts';

function valid() {
  const r = validateSuite(suite, 'ref');
  if (!r.ok) throw r.error;
  return r.value;
}

describe('expandSuite', () => {
  it('keeps the article figures on kind', () => {
    const plan = expandSuite(valid(), { platform: 'kind', source: 'ref' });
    expect(plan.scale).toBe(1);
    expect(plan.load).toMatchObject({ rate: 6500, connections: 650, durationMs: 60_000 });
    expect(plan.tenants.map((t) => t.startOffsetMs)).toEqual([0, 3000]);
    expect(plan.waypoint).toMatchObject({ cpuLimit: 2, maxConnections: 1024 });
    expect(plan.kube?.istioVersion).toBe('1.24.6');
  });

  it('scales rate, connections, CPU and connection limits together on local', () => {
    const plan = expandSuite(valid(), { platform: 'local', source: 'ref', scale: 0.5 });
    expect(plan.load).toMatchObject({ rate: 3250, connections: 325 });
    expect(plan.waypoint).toMatchObject({
      cpuLimit: 1,
      maxConnections: 512,
      maxPendingRequests: 512,
      maxRequests: 512,
    });
  });

  it('builds dedicated and shared topologies', () => {
    const plan = expandSuite(valid(), { platform: 'kind', source: 'ref' });
    const [dedicated, shared] = plan.variants;
    expect(dedicated.topology.waypoints.map((w) => `${w.namespace}/${w.name}`)).toEqual([
      'ns-1/waypoint',
      'ns-2/waypoint',
    ]);
    expect(waypointFor(dedicated.topology, 'ns-2', 'productpage')).toEqual({
      namespace: 'ns-2',
      name: 'waypoint',
    });
    expect(shared.topology.waypoints).toHaveLength(1);
    expect(shared.topology.waypoints[0].admits).toEqual(['ns-1', 'ns-2']);
    expect(waypointFor(shared.topology, 'ns-2', 'reviews')).toEqual({ namespace: 'ns-1', name: 'waypoint' });
    expect(shared.topology.policies.map((p) => p.namespace)).toEqual(['ns-1', 'ns-2']);
    expect(shared.topology.policies[0]).toMatchObject({
      service: 'productpage',
      methods: ['GET'],
      sourceNamespaces: ['ns-1', 'ns-2'],
    });
  });

  it('repeats variants and filters them', () => {
    const plan = expandSuite(valid(), { platform: 'local', source: 'ref', repeats: 2, variants: ['shared'] });
    expect(plan.variants.map((v) => `${v.name}#${v.repeat}`)).toEqual(['shared#1', 'shared#2']);
  });

  it('builds per-service and none topologies', () => {
    const v = valid();
    v.suite.topology.variants = [
      { name: 'ps', waypoints: 'per-service', services: { reviews: 'waypoint', ratings: 'none' } },
      { name: 'l4', waypoints: 'none' },
    ];
    const plan = expandSuite(v, { platform: 'kind', source: 'ref' });
    const ps = plan.variants[0].topology;
    expect(waypointFor(ps, 'ns-1', 'reviews')).toEqual({ namespace: 'ns-1', name: 'reviews-waypoint' });
    expect(waypointFor(ps, 'ns-1', 'ratings')).toBeNull();
    expect(waypointFor(ps, 'ns-1', 'productpage')).toEqual({ namespace: 'ns-1', name: 'waypoint' });
    expect(plan.variants[1].topology.waypoints).toEqual([]);
  });
});
