import { describe, expect, it } from 'vitest';
import { evaluateAuthz } from '../../../../src/platform/local/authz.ts';
import { decideBreaker, InternalClusterSlots } from '../../../../src/platform/local/breaker.ts';
import {
  outboundClusterName,
  parseDestination,
  serviceHost,
} from '../../../../src/platform/local/destination.ts';
import type { PolicySpec } from '../../../../src/topology/model.ts';

const policy: PolicySpec = {
  name: 'productpage-authz',
  namespace: 'ns-1',
  service: 'productpage',
  methods: ['GET'],
  sourceNamespaces: ['ns-1', 'ns-2'],
};

describe('evaluateAuthz (Istio ALLOW at a waypoint)', () => {
  const req = { namespace: 'ns-1', service: 'productpage', method: 'GET', sourceNamespace: 'ns-1' };
  it('allows a GET from an allowed namespace', () => {
    expect(evaluateAuthz([policy], req).allowed).toBe(true);
  });
  it('denies another method or namespace, and a caller without identity', () => {
    expect(evaluateAuthz([policy], { ...req, method: 'POST' }).allowed).toBe(false);
    expect(evaluateAuthz([policy], { ...req, sourceNamespace: 'ns-3' }).allowed).toBe(false);
    expect(evaluateAuthz([policy], { ...req, sourceNamespace: undefined }).allowed).toBe(false);
  });
  it('allows everything to a service with no policy attached', () => {
    expect(
      evaluateAuthz([policy], { ...req, service: 'details', method: 'DELETE', sourceNamespace: 'x' }).allowed,
    ).toBe(true);
    expect(evaluateAuthz([policy], { ...req, namespace: 'ns-2' }).allowed).toBe(true);
  });
});

describe('decideBreaker (Envoy HTTP/1 circuit breakers)', () => {
  const limits = { maxConnections: 2, maxPendingRequests: 1, maxRequests: 10 };
  it('admits while connections are free, then pends (counting cx_overflow), then overflows pending', () => {
    expect(decideBreaker({ inflight: 1 }, limits)).toEqual({ admit: true, cxOverflow: false });
    expect(decideBreaker({ inflight: 2 }, limits)).toEqual({ admit: true, cxOverflow: true });
    expect(decideBreaker({ inflight: 3 }, limits)).toEqual({
      admit: false,
      counter: 'upstream_rq_pending_overflow',
      cxOverflow: true,
    });
  });
  it('enforces max_requests on its own', () => {
    expect(
      decideBreaker({ inflight: 3 }, { maxConnections: 100, maxPendingRequests: 100, maxRequests: 3 }).admit,
    ).toBe(false);
  });
});

describe('InternalClusterSlots (Istio 1.24 main_internal)', () => {
  it('holds one slot per downstream connection up to the limit', () => {
    const slots = new InternalClusterSlots(2);
    expect([slots.tryAcquire(), slots.tryAcquire(), slots.tryAcquire()]).toEqual([true, true, false]);
    slots.release();
    expect(slots.active).toBe(1);
    expect(slots.tryAcquire()).toBe(true);
  });
});

describe('destinations', () => {
  it('parses cluster-local names with or without a port', () => {
    expect(parseDestination('productpage.ns-1.svc.cluster.local:9080')).toEqual({
      service: 'productpage',
      namespace: 'ns-1',
    });
    expect(parseDestination('details.ns-2')).toEqual({ service: 'details', namespace: 'ns-2' });
    expect(parseDestination('127.0.0.1:8080')).toBeNull();
    expect(parseDestination('localhost')).toBeNull();
    expect(parseDestination(undefined)).toBeNull();
  });
  it('names hosts and Envoy clusters', () => {
    const d = { service: 'reviews', namespace: 'ns-1' };
    expect(serviceHost(d)).toBe('reviews.ns-1.svc.cluster.local');
    expect(outboundClusterName(d)).toBe('outbound|9080||reviews.ns-1.svc.cluster.local');
  });
});
