import { describe, expect, it } from 'vitest';
import {
  buildReport,
  describeFailures,
  describePreflight,
  judgePath,
  judgeProbe,
  OUTSIDER_NAMESPACE,
  planTenantProbes,
} from '../../../src/topology/preflight.ts';
import { twoTenantTopology } from '../../helpers/topology.ts';

const topo = twoTenantTopology;
const tenant = (name: string) => ({ name, namespace: name, service: 'productpage', method: 'GET' });

describe('preflight probes (issue 11: the experiment is what the suite says)', () => {
  it('probes the allowed request, a denied method and a denied source, through the serving waypoint', () => {
    const shared = topo({ name: 'shared', waypoints: 'shared', host: 'ns-1' });
    const p = planTenantProbes(shared, tenant('ns-2'));
    expect(p.waypoint).toBe('ns-1/waypoint');
    expect(p.probes.map((x) => [x.name, x.method, x.sourceNamespace, x.expectStatus])).toEqual([
      ['allowed', 'GET', 'ns-2', 200],
      ['denied-method', 'POST', 'ns-2', 403],
      ['denied-source', 'GET', OUTSIDER_NAMESPACE, 403],
    ]);
  });

  it('picks a method the policy does not allow, and says so when it allows them all', () => {
    const p = planTenantProbes(topo({ name: 'd', waypoints: 'dedicated' }, ['GET', 'POST']), tenant('ns-1'));
    expect(p.probes.find((x) => x.name === 'denied-method')?.method).toBe('DELETE');
    const all = planTenantProbes(
      topo({ name: 'd', waypoints: 'dedicated' }, ['GET', 'POST', 'DELETE', 'PUT', 'PATCH']),
      tenant('ns-1'),
    );
    expect(all.probes.map((x) => x.name)).toEqual(['allowed', 'denied-source']);
    expect(all.notes[0]).toContain('allows every method probed');
  });

  it('without a waypoint only the allowed request is probed, and the note says no L7 policy applies', () => {
    const p = planTenantProbes(topo({ name: 'none', waypoints: 'none' }), tenant('ns-1'));
    expect(p.waypoint).toBeNull();
    expect(p.probes.map((x) => x.name)).toEqual(['allowed']);
    expect(p.notes[0]).toContain('no L7 policy applies (by design)');
  });

  it("judges a 403 only from the waypoint's RBAC, and a path by its counter", () => {
    const spec = planTenantProbes(topo({ name: 'd', waypoints: 'dedicated' }), tenant('ns-1')).probes[1];
    expect(judgeProbe(spec, { status: 403, fromWaypoint: true }).ok).toBe(true);
    expect(judgeProbe(spec, { status: 403, fromWaypoint: false }).ok).toBe(false); // the app's own 403
    const allowedPost = judgeProbe(spec, { status: 200 });
    expect(allowedPost.ok).toBe(false);
    const bypass = judgePath({ tenant: 'ns-1', waypoint: 'ns-1/waypoint', before: 10, after: 10, probes: 3 });
    expect(bypass.ok).toBe(false);
    const r = buildReport([allowedPost], [bypass], []);
    expect(r.ok).toBe(false);
    expect(describeFailures(r)).toEqual([
      'ns-1: probe denied-method (POST from ns-1) expected 403 from the waypoint, got 200',
      'ns-1: traffic did not cross ns-1/waypoint: its request counter grew by 0, the probes alone account for 3',
    ]);
    expect(describePreflight(r)).toBe(
      'preflight FAILED: ns-1 denied-method 200 FAILED, ns-1 via ns-1/waypoint +0 FAILED',
    );
  });
});
