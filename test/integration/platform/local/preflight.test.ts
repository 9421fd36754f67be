/**
 * Preflight on the real local platform: the probes pass on what the suite says, and catch a waypoint whose
 * policy was not applied as declared, and traffic that does not cross the waypoint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalPlatform } from '../../../../src/platform/local/platform.ts';
import { runSuite } from '../../../../src/run/run-suite.ts';
import type { Topology } from '../../../../src/topology/model.ts';
import { newTag } from '../../../helpers/leaks.ts';
import { buildPlan, expectNothingLeft } from './helpers.ts';

const tag = newTag();
process.env.MESHBENCH_TEST_TAG = tag;
const results = mkdtempSync(join(tmpdir(), 'meshbench-preflight-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

/** A real local platform whose waypoints are told to allow POST, whatever the suite says. */
class PostAllowingPlatform extends LocalPlatform {
  override apply(topology: Topology): Promise<void> {
    return super.apply({
      ...topology,
      policies: topology.policies.map((p) => ({ ...p, methods: [...p.methods, 'POST'] })),
    });
  }
}

let platform: LocalPlatform | undefined;
afterEach(async () => {
  await platform?.down();
  platform = undefined;
  await expectNothingLeft(tag, []);
});

describe('preflight (local platform)', () => {
  it('passes on every variant as the suite declares it: policy answers and the serving waypoint carries it', async () => {
    const plan = buildPlan();
    platform = new LocalPlatform();
    await platform.up(plan);
    for (const name of ['dedicated', 'shared', 'none']) {
      const variant = plan.variants.find((v) => v.name === name)!;
      await platform.apply(variant.topology);
      const r = await platform.preflight(variant.topology);
      expect(r.ok, JSON.stringify(r)).toBe(true);
      if (name === 'none') {
        expect(r.probes.map((p) => p.name)).toEqual(['allowed', 'allowed']);
        expect(r.notes.join(' ')).toContain('no L7 policy applies');
        continue;
      }
      expect(r.probes.map((p) => `${p.tenant}:${p.name}:${p.status}`)).toEqual([
        'ns-1:allowed:200',
        'ns-1:denied-method:403',
        'ns-1:denied-source:403',
        'ns-2:allowed:200',
        'ns-2:denied-method:403',
        'ns-2:denied-source:403',
      ]);
      // Shared: ns-2's probes cross ns-1's waypoint.
      expect(r.paths.map((p) => `${p.tenant}:${p.waypoint}`)).toEqual(
        name === 'shared'
          ? ['ns-1:ns-1/waypoint', 'ns-2:ns-1/waypoint']
          : ['ns-1:ns-1/waypoint', 'ns-2:ns-2/waypoint'],
      );
    }
  }, 60_000);

  it('catches traffic that bypasses the waypoint the variant says serves it', async () => {
    const plan = buildPlan();
    platform = new LocalPlatform();
    await platform.up(plan);
    // The platform runs 'none' (no waypoint) while the suite says 'dedicated'.
    await platform.apply(plan.variants.find((v) => v.name === 'none')!.topology);
    const r = await platform.preflight(plan.variants.find((v) => v.name === 'dedicated')!.topology);
    expect(r.ok).toBe(false);
    expect(r.probes.find((p) => p.name === 'denied-method')?.status).not.toBe(403);
    expect(r.paths.every((p) => !p.ok)).toBe(true);
  }, 60_000);

  it('a waypoint allowing POST stops the variant before its load: exit 111, the probe named in result.json', async () => {
    const plan = buildPlan({ load: { model: 'open', rate: 20, connections: 2, duration: '2s' } });
    plan.variants = plan.variants.filter((v) => v.name === 'dedicated');
    const outcome = await runSuite({
      plan,
      resultsRoot: results,
      platform: new PostAllowingPlatform(),
      reports: false,
    });
    expect(outcome.exitCode).toBe(111);
    expect(outcome.error?.code).toBe('PREFLIGHT_FAILED');
    const saved = JSON.parse(readFileSync(join(outcome.dir, 'result.json'), 'utf8'));
    const v = saved.variants[0];
    expect(v.tenants).toEqual([]); // not measured
    expect(v.error.code).toBe('PREFLIGHT_FAILED');
    expect(v.error.message).toContain(
      'ns-1: probe denied-method (POST from ns-1) expected 403 from the waypoint, got 404',
    );
    expect(v.preflight.ok).toBe(false);
    // --skip-preflight measures anyway.
    const skipped = await runSuite({
      plan,
      resultsRoot: results,
      platform: new PostAllowingPlatform(),
      reports: false,
      skipPreflight: true,
    });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.result.variants[0].preflight).toBeUndefined();
    expect(skipped.result.variants[0].tenants).toHaveLength(2);
  }, 90_000);
});
