import { describe, expect, it } from 'vitest';
import {
  buildRoutes,
  buildWaypointConfig,
  heapPerProcessMi,
  waypointFingerprint,
  waypointWorkers,
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
      hostCores: 2,
    });
    expect(c.admits).toEqual(['ns-1', 'ns-2']);
    expect(c.limits).toEqual({ maxConnections: 102, maxPendingRequests: 102, maxRequests: 102 });
    expect(c.policies.map((p) => p.namespace)).toEqual(['ns-1', 'ns-2']);
    const d = topo({ name: 'dedicated', waypoints: 'dedicated' });
    const c2 = buildWaypointConfig({
      spec: d.waypoints[1],
      topology: d,
      services: {},
      emulateQuota: false,
      hostCores: 2,
    });
    expect(c2.policies.map((p) => p.namespace)).toEqual(['ns-2']);
    expect(waypointFingerprint(c)).not.toBe(waypointFingerprint(c2));
  });
});

describe('the stand-in as Envoy sizes itself', () => {
  it('runs ceil(cpuLimit) workers, as Istio derives them from the limit, at most the host cores', () => {
    expect(waypointWorkers(0.2, 2)).toBe(1); // the reference at scale 0.1: one worker
    expect(waypointWorkers(1, 2)).toBe(1);
    expect(waypointWorkers(1.01, 2)).toBe(2);
    expect(waypointWorkers(2, 2)).toBe(2); // the article's 2-core waypoint at scale 1
    expect(waypointWorkers(2.5, 16)).toBe(3);
    expect(waypointWorkers(8, 2)).toBe(2);
  });

  it('splits the memory limit over its processes (a primary beside several workers)', () => {
    expect(heapPerProcessMi('1Gi', 1)).toBe(1024);
    expect(heapPerProcessMi('1Gi', 2)).toBe(341);
    expect(heapPerProcessMi('512Mi', 3)).toBe(128);
  });
});
