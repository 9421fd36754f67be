/**
 * The calibrated envelope: `up` measures the stand-in's CPU per request under the dedicated topology and
 * sets every waypoint's quota so a dedicated waypoint runs at the declared utilization of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeCalibration } from '../../../../src/result/calibration.ts';
import { createLocalPlatform, type LocalPlatform } from '../../../../src/platform/local/platform.ts';
import { newTag } from '../../../helpers/leaks.ts';
import { buildPlan, expectNothingLeft } from './helpers.ts';

const tag = newTag();
process.env.MESHBENCH_TEST_TAG = tag;
let platform: LocalPlatform | undefined;
let ports: number[] = [];

afterEach(async () => {
  await platform?.down();
  platform = undefined;
  await expectNothingLeft(tag, ports);
});

describe('local calibration', () => {
  it('measures the dedicated load and sets quota = demand / utilization on every waypoint', async () => {
    const plan = buildPlan({
      load: { model: 'open', rate: 100, connections: 10, duration: '3s' },
      platforms: { local: { cpu: 'host', calibrate: true, utilization: 0.5 } },
    });
    platform = createLocalPlatform();
    await platform.up(plan);
    const c = platform.calibration!;
    expect(c.method).toBe('measured');
    expect(c.utilization).toBe(0.5);
    expect(c.utilizationSource).toBe('suite');
    expect(c.readings).toHaveLength(2);
    for (const r of c.readings!) {
      // From second 7 to the end (about 7 s) at 100 req/s per tenant: about 700 productpage requests,
      // each 3–4.4 hops.
      expect(r.requests).toBeGreaterThan(550);
      expect(r.requests).toBeLessThan(850);
      expect(r.hops / r.requests).toBeGreaterThan(2.9);
      expect(r.hops / r.requests).toBeLessThan(4.5);
      expect(r.cpuSeconds).toBeGreaterThan(0);
    }
    expect(c.demandCores).toBeCloseTo(((c.cpuMsPerRequest ?? 0) * 100) / 1000, 3);
    expect(c.quotaCores).toBeCloseTo((c.demandCores ?? 0) / 0.5, 3);
    // The waypoints of every variant get the calibrated quota, whatever the envelope's scaled limit.
    await platform.apply(plan.variants.find((v) => v.name === 'shared')!.topology);
    ports = [];
    for (const b of platform.bookinfo.values()) ports.push(...Object.values(b.proc.ready.ports));
    for (const w of platform.waypoints.values()) {
      ports.push(w.proc.ready.port, w.proc.ready.adminPort);
      expect(w.config.cpuLimit).toBe(c.quotaCores);
    }
    expect(describeCalibration(platform.info().calibration!)).toContain(
      'at utilization 0.5 (set by the suite)',
    );
  }, 60_000);

  it('without calibration the quota is the scaled envelope, and the result says so', async () => {
    const plan = buildPlan();
    platform = createLocalPlatform();
    await platform.up(plan);
    expect(platform.calibration).toMatchObject({ method: 'scaled', quotaCores: 0.5 });
  });
});
