import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import { summarizeLoad as summarizeLoadResult } from '../../../src/load/summarize-load.ts';
import { readResultFile } from '../../../src/report/read-result.ts';
import { planEnvelope } from '../../../src/suite/plan.ts';
import type { RunResult } from '../../../src/result/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-read-result-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = 'fixtures/results/sample-result.json';

/** The sample result with one change made by `edit` (issue 11: structurally wrong schemaVersion-1 files). */
function broken(name: string, edit: (r: RunResult) => void): () => string {
  return () => {
    const r = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    edit(r);
    return file(name, JSON.stringify(r));
  };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('readResultFile', () => {
  it('reads the sample result', async () => {
    const r = await readResultFile('fixtures/results/sample-result.json');
    expect(r.schemaVersion).toBe(1);
    expect(r.variants).toHaveLength(2);
  });

  it('reads a schemaVersion 1 file from before the envelope had one home, into the one error scheme (issue 12)', async () => {
    // Older files carry plan.waypoint beside every waypoint's envelope: still read, and not needed.
    const old = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    old.plan.waypoint = { ...old.plan.variants[0].topology.waypoints[0].envelope };
    const r = await readResultFile(file('old-envelope.json', JSON.stringify(old)));
    expect(planEnvelope(r.plan)).toEqual(old.plan.variants[0].topology.waypoints[0].envelope);
    // Error keys are derived from the stored outcomes when read, so an old file gets today's keys:
    // the run summary and the load summary name the same classes.
    const summary = summarizeRun(r);
    const ns2 = summary.variants.find((v) => v.name === 'shared')!.tenants.find((t) => t.tenant === 'ns-2')!;
    const load = r.variants.find((v) => v.name === 'shared')!.tenants.find((t) => t.tenant === 'ns-2')!.load;
    expect(Object.keys(ns2.merged.errors.byClass).sort()).toEqual(['http_503', 'reset', 'timeout']);
    expect(ns2.merged.errors.byClass).toEqual(summarizeLoadResult(load).errorsByClass);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /it does not exist/],
    ['a directory', () => dir, /it is a directory/],
    [
      'a FIFO (whose read would block for ever)',
      () => {
        const p = join(dir, 'fifo');
        execFileSync('mkfifo', [p]);
        return p;
      },
      /is not a regular file/,
    ],
    ['non-JSON', () => file('bad.json', '{"schemaVersion": 1,'), /is not JSON/],
    [
      'a suite, not a result',
      () => file('suite.json', '{"name":"x","tenants":[]}'),
      /is not a meshbench result/,
    ],
    ['null', () => file('null.json', 'null'), /is not a meshbench result/],
    [
      'a newer schemaVersion',
      () => file('v2.json', JSON.stringify({ schemaVersion: 2, meta: {}, plan: {}, variants: [] })),
      /schemaVersion 2; this meshbench reads version 1/,
    ],
    // Structurally wrong schemaVersion-1 files used to exit 1 "internal error", or summarize to zeros.
    [
      'an empty variant',
      broken('empty-variant.json', (r) => r.variants.push({} as never)),
      /variants\[2\]\.name: /,
    ],
    ['meta without its fields', broken('meta.json', (r) => (r.meta = { id: 'x' } as never)), /meta\.suite: /],
    ['git as a string', broken('git.json', (r) => (r.meta.git = 'abc123' as never)), /meta\.git: /],
    ['a plan that is a list', broken('plan.json', (r) => (r.plan = [] as never)), /plan: /],
    [
      'garbage latency (a histogram that does not decode)',
      broken('garbage.json', (r) => (r.variants[0].tenants[0].load.latency.intended = 'garbage')),
      /variants\[0\]\.tenants\[0\]\.load\.latency\.intended: is not an encoded histogram/,
    ],
    [
      'an empty histogram string (read as "no requests" before)',
      broken('empty-hist.json', (r) => (r.variants[1].tenants[1].load.latency.actual = '')),
      /variants\[1\]\.tenants\[1\]\.load\.latency\.actual: is not an encoded histogram/,
    ],
    [
      'a count that is not a number (NaN is written as null)',
      broken('null-count.json', (r) => (r.variants[0].tenants[0].load.outcomes.ok = null as never)),
      /variants\[0\]\.tenants\[0\]\.load\.outcomes\.ok: /,
    ],
    [
      'a negative count',
      broken('negative.json', (r) => (r.variants[0].tenants[0].load.requests.completed = -5)),
      /load\.requests\.completed: /,
    ],
    [
      'an unknown threshold metric',
      broken('metric.json', (r) => (r.plan.thresholds[0].metric = 'joy' as never)),
      /plan\.thresholds\[0\]\.metric: /,
    ],
  ])('rejects %s with RESULT_FILE (exit 2)', async (_name, makePath, message) => {
    const path = makePath();
    await expect(readResultFile(path)).rejects.toMatchObject({
      code: 'RESULT_FILE',
      exitCode: 2,
      message: expect.stringMatching(/./),
    });
    // The message or one of its detail lines names the problem (the field's path for schema errors).
    const error = await readResultFile(path).catch((e) => e);
    expect([error.message, ...error.details].join('\n')).toMatch(message);
  });

  it('keeps fields the schema does not list (a newer writer), instead of dropping them', async () => {
    const r = await readResultFile(broken('extra.json', (x) => Object.assign(x.meta, { futureField: 42 }))());
    expect((r.meta as unknown as { futureField: number }).futureField).toBe(42);
  });

  it('reads a result without verdicts (a run cut short before them) as having none', async () => {
    const r = await readResultFile(
      broken('no-verdicts.json', (x) => Reflect.deleteProperty(x, 'verdicts'))(),
    );
    expect(r.verdicts).toEqual([]);
  });

  it('reads a result written before the modelled CPU existed (plan.local without cpu) as the host model', async () => {
    const r = await readResultFile(
      broken('old-local.json', (x) => Reflect.deleteProperty(x.plan.local ?? {}, 'cpu'))(),
    );
    expect(r.plan.local?.cpu).toBe('host');
  });
});
