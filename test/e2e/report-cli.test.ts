import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { BIN, runCli } from '../helpers/cli.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-report-cli-'));
const tag = newTag();
const env = { MESHBENCH_TEST_TAG: tag };
const SAMPLE = 'fixtures/results/sample-result.json';

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await waitForNoTagged(tag)).toEqual([]);
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('meshbench report (CLI process)', () => {
  it('re-renders every report from a result file and prints the summary', async () => {
    const out = join(dir, 'all');
    const r = await runCli(['report', SAMPLE, '--out', out], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['charts', 'fortio', 'junit.xml', 'report.html', 'summary.md']);
    expect(readdirSync(join(out, 'charts'))).toHaveLength(8);
    expect(r.stderr).toMatch(/tenant ns-2\s+dedicated\s+shared/);
    expect(r.stderr).toContain('all 8 threshold verdicts passed');
    expect(r.stderr).toContain(`wrote 15 file(s) to ${out}`);
    expect(r.stdout).toBe('');
  });

  it('renders only the reporters named by --only', async () => {
    const out = join(dir, 'some');
    const r = await runCli(['report', SAMPLE, '--out', out, '--only', 'markdown,junit'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['junit.xml', 'summary.md']);
  });

  it('rejects an unknown reporter naming it and the valid ones', async () => {
    const r = await runCli(['report', SAMPLE, '--out', join(dir, 'x'), '--only', 'html,pdf'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error INVALID_FLAG: --only names unknown reporter "pdf"');
    expect(r.stderr).toContain('charts, html, markdown, junit, fortio');
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('stays interruptible on a long run: Ctrl-C while rendering exits 105 at once, writing nothing (issue 11)', async () => {
    // 12 000 seconds per line: the charts merge 48 000 histograms (minutes before the fix, deaf to signals).
    const r = JSON.parse(readFileSync(SAMPLE, 'utf8'));
    for (const v of r.variants) {
      for (const t of v.tenants) {
        const s = t.load.series;
        t.load.series = Array.from({ length: 12_000 }, (_, i) => ({
          ...s[i % s.length],
          t: i,
          warmup: false,
        }));
      }
    }
    const long = file('long.json', JSON.stringify(r));
    const out = join(dir, 'long-out');
    const child = execa(process.execPath, [BIN, 'report', long, '--out', out], {
      reject: false,
      timeout: 60_000,
      env: { ...env, FORCE_COLOR: '0' },
    });
    let killedAt = 0;
    child.stderr?.on('data', (d: Buffer) => {
      if (!killedAt && d.toString().includes('rendering the reports of')) {
        killedAt = Date.now();
        child.kill('SIGINT');
      }
    });
    const done = await child;
    expect(killedAt, done.stderr).toBeGreaterThan(0);
    expect(done.exitCode, done.stderr).toBe(105);
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });

  it("rejects --only '' (it used to write nothing and exit 0; issue 11)", async () => {
    const out = join(dir, 'empty-only');
    const r = await runCli(['report', SAMPLE, '--out', out, '--only', ''], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error INVALID_FLAG: --only names no reporter');
  });

  it('exits 2 with RESULT_FILE for a missing file and a wrong schemaVersion (other cases: read-result unit test)', async () => {
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'nope.json'), /cannot read result file .*nope\.json: it does not exist/],
      [
        file('v99.json', JSON.stringify({ schemaVersion: 99, meta: {}, plan: {}, variants: [] })),
        /has result schemaVersion 99; this meshbench reads version 1/,
      ],
      // A structurally wrong schemaVersion-1 file used to exit 1 "internal error" (issue 11).
      [
        file(
          'empty-variant.json',
          JSON.stringify({ ...JSON.parse(readFileSync(SAMPLE, 'utf8')), variants: [{}] }),
        ),
        /empty-variant\.json is not a valid meshbench result/,
      ],
    ];
    const runs = await Promise.all(
      cases.map(([path]) => runCli(['report', path, '--out', join(dir, 'never')], { env })),
    );
    runs.forEach((r, i) => {
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error RESULT_FILE: /);
      expect(r.stderr).toMatch(cases[i][1]);
      expect(r.stderr).toContain('fix:');
      expect(r.stderr).not.toContain('    at ');
    });
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
