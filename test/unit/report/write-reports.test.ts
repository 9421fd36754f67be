import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORTER_NAMES, writeReports } from '../../../src/report/index.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'meshbench-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const result = buildSampleResult();

describe('writeReports', () => {
  it('writes every reporter by default and returns the paths', async () => {
    const out = join(dir, 'all');
    const paths = await writeReports(result, out);
    expect(REPORTER_NAMES).toEqual(['charts', 'html', 'markdown', 'junit', 'fortio']);
    for (const p of [
      'report.html',
      'summary.md',
      'junit.xml',
      'charts/latency-spectrum.png',
      'fortio/shared-ns-2.json',
    ]) {
      expect(paths).toContain(join(out, p));
      expect(existsSync(join(out, p))).toBe(true);
    }
    expect(paths).toHaveLength(8 + 1 + 1 + 1 + 4);
    // atomic writes leave no temp files behind
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('waypoint-sharing');
  });

  it('writes only the reporters asked for, and rejects an unknown one by name', async () => {
    const out = join(dir, 'some');
    const paths = await writeReports(result, out, { only: ['markdown', 'junit'] });
    expect(paths).toEqual([join(out, 'summary.md'), join(out, 'junit.xml')]);
    await expect(writeReports(result, out, { only: ['pdf'] })).rejects.toMatchObject({
      code: 'INVALID_FLAG',
      message: expect.stringContaining('"pdf"'),
    });
  });

  it('recomputes verdicts from the thresholds rather than trusting the stored ones', async () => {
    const r = structuredClone(result);
    r.verdicts = r.verdicts.map((v) => ({ ...v, pass: false }));
    const out = join(dir, 'recomputed');
    await writeReports(r, out, { only: ['junit'] });
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('failures="0"');
  });
});

describe('writeReports on partial runs', () => {
  it('renders a run aborted before anything was measured', async () => {
    const r = structuredClone(result);
    r.variants = [];
    r.meta.complete = false;
    r.meta.abort = { reason: 'SIGINT', code: 'ABORTED' };
    const out = join(dir, 'empty');
    const paths = await writeReports(r, out);
    expect(paths).toContain(join(out, 'report.html'));
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain('**Incomplete run**: ABORTED: SIGINT');
    // Every threshold fails with a note rather than passing on nothing.
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('was not measured');
  });

  it('renders a run whose second variant failed with no tenants and an incomplete tenant', async () => {
    const r = structuredClone(result);
    r.variants[1] = {
      ...r.variants[1],
      complete: false,
      tenants: [],
      cpu: [],
      stats: [],
      error: { code: 'PLATFORM_FAILED', message: 'waypoint exited' },
    };
    r.variants[0].tenants[1].load.incomplete = true;
    r.variants[0].complete = false;
    const out = join(dir, 'partial');
    await writeReports(r, out);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('PLATFORM_FAILED waypoint exited');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('dedicated (partial)');
  });
});
