import { describe, expect, it } from 'vitest';
import { MeshbenchError } from '../../../src/errors.ts';
import { AGENT_RATE_CEILING } from '../../../src/suite/agent-ceiling.ts';
import { expandSuite } from '../../../src/suite/expand.ts';
import { loadAtFactor, planEnvelope } from '../../../src/suite/plan.ts';
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
    expect(planEnvelope(plan)).toMatchObject({
      cpuLimit: 2,
      maxConnections: 1024,
      cpuRequest: '100m',
      memoryRequest: '128Mi',
      istioBehaviour: '1.24',
    });
    expect(plan.kube?.istioVersion).toBe('1.24.6');
  });

  it('scales rate, connections, CPU and connection limits together on local', () => {
    const plan = expandSuite(valid(), { platform: 'local', source: 'ref', scale: 0.5 });
    expect(plan.load).toMatchObject({ rate: 3250, connections: 325 });
    expect(planEnvelope(plan)).toMatchObject({
      cpuLimit: 1,
      maxConnections: 512,
      maxPendingRequests: 512,
      maxRequests: 512,
    });
  });

  it("resolves load.agents 'auto': one locally, one per measured agent ceiling on Kubernetes", () => {
    expect(expandSuite(valid(), { platform: 'local', source: 'ref' }).load.agents).toBe(1);
    // 6500 req/s per tenant is under one agent's measured ceiling.
    expect(expandSuite(valid(), { platform: 'kind', source: 'ref' }).load.agents).toBe(1);
    const v = valid();
    v.suite.load.rate = 20_000;
    v.suite.load.connections = 2000;
    const plan = expandSuite(v, { platform: 'cluster', source: 'ref' });
    expect(plan.load.agents).toBe(Math.ceil(20_000 / AGENT_RATE_CEILING.rps));
    v.suite.load.agents = 2;
    expect(expandSuite(v, { platform: 'local', source: 'ref' }).load.agents).toBe(2);
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

  /** The SUITE_INVALID error expandSuite throws, as its detail lines. */
  function refusal(v: ReturnType<typeof valid>, platform: 'local' | 'kind' | 'cluster'): string[] {
    try {
      expandSuite(v, { platform, source: 'ref' });
    } catch (e) {
      expect(e).toBeInstanceOf(MeshbenchError);
      expect((e as MeshbenchError).code).toBe('SUITE_INVALID');
      expect((e as MeshbenchError).message).toContain(`for platform ${platform}`);
      return (e as MeshbenchError).details ?? [];
    }
    throw new Error(`expected ${platform} to refuse the suite`);
  }

  it('honours the one envelope on every waypoint and nowhere else', () => {
    for (const platform of ['local', 'kind', 'cluster'] as const) {
      const plan = expandSuite(valid(), { platform, source: 'ref' });
      expect(plan).not.toHaveProperty('waypoint');
      const envelopes = plan.variants.flatMap((v) => v.topology.waypoints.map((w) => w.envelope));
      expect(envelopes.length).toBeGreaterThan(0);
      for (const e of envelopes) expect(e).toEqual(planEnvelope(plan));
    }
  });

  it('refuses on local the Kubernetes requests it cannot honour, naming field and platform', () => {
    const v = valid();
    v.suite.topology.waypoint = { ...v.suite.topology.waypoint, cpuRequest: '500m', memoryRequest: '256Mi' };
    const lines = refusal(v, 'local');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^topology\.waypoint\.cpuRequest: .*local platform cannot honour.*"500m".*--platform kind/,
    );
    expect(lines[1]).toMatch(/^topology\.waypoint\.memoryRequest: /);
    // The same suite is honoured on Kubernetes, requests on the waypoint Deployment.
    expect(planEnvelope(expandSuite(v, { platform: 'kind', source: 'ref' }))).toMatchObject({
      cpuRequest: '500m',
      memoryRequest: '256Mi',
    });
  });

  it('refuses on local a memory limit the stand-in cannot run in', () => {
    const v = valid();
    v.suite.topology.waypoint = { ...v.suite.topology.waypoint, memoryLimit: '64Mi' };
    expect(refusal(v, 'local')).toEqual([
      expect.stringMatching(/^topology\.waypoint\.memoryLimit: is below the 128Mi .*"64Mi"/),
    ]);
  });

  it('refuses on Kubernetes an Istio behaviour the pinned Istio does not have', () => {
    const v = valid();
    v.suite.platforms.kind = { ...v.suite.platforms.kind, istioVersion: '1.26.2' };
    const lines = refusal(v, 'kind');
    expect(lines).toEqual([
      expect.stringMatching(
        /^topology\.waypoint\.istioBehaviour: cannot be honoured on kind: Istio 1\.26\.2 .* behaves as 'current' \(got "1\.24"\); remove it, or pin platforms\.kind\.istioVersion to a 1\.24 release/,
      ),
    ]);
    // Unset, it follows the Istio version; the local platform keeps the suite's.
    v.suite.topology.waypoint = { ...v.suite.topology.waypoint, istioBehaviour: undefined };
    expect(planEnvelope(expandSuite(v, { platform: 'kind', source: 'ref' }))?.istioBehaviour).toBe('current');
    expect(planEnvelope(expandSuite(v, { platform: 'local', source: 'ref' }))?.istioBehaviour).toBe('1.24');
    v.suite.topology.waypoint = { ...v.suite.topology.waypoint, istioBehaviour: 'current' };
    expect(refusal(v, 'cluster')[0]).toMatch(/Istio 1\.24\.6 .* behaves as '1\.24'.*1\.25 or later/);
  });
});

describe('expandSuite: sweep and search (issue #15)', () => {
  const withField = (extra: object) => {
    const r = validateSuite({ ...suite, ...extra }, 'ref');
    if (!r.ok) throw r.error;
    return r.value;
  };

  it('a sweep of rates becomes factors; each variant runs every step in a row; the reference step is nearest 1×', () => {
    const plan = expandSuite(withField({ sweep: { rates: [1625, 3250, 6500, 13000] } }), {
      platform: 'local',
      source: 'ref',
      scale: 0.05,
    });
    expect(plan.sweep?.steps).toEqual([
      { factor: 0.25, rate: 81, connections: 8 },
      { factor: 0.5, rate: 163, connections: 16 },
      { factor: 1, rate: 325, connections: 33 },
      { factor: 2, rate: 650, connections: 65 },
    ]);
    expect(plan.sweep?.reference).toBe(2);
    expect(plan.variants.map((v) => `${v.name}:${v.load?.step}`)).toEqual([
      'dedicated:0',
      'dedicated:1',
      'dedicated:2',
      'dedicated:3',
      'shared:0',
      'shared:1',
      'shared:2',
      'shared:3',
    ]);
    // The waypoint envelope does not move with the offered load: that is what the sweep measures.
    expect(new Set(plan.variants.map((v) => JSON.stringify(v.topology.waypoints[0].envelope))).size).toBe(1);
  });

  it('a search keeps one plan variant per variant and records its SLO, resolution and budget', () => {
    const plan = expandSuite(
      withField({ slo: { p99: '150ms', errors: 0.02 }, search: { resolution: 0.1 } }),
      {
        platform: 'kind',
        source: 'ref',
      },
    );
    expect(plan.variants.map((v) => v.load)).toEqual([undefined, undefined]);
    expect(plan.search).toEqual({
      base: { rate: 6500, connections: 650 },
      slo: { p99Ms: 150, errors: 0.02 },
      resolution: 0.1,
      maxProbes: 12,
      start: 1,
    });
  });

  it('loadAtFactor never gives more connections than requests per second, nor fewer than 1 of either', () => {
    expect(loadAtFactor({ rate: 6500, connections: 650 }, 0.05, 0.01)).toEqual({
      factor: 0.01,
      rate: 3,
      connections: 1,
    });
    expect(loadAtFactor({ rate: 10, connections: 10 }, 1, 0.5)).toEqual({
      factor: 0.5,
      rate: 5,
      connections: 5,
    });
    expect(loadAtFactor({ connections: 10 }, 1, 2)).toEqual({ factor: 2, connections: 20 });
  });
});
