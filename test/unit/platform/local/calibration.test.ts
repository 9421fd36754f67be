import { describe, expect, it } from 'vitest';
import { describeCalibration } from '../../../../src/result/calibration.ts';
import {
  buildCalibration,
  buildModelledCalibration,
  modelledCharges,
  resolveServiceTimes,
  resolveUtilization,
} from '../../../../src/platform/local/calibration.ts';
import {
  DEFAULT_SERVICE_TIMES,
  defaultUtilization,
  ENVOY_CPU_MS_PER_REQUEST,
  HOPS_PER_REQUEST,
  WAKEUP_SHARE,
} from '../../../../src/platform/local/model-constants.ts';
import { drawServiceTime } from '../../../../src/platform/local/service-time.ts';

describe('the article-derived utilization', () => {
  it('is 2 cores / 1.68 tenants of 6500 req/s against a 2-core limit: ≈ 0.6', () => {
    expect(ENVOY_CPU_MS_PER_REQUEST).toBeCloseTo(0.18315, 4);
    expect(defaultUtilization(6500, 2)).toBe(0.595);
  });
  it('follows the suite: half the rate or twice the limit halves it', () => {
    expect(defaultUtilization(3250, 2)).toBeCloseTo(0.298, 3);
    expect(defaultUtilization(6500, 4)).toBeCloseTo(0.298, 3);
  });
  it('a suite value wins over the derived one', () => {
    expect(
      resolveUtilization({
        utilization: 0.4,
        cpu: 'host',
        calibrate: true,
        serviceTimes: {},
        modelledCpuLimit: 2,
      }),
    ).toEqual({ utilization: 0.4, source: 'suite' });
    expect(
      resolveUtilization({
        cpu: 'host',
        calibrate: true,
        serviceTimes: {},
        modelledCpuLimit: 2,
        modelledRate: 6500,
      }),
    ).toEqual({ utilization: 0.595, source: 'article' });
  });
});

describe('buildCalibration', () => {
  const readings = [
    { waypoint: 'ns-1/waypoint', cpuSeconds: 0.8, hops: 9600, requests: 2600, windowSeconds: 4 },
    { waypoint: 'ns-2/waypoint', cpuSeconds: 0.84, hops: 9620, requests: 2600, windowSeconds: 4 },
  ];
  it('cost per request and per hop, demand at the rate, quota = demand / utilization', () => {
    const c = buildCalibration({
      readings,
      rate: 650,
      utilization: 0.6,
      utilizationSource: 'article',
      modelledCpuLimit: 2,
    });
    // 1.64 CPU s over 5200 requests = 0.3154 ms; × 650 req/s = 0.205 cores; ÷ 0.6 = 0.3417.
    expect(c.cpuMsPerRequest).toBeCloseTo(0.31538, 4);
    expect(c.cpuMsPerHop).toBeCloseTo(1640 / 19220, 4);
    expect(c.demandCores).toBeCloseTo(0.205, 3);
    expect(c.quotaCores).toBeCloseTo(0.3417, 3);
    expect(c.hopsPerRequest).toBeCloseTo(3.696, 2);
    expect(describeCalibration(c)).toMatch(
      /^waypoint CPU limit 2 cores at utilization 0\.6 \(derived from the article\) → 0\.3417 local cores \(dedicated load measured at 0\.205 cores/,
    );
  });
  it('a slower host (every cost doubled) doubles the quota, not the utilization', () => {
    const slow = readings.map((r) => ({ ...r, cpuSeconds: r.cpuSeconds * 2 }));
    const a = buildCalibration({
      readings,
      rate: 650,
      utilization: 0.6,
      utilizationSource: 'article',
      modelledCpuLimit: 2,
    });
    const b = buildCalibration({
      readings: slow,
      rate: 650,
      utilization: 0.6,
      utilizationSource: 'article',
      modelledCpuLimit: 2,
    });
    expect(b.quotaCores / a.quotaCores).toBeCloseTo(2, 3);
    expect((b.demandCores ?? 0) / b.quotaCores).toBeCloseTo(0.6, 3);
  });
  it('refuses a window with no traffic', () => {
    expect(() =>
      buildCalibration({
        readings: readings.map((r) => ({ ...r, requests: 0 })),
        rate: 650,
        utilization: 0.6,
        utilizationSource: 'article',
        modelledCpuLimit: 2,
      }),
    ).toThrow(/no requests/);
  });
});

describe('the modelled envelope', () => {
  const reference = {
    utilization: 0.595,
    utilizationSource: 'article' as const,
    modelledCpuLimit: 2,
    scale: 0.1,
    rate: 650,
  };
  it("is the article's Envoy cost against cpuLimit × scale: the same at every scale", () => {
    const c = buildModelledCalibration(reference);
    expect(c).toMatchObject({ method: 'modelled', quotaCores: 0.2, demandCores: 0.119, wakeShare: 0.3 });
    // 0.595 of 0.2 cores at 650 req/s is the article's 2 / (1.68 × 6500) s per request.
    expect(c.cpuMsPerRequest).toBeCloseTo(ENVOY_CPU_MS_PER_REQUEST, 3);
    const full = buildModelledCalibration({ ...reference, scale: 1, rate: 6500 });
    expect(full.quotaCores).toBe(2);
    expect(full.cpuMsPerRequest).toBeCloseTo(c.cpuMsPerRequest ?? 0, 5);
  });
  it('a higher utilization charges more per request, the quota stays', () => {
    const c = buildModelledCalibration({ ...reference, utilization: 0.64, utilizationSource: 'suite' });
    expect(c.quotaCores).toBe(0.2);
    expect(c.cpuMsPerRequest).toBeCloseTo((0.64 * 0.2 * 1000) / 650, 4);
  });
  it('splits a hop into its own cost and its share of a wakeup', () => {
    const c = buildModelledCalibration(reference);
    const charges = modelledCharges(c);
    const perHop = (c.cpuMsPerRequest ?? 0) / HOPS_PER_REQUEST;
    expect(charges.cores).toBe(0.2);
    expect(charges.hopMs + charges.wakeMs).toBeCloseTo(perHop, 5);
    expect(charges.wakeMs / perHop).toBeCloseTo(WAKEUP_SHARE, 3);
  });
  it('without a rate (closed loop) charges the article cost per request', () => {
    const c = buildModelledCalibration({ ...reference, rate: undefined });
    expect(c.cpuMsPerRequest).toBeCloseTo(ENVOY_CPU_MS_PER_REQUEST, 4);
    expect(c.demandCores).toBeUndefined();
  });
  it('says what it charges, and that the stand-in is not limited', () => {
    const line = describeCalibration(buildModelledCalibration(reference));
    expect(line).toContain('modelled quota 0.2 cores per 100 ms period');
    expect(line).toMatch(/0\.183\d* ms of Envoy CPU per request/);
    expect(line).toContain('30% of it once per wakeup');
    expect(line).toContain('measured, not limited');
  });
});

describe('service times', () => {
  it('defaults fill what the suite leaves out', () => {
    const t = resolveServiceTimes({
      cpu: 'host',
      calibrate: true,
      modelledCpuLimit: 2,
      serviceTimes: { reviews: { meanMs: 20, distribution: 'fixed', cv: 0 } },
    });
    expect(t.reviews).toEqual({ meanMs: 20, distribution: 'fixed', cv: 0 });
    expect(t.productpage).toEqual(DEFAULT_SERVICE_TIMES.productpage);
  });
  it('draws have the requested mean and spread', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (const distribution of ['lognormal', 'exponential'] as const) {
      const spec = { meanMs: 10, distribution, cv: 0.5 };
      const xs = Array.from({ length: 50_000 }, () => drawServiceTime(spec, random));
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
      expect(mean).toBeGreaterThan(9.7);
      expect(mean).toBeLessThan(10.3);
      // Exponential: cv is 1 by nature.
      expect(sd / mean).toBeCloseTo(distribution === 'exponential' ? 1 : 0.5, 1);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    }
    expect(drawServiceTime({ meanMs: 7, distribution: 'fixed', cv: 0.5 })).toBe(7);
  });
});
