import { describe, expect, it } from 'vitest';
import { judgeProbe, nextProbe, type ProbeOutcome } from '../../../src/analysis/capacity-search.ts';
import { seededRandom } from '../../../src/analysis/isolation.ts';

const options = { start: 1, resolution: 0.05, maxProbes: 12 };

/** Runs the search against a system that meets the SLO below `knee` (± noise as a fraction). */
function search(knee: number, noise: number, seed: number, opts = options) {
  const random = seededRandom(seed);
  const probes: ProbeOutcome[] = [];
  for (;;) {
    const step = nextProbe(probes, opts);
    if (step.done) return { step, probes };
    // The system's real limit wobbles from run to run, as a measured one does.
    const limit = knee * (1 + noise * (2 * random() - 1));
    probes.push({ factor: step.factor, pass: step.factor <= limit, confirm: step.confirm });
  }
}

describe('nextProbe (breaking-point search)', () => {
  it('finds a known breaking point above the start within the resolution, confirmed, in ≤ 12 probes', () => {
    const { step, probes } = search(1.37, 0, 1);
    expect(step).toMatchObject({ done: true, confirmed: true });
    if (!step.done) throw new Error('unreachable');
    expect(step.capacity!).toBeLessThanOrEqual(1.37);
    expect(step.capacity!).toBeGreaterThan(1.37 / 1.05);
    expect(probes.length).toBeLessThanOrEqual(12);
    // Growth 1 → 2, then bisection, and the last probe is the confirmation at the answer.
    expect(probes.slice(0, 2).map((p) => p.factor)).toEqual([1, 2]);
    expect(probes.at(-1)).toMatchObject({ confirm: true, pass: true, factor: step.capacity });
  });

  it('shrinks from the start when the suite load already misses the SLO', () => {
    const { step, probes } = search(0.3, 0, 1);
    if (!step.done) throw new Error('not done');
    expect(probes.slice(0, 3).map((p) => p.factor)).toEqual([1, 0.5, 0.25]);
    expect(step.capacity!).toBeLessThanOrEqual(0.3);
    expect(step.capacity!).toBeGreaterThan(0.3 / 1.05);
    expect(probes.length).toBeLessThanOrEqual(12);
  });

  it('with ±5% noise, answers within 15% of the knee on every seed and never above the noisy limit band', () => {
    const answers: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const { step, probes } = search(2.6, 0.05, seed);
      if (!step.done) throw new Error('not done');
      expect(probes.length).toBeLessThanOrEqual(12);
      expect(step.capacity).toBeDefined();
      answers.push(step.capacity!);
    }
    for (const a of answers) {
      expect(a).toBeGreaterThan(2.6 * 0.85);
      expect(a).toBeLessThanOrEqual(2.6 * 1.05);
    }
  });

  it('a failed confirmation moves the bracket down and the search goes on', () => {
    const probes: ProbeOutcome[] = [
      { factor: 1, pass: true },
      { factor: 2, pass: false },
      { factor: 1.5, pass: true },
      { factor: 1.75, pass: false },
      { factor: 1.625, pass: false },
      { factor: 1.562, pass: true },
      { factor: 1.594, pass: false },
      { factor: 1.562, pass: false, confirm: true },
    ];
    const step = nextProbe(probes, options);
    // Bracket is now [1.5, 1.562]: 4% wide, so straight to confirming 1.5.
    expect(step).toEqual({ done: false, factor: 1.5, confirm: true });
  });

  it('stops at its budget with the best unconfirmed answer, and says so', () => {
    const { step, probes } = search(1.37, 0, 1, { ...options, maxProbes: 4 });
    expect(probes.length).toBe(4);
    expect(step).toMatchObject({ done: true });
    if (!step.done) throw new Error('unreachable');
    // The fourth probe was spent on confirming the best so far rather than on one more bisection.
    expect(probes.at(-1)!.confirm).toBe(true);
    expect(step).toMatchObject({ capacity: 1, confirmed: true });
    expect(step.why).toMatch(/wider than the resolution/);
  });

  it('reports no capacity when every load down to 1/256 misses the SLO', () => {
    const { step } = search(0.001, 0, 1, { ...options, maxProbes: 40 });
    if (!step.done) throw new Error('not done');
    expect(step.capacity).toBeUndefined();
    expect(step.confirmed).toBe(false);
    expect(step.why).toMatch(/missed the SLO at every load/);
  });
});

describe('judgeProbe', () => {
  const figures = (p99Ms: number, rate: number, valid = true) =>
    ({
      requests: { completed: 100 },
      latency: { p99Ms },
      errors: { rate },
      validity: { valid, reasons: valid ? [] : ['generator lag p99 9 ms > 5 ms'] },
    }) as never;
  const slo = { p99Ms: 100, errors: 0.01 };

  it('passes only when every tenant meets both bounds with its load held', () => {
    expect(judgeProbe([{ tenant: 'ns-1', figures: figures(80, 0) }], slo)).toEqual({
      pass: true,
      reasons: [],
    });
    const v = judgeProbe(
      [
        { tenant: 'ns-1', figures: figures(80, 0) },
        { tenant: 'ns-2', figures: figures(120, 0.03) },
      ],
      slo,
    );
    expect(v.pass).toBe(false);
    expect(v.reasons).toEqual(['ns-2 p99 120.0 ms > 100 ms', 'ns-2 errors 3.00% > 1.00%']);
    expect(judgeProbe([{ tenant: 'ns-1', figures: figures(80, 0, false) }], slo).reasons[0]).toMatch(
      /load not held/,
    );
    expect(judgeProbe([{ tenant: 'ns-1' }], slo).reasons).toEqual(['ns-1 measured nothing']);
  });
});
