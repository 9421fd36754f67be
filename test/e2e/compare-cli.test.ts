import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistogram, encodeHistogram } from '../../src/metrics/histogram.ts';
import { runCli } from '../helpers/cli.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';
import { buildSampleResult } from '../unit/analysis/build-sample-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-compare-cli-'));
const tag = newTag();
const env = { MESHBENCH_TEST_TAG: tag };

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await waitForNoTagged(tag)).toEqual([]);
});

function save(name: string, value: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

const baseline = save('baseline.json', buildSampleResult({ repeats: 2, id: 'baseline' }));
const again = save('again.json', buildSampleResult({ repeats: 2, id: 'again', seed: 9 }));
const slower = save(
  'slower.json',
  buildSampleResult({ repeats: 2, id: 'slower', seed: 7, latencyFactor: 1.3 }),
);

describe('meshbench compare (CLI process)', () => {
  it('exits 0 within tolerance and writes compare.md and compare.html', async () => {
    const out = join(dir, 'same');
    const r = await runCli(['compare', baseline, again, '--out', out], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'compare baseline (baseline) → again (candidate): no regression beyond 10% tolerance',
    );
    expect(r.stderr).toMatch(/shared\s+ns-2\s+error rate\s+\d+\.\d\d%\s+\d+\.\d\d%/);
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toContain('✅ no regression');
    expect(readFileSync(join(out, 'compare.html'), 'utf8')).toContain('<table id="deltas">');
    expect(r.stdout).toBe('');
  });

  it('exits 100 on a real regression and prints JSON on stdout with --json', async () => {
    const out = join(dir, 'slow');
    const r = await runCli(['compare', baseline, slower, '--out', out, '--json'], { env });
    expect(r.exitCode, r.stderr).toBe(100);
    expect(r.stderr).toMatch(/dedicated\s+ns-1\s+avg \(ms\)\s+30\.\d\d\s+39\.\d\d\s+\+\d\d\.\d%.*REGRESSION/);
    const json = JSON.parse(r.stdout);
    expect(json.regressions).toBeGreaterThan(0);
    expect(json.tolerance).toBe(0.1);
    expect(json.deltas[0]).toMatchObject({ variant: 'dedicated', tenant: 'ns-1', metric: 'latency.avg' });
    expect(readFileSync(join(out, 'compare.md'), 'utf8')).toMatch(/❌ \d+ regressions beyond 10% tolerance/);
  });

  it('honours --tolerance, and rejects a bad one naming the flag', async () => {
    const ok = await runCli(['compare', baseline, slower, '--out', join(dir, 'tol'), '--tolerance', '0.5'], {
      env,
    });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const bad = await runCli(['compare', baseline, slower, '--tolerance', 'ten'], { env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error INVALID_FLAG: --tolerance must be a number');
    expect(bad.stderr).toContain('fix: pass e.g. --tolerance 0.1');
  });

  it('exits 108 NOT_COMPARABLE when the runs share no measured figure, never "no regression" (issue 11)', async () => {
    // A baseline that measured nothing: every candidate figure is new, none can be judged.
    const empty = buildSampleResult({ repeats: 2, id: 'empty', seed: 9 });
    const none = encodeHistogram(createHistogram());
    for (const v of empty.variants)
      for (const t of v.tenants) {
        t.load.requests = { ...t.load.requests, sent: 0, completed: 0 };
        t.load.outcomes = {
          ...t.load.outcomes,
          ok: 0,
          status: {},
          timeout: 0,
          reset: 0,
          refused: 0,
          other: {},
        };
        t.load.latency = { intended: none, actual: none, errors: none };
        t.load.series = [];
      }
    const nothing = save('measured-nothing.json', empty);
    const r = await runCli(['compare', nothing, again, '--out', join(dir, 'nothing')], { env });
    expect(r.exitCode, r.stderr).toBe(108);
    expect(r.stderr).toMatch(
      /error NOT_COMPARABLE: nothing to compare: .*measured-nothing\.json and .*again\.json/,
    );
    // A candidate that lost the baseline's variants is a regression, with its report, not "nothing to compare".
    const renamed = buildSampleResult({ repeats: 2, id: 'renamed', seed: 9 });
    for (const v of renamed.variants) v.name = `other-${v.name}`;
    const lost = await runCli(
      ['compare', baseline, save('renamed.json', renamed), '--out', join(dir, 'renamed')],
      {
        env,
      },
    );
    expect(lost.exitCode, lost.stderr).toBe(100);
    expect(readFileSync(join(dir, 'renamed', 'compare.md'), 'utf8')).toMatch(/regression/);
  });

  it('exits 2 naming the field for a structurally wrong result, not 1 or a pass (issue 11)', async () => {
    const wrongGit = buildSampleResult({ repeats: 2, id: 'wrong-git' });
    wrongGit.meta.git = 'abc' as never;
    const garbage = buildSampleResult({ repeats: 2, id: 'garbage' });
    garbage.variants[0].tenants[0].load.latency.intended = 'garbage';
    const cases: Array<[string, string]> = [
      [save('wrong-git.json', wrongGit), '- meta.git: '],
      [
        save('garbage.json', garbage),
        '- variants[0].tenants[0].load.latency.intended: is not an encoded histogram',
      ],
    ];
    for (const [file, detail] of cases) {
      for (const args of [
        ['compare', baseline, file],
        ['compare', file, baseline],
      ]) {
        const r = await runCli([...args, '--out', join(dir, 'wrong')], { env });
        expect(r.exitCode, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/error RESULT_FILE: .*\.json is not a valid meshbench result/);
        expect(r.stderr).toContain(detail);
      }
    }
  });

  it('exits 2 with RESULT_FILE when a side is not a result', async () => {
    const r = await runCli(['compare', baseline, join(dir, 'missing.json')], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/error RESULT_FILE: cannot read result file .*missing\.json/);
  });
});
