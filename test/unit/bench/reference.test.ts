import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReferenceArgs } from '../../../bench/reference-args.ts';
import {
  emptyRunFigures,
  extractRunFigures,
  figuresAcrossRuns,
  flattenFigures,
  type RunFigures,
  spreadAcross,
} from '../../../bench/reference-figures.ts';
import { formatFigureTable, formatTargets } from '../../../bench/reference-format.ts';
import { evaluateBench, type Target } from '../../../bench/reference-targets.ts';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import type { RunResult } from '../../../src/result/types.ts';

const sample = (): RunResult =>
  JSON.parse(readFileSync(new URL('../../../fixtures/results/sample-result.json', import.meta.url), 'utf8'));

// Summarizing the sample takes a while: once, then copies.
const SAMPLE_FIGURES = extractRunFigures({ run: 1, exitCode: 0, dir: null, result: sample() });
const sampleFigures = (run = 1): RunFigures => ({ ...structuredClone(SAMPLE_FIGURES), run });

/** A copy of `f` as run `run`, with `edit` applied. */
function variant(f: RunFigures, run: number, edit: (g: RunFigures) => void = () => {}): RunFigures {
  const g = structuredClone(f);
  g.run = run;
  edit(g);
  return g;
}

const byName = (targets: Target[], name: string) => {
  const t = targets.find((x) => x.name.includes(name));
  if (!t) throw new Error(`no target ${name}`);
  return t;
};

describe('extractRunFigures', () => {
  it('reads the summary: both latency definitions, errors, waypoint utilization, the reference ratios', () => {
    const result = sample();
    const summary = summarizeRun(result);
    const f = extractRunFigures({ run: 1, exitCode: 0, dir: '/x', result });
    const ded = summary.variants.find((v) => v.name === 'dedicated')!;
    const shared = summary.variants.find((v) => v.name === 'shared')!;
    const ns1 = ded.tenants.find((t) => t.tenant === 'ns-1')!.merged;
    const t = f.tenants.find((x) => x.variant === 'dedicated' && x.tenant === 'ns-1')!;
    expect(t).toMatchObject({
      avgMs: ns1.latency.avgMs,
      p50Ms: ns1.latency.p50Ms,
      avgActualMs: ns1.latencyActual.avgMs,
      p50ActualMs: ns1.latencyActual.p50Ms,
      errorRate: 0,
      valid: true,
    });
    // The fixture's shape: dedicated ~30 ms, shared ns-1 ~59 ms, shared ns-2 ~32% errors.
    expect(t.avgMs).toBeGreaterThan(25);
    expect(t.avgMs).toBeLessThan(35);
    const sharedNs1 = shared.tenants.find((x) => x.tenant === 'ns-1')!.merged;
    expect(f.sharedNs1AvgRatio.actual).toBeCloseTo(
      sharedNs1.latencyActual.avgMs / ns1.latencyActual.avgMs,
      12,
    );
    expect(f.sharedNs1AvgRatio.intended).toBeCloseTo(sharedNs1.latency.avgMs / ns1.latency.avgMs, 12);
    expect(f.sharedNs2ErrorRate).toBeCloseTo(0.327, 3);
    const w = f.waypoints.filter((x) => x.variant === 'dedicated');
    expect(w.map((x) => x.component)).toEqual(['ns-1/waypoint', 'ns-2/waypoint']);
    const wp = ded.waypoints[0];
    expect(w[0].utilization).toBeCloseTo(wp.merged.avgCores / wp.limitCores!, 12);
    expect(w[0].throttledShare).toBe(0);
    expect(f.dedicatedAvgSpread).toBeGreaterThanOrEqual(1);
    expect(f.calibration).toBeNull();
    expect(f.invalid).toEqual([]);
  });

  it('takes the calibration from result.meta when present', () => {
    const result = sample();
    result.meta.calibration = {
      method: 'measured',
      utilization: 0.6,
      utilizationSource: 'suite',
      modelledCpuLimit: 2,
      quotaCores: 0.35,
      demandCores: 0.21,
    };
    const f = extractRunFigures({ run: 1, exitCode: 0, dir: null, result });
    expect(f.calibration).toEqual({
      method: 'measured',
      quotaCores: 0.35,
      demandCores: 0.21,
      utilization: 0.6,
    });
    expect(flattenFigures(f).find((x) => x.key === 'calibration/quotaCores')?.value).toBe(0.35);
  });

  it('flattens to named figures in a stable order, the reference ratios only where they exist', () => {
    const keys = flattenFigures(sampleFigures()).map((x) => x.key);
    expect(keys.slice(0, 3)).toEqual([
      'dedicated/ns-1/latency.avg',
      'dedicated/ns-1/latency.p50',
      'dedicated/ns-1/latency_actual.avg',
    ]);
    expect(keys).toContain('dedicated/ns-2/waypoint/utilization');
    expect(keys).toContain('shared/ns-1/latency_actual.avg ÷ dedicated');
    const only = variant(sampleFigures(), 1, (g) => {
      g.tenants = g.tenants.filter((t) => t.variant === 'dedicated');
      g.sharedNs1AvgRatio = { intended: null, actual: null };
    });
    expect(flattenFigures(only).map((x) => x.key)).not.toContain(
      'shared/ns-1/latency_actual.avg ÷ dedicated',
    );
  });
});

describe('spread', () => {
  it('gives min, max, mean and the coefficient of variation (sample stdev ÷ mean)', () => {
    const s = spreadAcross([10, 12, 14])!;
    expect(s).toMatchObject({ n: 3, min: 10, max: 14, mean: 12, stddev: 2 });
    expect(s.cv).toBeCloseTo(2 / 12, 12);
  });

  it('skips missing values; no CV for one value or a zero mean; null for none', () => {
    expect(spreadAcross([null, 5, null])).toMatchObject({ n: 1, mean: 5, cv: null });
    expect(spreadAcross([0, 0])?.cv).toBeNull();
    expect(spreadAcross([null, null])).toBeNull();
  });

  it('lines up each figure over the runs, null where a run lacks it', () => {
    const a = sampleFigures(1);
    const b = emptyRunFigures({ run: 2, exitCode: 110, dir: null, error: 'the run left no results folder' });
    const c = variant(a, 3, (g) => {
      g.tenants[0].avgMs = 40;
    });
    const across = figuresAcrossRuns([a, b, c]);
    const avg = across.find((x) => x.key === 'dedicated/ns-1/latency.avg')!;
    expect(avg.values).toEqual([a.tenants[0].avgMs, null, 40]);
    expect(avg.spread).toMatchObject({ n: 2, max: 40 });
    const table = formatFigureTable([a, b, c], across);
    expect(table.split('\n')[0]).toMatch(/^figure\s+run 1\s+run 2\s+run 3\s+min–max\s+mean\s+CV$/);
    expect(table).toMatch(/dedicated\/ns-1\/latency\.avg \(ms\)\s+30\.07\s+—\s+40\.00/);
  });
});

describe('evaluateBench', () => {
  it('meets every target on the sample, run twice', () => {
    const v = evaluateBench([sampleFigures(1), sampleFigures(2)]);
    expect(v.applies).toBe(true);
    expect(v.met).toBe(true);
    expect(v.missed).toEqual([]);
    expect(new Set(v.targets.map((t) => t.id))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(byName(v.targets, 'shared ns-2 error rate')).toMatchObject({
      scope: 'every run',
      bound: 'in [0.2, 0.45]',
      met: true,
    });
    expect(formatTargets(v)).toMatch(/all targets met$/);
  });

  it('misses a target when any one run is outside its bound, and names it', () => {
    const a = sampleFigures(1);
    const b = variant(a, 2, (g) => {
      g.waypoints[0].utilization = 0.92;
      g.waypoints[0].throttledShare = 0.1;
      g.tenants[1].errorRate = 0.005;
      g.sharedNs2ErrorRate = 0.05;
    });
    const v = evaluateBench([a, b]);
    expect(v.met).toBe(false);
    const util = byName(v.targets, 'ns-1/waypoint utilization');
    expect(util.measured).toEqual([a.waypoints[0].utilization, 0.92]);
    expect(util.met).toBe(false);
    expect(byName(v.targets, 'ns-1/waypoint throttled').met).toBe(false); // < 0.1 is strict
    expect(byName(v.targets, 'ns-2/waypoint utilization').met).toBe(true);
    expect(byName(v.targets, 'dedicated ns-2 error rate').met).toBe(false); // < 0.005 is strict
    expect(byName(v.targets, 'shared ns-2 error rate').met).toBe(false);
    expect(v.missed).toHaveLength(4);
    expect(v.missed[0]).toMatch(/^target 1: dedicated ns-1\/waypoint utilization/);
    expect(formatTargets(v)).toMatch(/MISSED 4:/);
  });

  it('judges the bounds inclusively where the list says [a, b] and ≤', () => {
    const v = evaluateBench([
      variant(sampleFigures(), 1, (g) => {
        g.sharedNs1AvgRatio.actual = 3;
        g.dedicatedAvgSpread = 1.25;
        g.waypoints[0].utilization = 0.5;
      }),
    ]);
    expect(byName(v.targets, 'shared ns-1 avg').met).toBe(true);
    expect(byName(v.targets, 'max ÷ min').met).toBe(true);
    expect(byName(v.targets, 'ns-1/waypoint utilization').met).toBe(true);
  });

  it('judges the spread across runs only with two runs or more', () => {
    const one = evaluateBench([sampleFigures()]);
    expect(one.targets.some((t) => t.id === 6)).toBe(false);
    expect(one.notes.join(' ')).toMatch(/target 6/);
    const a = sampleFigures(1);
    const b = variant(a, 2, (g) => {
      g.tenants[0].avgMs = a.tenants[0].avgMs * 1.5;
    });
    const cv = byName(evaluateBench([a, b]).targets, 'dedicated ns-1 avg (intended start): coefficient');
    expect(cv.scope).toBe('across runs');
    expect(cv.measured).toBeCloseTo(spreadAcross([a.tenants[0].avgMs, b.tenants[0].avgMs])!.cv!, 12);
    expect(cv.met).toBe(false);
  });

  it('lists invalid tenants with their reasons', () => {
    const v = evaluateBench([
      variant(sampleFigures(), 1, (g) => {
        g.invalid = [{ variant: 'shared', tenant: 'ns-2', reasons: ['generator lag p99 7.2 ms > 5 ms'] }];
      }),
    ]);
    const t = byName(v.targets, 'invalid');
    expect(t).toMatchObject({ measured: [1], met: false });
    expect(t.note).toMatch(/run 1 ns-2 \(shared\): generator lag p99 7\.2 ms > 5 ms/);
  });

  it('counts a run without a result as a problem and its figures as not measured', () => {
    const v = evaluateBench([
      sampleFigures(1),
      emptyRunFigures({ run: 2, exitCode: 110, dir: null, error: 'the run left no results folder' }),
    ]);
    expect(v.met).toBe(false);
    expect(v.problems).toEqual(['run 2: the run left no results folder (exit 110)']);
    const ratio = byName(v.targets, 'shared ns-1 avg');
    expect(ratio.measured).toEqual([sampleFigures().sharedNs1AvgRatio.actual, null]);
    expect(ratio.met).toBe(false);
    expect(ratio.note).toMatch(/not measured in run 2/);
  });

  it('gives figures only for a suite without the reference shape', () => {
    const other = variant(sampleFigures(), 1, (g) => {
      g.tenants = g.tenants.map((t) => ({ ...t, tenant: t.tenant === 'ns-2' ? 'b' : t.tenant }));
    });
    const v = evaluateBench([other]);
    expect(v).toMatchObject({ applies: false, targets: [], met: true });
    expect(v.notes[0]).toMatch(/targets not judged/);
  });
});

describe('parseReferenceArgs', () => {
  const parse = (...argv: string[]) => parseReferenceArgs(argv, { cores: 2 });

  it('has the defaults, and --help', () => {
    expect(parse()).toEqual({
      ok: true,
      value: { suite: 'suites/waypoint-sharing.suite.ts', runs: 5, busyCores: 0, json: false },
    });
    expect(parse('--runs', '2', '--busy-cores', '1', '--json', '--results', '/tmp/r')).toMatchObject({
      ok: true,
      value: { runs: 2, busyCores: 1, json: true, results: '/tmp/r' },
    });
    expect(parse('--runs', 'x', '-h')).toEqual({ ok: true, value: 'help' });
  });

  it('names the flag, the value and the fix', () => {
    const bad = (argv: string[]) => {
      const r = parse(...argv);
      if (r.ok) throw new Error('expected an error');
      return r.error;
    };
    expect(bad(['--runs', '0'])).toMatchObject({ code: 'INVALID_FLAG', input: '--runs', value: '0' });
    expect(bad(['--runs', '2.5']).fix).toMatch(/--runs 5/);
    expect(bad(['--busy-cores', '3']).message).toMatch(/more than this host's 2 cores/);
    expect(bad(['--rnus', '2']).input).toBe('--rnus');
    expect(bad(['suite.ts']).fix).toMatch(/--suite suite\.ts/);
    expect(bad(['--runs']).input).toBe('--runs');
  });
});
