import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import suite from '../../../../suites/waypoint-sharing.suite.ts';
import {
  allocatableCpu,
  capacityCheck,
  estimateCpuDemand,
  fittingScale,
} from '../../../../src/platform/kube/capacity.ts';
import { buildKubePlan } from '../../../../src/platform/kube/plan.ts';
import { expandSuite } from '../../../../src/suite/expand.ts';
import { validateSuite } from '../../../../src/suite/validate.ts';

const reference = (scale?: number) => {
  const valid = validateSuite(suite, 'suites/waypoint-sharing.suite.ts');
  if (!valid.ok) throw valid.error;
  return expandSuite(valid.value, { platform: 'kind', source: 'suites/waypoint-sharing.suite.ts', scale });
};
const node = (cpu: string, labels: Record<string, string> = {}) => ({
  metadata: { name: 'n', labels },
  status: { allocatable: { cpu } },
});

describe("what the reference suite asks of a cluster's CPU (issue 12: the nightly runner has 4 vCPUs)", () => {
  it('adds the busiest variant’s waypoints at their limits to the load and Bookinfo requests', () => {
    const plan = reference();
    const d = estimateCpuDemand(plan, buildKubePlan(plan, { platform: 'kind' }));
    expect(d.waypoints).toBe(4); // dedicated: two waypoints at 2 cores
    expect(d.load).toBe(2); // an agent per tenant, 1 core requested each
    expect(d.bookinfo).toBeGreaterThan(0);
    expect(d.total).toBeCloseTo(d.waypoints + d.load + d.bookinfo, 6);
  });

  it('scales only the waypoints: the plan at 0.25 asks a quarter of their CPU', () => {
    const plan = reference(0.25);
    const d = estimateCpuDemand(plan, buildKubePlan(plan, { platform: 'kind' }));
    expect(d.waypoints).toBe(1);
    expect(d.load).toBe(2);
  });

  it('warns on 4 CPUs at scale 1 and names a scale that fits; that scale does fit', () => {
    const plan = reference();
    const d = estimateCpuDemand(plan, buildKubePlan(plan, { platform: 'kind' }));
    const check = capacityCheck(d, 4);
    expect(check.status).toBe('warn');
    const fit = fittingScale(d, 4);
    expect(fit).toBeGreaterThan(0);
    expect(fit).toBeLessThan(1);
    expect(check.detail).toContain(`scale ${fit} fits`);
    expect(check.fix).toBe(`run with --scale ${fit} (or set platforms.<kind|cluster>.scale in the suite)`);
    const scaled = reference(fit);
    expect(
      capacityCheck(estimateCpuDemand(scaled, buildKubePlan(scaled, { platform: 'kind' })), 4).status,
    ).toBe('ok');
  });

  it('says when no scale fits, and counts kind’s nodes once (they share one host)', () => {
    const plan = reference();
    const d = estimateCpuDemand(plan, buildKubePlan(plan, { platform: 'kind' }));
    expect(capacityCheck(d, 1).detail).toMatch(/no scale fits/);
    const nodes = [node('4', { 'node-role.kubernetes.io/control-plane': '' }), node('4'), node('4')];
    expect(allocatableCpu(nodes, 'kind')).toBe(4);
    expect(allocatableCpu(nodes, 'cluster')).toBe(8);
    expect(allocatableCpu([node('3500m')], 'cluster')).toBe(3.5);
  });

  it('runs the nightly workflow at a scale that fits its 4-vCPU runner', () => {
    const workflow = readFileSync(
      new URL('../../../../.github/workflows/nightly.yml', import.meta.url),
      'utf8',
    );
    const scale = Number(/^\s*SCALE: "([0-9.]+)"/m.exec(workflow)?.[1]);
    expect(scale).toBeGreaterThan(0);
    for (const step of ['doctor', 'plan', 'run'])
      expect(workflow).toMatch(new RegExp(`meshbench.js ${step} .*--scale "\\$SCALE"`));
    const plan = reference(scale);
    expect(capacityCheck(estimateCpuDemand(plan, buildKubePlan(plan, { platform: 'kind' })), 4).status).toBe(
      'ok',
    );
  });
});
