import { describe, expect, it } from 'vitest';
import {
  buildRoutes,
  buildWaypointConfig,
  waypointFingerprint,
} from '../../../../src/platform/local/routes.ts';
import type { Variant } from '../../../../src/suite/schema.ts';
import { twoTenantTopology } from '../../../helpers/topology.ts';

const topo = (variant: Variant) => twoTenantTopology(variant);
const servicePorts = { productpage: 1001, details: 1002, reviews: 1003, ratings: 1004 };

describe('buildRoutes', () => {
  it('dedicated: each namespace to its own waypoint', () => {
    const t = topo({ name: 'dedicated', waypoints: 'dedicated' });
    const ports = { 'ns-1/waypoint': 2001, 'ns-2/waypoint': 2002 };
    expect(
      buildRoutes({ topology: t, namespace: 'ns-2', servicePorts, waypointPorts: ports }).details,
    ).toEqual({
      port: 2002,
      via: 'waypoint',
      waypoint: 'ns-2/waypoint',
    });
  });
  it("shared: both namespaces to ns-1's waypoint", () => {
    const t = topo({ name: 'shared', waypoints: 'shared', host: 'ns-1' });
    const r = buildRoutes({
      topology: t,
      namespace: 'ns-2',
      servicePorts,
      waypointPorts: { 'ns-1/waypoint': 2001 },
    });
    expect(Object.values(r).every((x) => x.port === 2001)).toBe(true);
  });
  it('per-service and none: opted-out services are called directly', () => {
    const t = topo({
      name: 'ps',
      waypoints: 'per-service',
      services: { productpage: 'waypoint', ratings: 'none' },
    });
    const r = buildRoutes({
      topology: t,
      namespace: 'ns-1',
      servicePorts,
      waypointPorts: { 'ns-1/productpage-waypoint': 3001, 'ns-1/waypoint': 3002 },
    });
    expect(r.productpage.port).toBe(3001);
    expect(r.details.port).toBe(3002);
    expect(r.ratings).toEqual({ port: 1004, via: 'direct' });
    const none = buildRoutes({
      topology: topo({ name: 'none', waypoints: 'none' }),
      namespace: 'ns-1',
      servicePorts,
      waypointPorts: {},
    });
    expect(Object.values(none).map((x) => x.via)).toEqual(['direct', 'direct', 'direct', 'direct']);
  });
});

describe('buildWaypointConfig', () => {
  it('carries the envelope, admission and the policies of the namespaces it admits', () => {
    const t = topo({ name: 'shared', waypoints: 'shared', host: 'ns-1' });
    const c = buildWaypointConfig({
      spec: t.waypoints[0],
      topology: t,
      services: { 'ns-1/productpage': 1 },
      emulateQuota: false,
    });
    expect(c.admits).toEqual(['ns-1', 'ns-2']);
    expect(c.limits).toEqual({ maxConnections: 102, maxPendingRequests: 102, maxRequests: 102 });
    expect(c.policies.map((p) => p.namespace)).toEqual(['ns-1', 'ns-2']);
    const d = topo({ name: 'dedicated', waypoints: 'dedicated' });
    const c2 = buildWaypointConfig({ spec: d.waypoints[1], topology: d, services: {}, emulateQuota: false });
    expect(c2.policies.map((p) => p.namespace)).toEqual(['ns-2']);
    expect(waypointFingerprint(c)).not.toBe(waypointFingerprint(c2));
  });
});
