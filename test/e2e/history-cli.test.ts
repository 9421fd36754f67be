import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expectInertPage, hasChromium, launchChromium, watchPage } from '../helpers/chromium.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';
import { buildSampleResult, renameForDisplay } from '../unit/analysis/build-sample-result.ts';

const EVIL = '<img src=x onerror=alert(1)>';
const root = mkdtempSync(join(tmpdir(), 'meshbench-history-'));

/** Twelve nights of the sample run (fresh noise each), optionally the last four 25% slower; one night's tenant renamed. */
function writeNights(dir: string, opts: { slowFrom?: number; nights?: number } = {}) {
  const nights = opts.nights ?? 12;
  for (let i = 0; i < nights; i++) {
    const id = `night-${String(i + 1).padStart(2, '0')}`;
    let r = buildSampleResult({
      seed: 100 + i,
      id,
      startedAt: `2026-11-${String(10 + i).padStart(2, '0')}T02:00:00.000Z`,
      latencyFactor: opts.slowFrom !== undefined && i >= opts.slowFrom ? 1.25 : 1,
    });
    // A hostile name in one result only: it must render as text wherever it shows.
    if (i === 3) r = renameForDisplay(r, { tenant: ['ns-2', EVIL] });
    mkdirSync(join(dir, 'waypoint-sharing', id), { recursive: true });
    writeFileSync(join(dir, 'waypoint-sharing', id, 'result.json'), JSON.stringify(r));
  }
}

beforeAll(() => {
  writeNights(join(root, 'flat'));
  writeNights(join(root, 'step'), { slowFrom: 8 });
  // A run of another suite beside them, refused with a line.
  const other = buildSampleResult({ id: 'other-01' });
  other.meta.suite.name = 'other-suite';
  mkdirSync(join(root, 'step', 'other-suite', 'other-01'), { recursive: true });
  writeFileSync(join(root, 'step', 'other-suite', 'other-01', 'result.json'), JSON.stringify(other));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('meshbench history', () => {
  it('identical nights: no change point, the gate passes, history.html and history.md written', async () => {
    const out = join(root, 'out-flat');
    const r = await runCli(['history', join(root, 'flat'), '--out', out, '--gate', '--json'], {
      timeout: 120_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const h = JSON.parse(r.stdout);
    expect(h.runs.map((x: { id: string }) => x.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `night-${String(i + 1).padStart(2, '0')}`),
    );
    expect(h.series.flatMap((s: { changes: unknown[] }) => s.changes)).toEqual([]);
    expect(r.stderr).toMatch(/gate: no series is in a regression/);
    expect(existsSync(join(out, 'history.html'))).toBe(true);
    expect(readFileSync(join(out, 'history.md'), 'utf8')).toMatch(/### Change points\n\nNone\./);
  });

  it('four slower nights: the change is found at the first of them, nothing before; --gate exits 100 naming it', async () => {
    const out = join(root, 'out-step');
    const r = await runCli(
      ['history', join(root, 'step'), '--suite', 'waypoint-sharing', '--out', out, '--gate', '--json'],
      {
        timeout: 120_000,
      },
    );
    expect(r.exitCode, r.stderr).toBe(100);
    expect(r.stderr).toMatch(
      /refused .*other-01.*result\.json: a run of suite other-suite, not waypoint-sharing/,
    );
    const h = JSON.parse(r.stdout);
    // Every variant × tenant (the renamed tenant of one night is a one-point series of its own: no change).
    const latency = h.series.filter(
      (s: { metric: string; points: unknown[] }) => s.metric === 'latency.avg' && s.points.length > 1,
    );
    expect(latency.length).toBe(4);
    for (const s of latency) {
      expect(s.changes.map((c: { runId: string }) => c.runId)).toEqual(['night-09']);
      expect(s.changes[0].pValue).toBeLessThan(0.05);
      expect(s.changes[0].change).toBeGreaterThan(0.15);
      expect(s.changes[0].regression).toBe(true);
    }
    // Nothing anywhere is flagged before the injected change.
    for (const s of h.series)
      for (const c of s.changes) expect(Number(c.runId.slice(-2))).toBeGreaterThanOrEqual(9);
    expect(r.stderr).toMatch(
      /gate: \d+ series regressed and the newest run \(night-12\) is in the regression \(exit 100\)/,
    );
    expect(r.stderr).toMatch(
      /average latency \(ms, intended start\) · dedicated · ns-1: median [\d.]+ → [\d.]+ \(\+2\d\.\d%/,
    );
  });

  it('without --suite, folders holding two suites are refused naming both (exit 2)', async () => {
    const r = await runCli(['history', join(root, 'step'), '--out', join(root, 'x')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /2 suites \(other-suite, waypoint-sharing\).*\n[\s\S]*pass --suite with one of other-suite, waypoint-sharing/,
    );
  });

  it('report --format exports the figures for github-action-benchmark and Bencher', async () => {
    const file = join(root, 'step', 'waypoint-sharing', 'night-01', 'result.json');
    const gab = await runCli(['report', file, '--format', 'gab']);
    expect(gab.exitCode, gab.stderr).toBe(0);
    const entries = JSON.parse(gab.stdout);
    expect(entries).toContainEqual(
      expect.objectContaining({ name: 'waypoint-sharing · shared · ns-2 · errors.rate', unit: 'ratio' }),
    );
    expect(entries.every((e: { unit: string }) => e.unit !== 'req/s')).toBe(true);
    const bigger = JSON.parse((await runCli(['report', file, '--format', 'gab-bigger'])).stdout);
    expect(bigger.map((e: { name: string }) => e.name)).toContain(
      'waypoint-sharing · dedicated · ns-1 · rps',
    );
    const bmf = JSON.parse((await runCli(['report', file, '--format', 'bencher'])).stdout);
    expect(bmf['waypoint-sharing/dedicated/ns-1']['latency-p99-ms'].value).toBeGreaterThan(0);
    const bad = await runCli(['report', file, '--format', 'csv']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(
      /--format csv is not an export format[\s\S]*use one of gab, gab-bigger, bencher/,
    );
  });

  it.skipIf(!hasChromium)(
    'history.html loads nothing external and renders a hostile name as text',
    async () => {
      const tag = newTag();
      const browser = await launchChromium(tag);
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const watched = watchPage(page);
        await page.goto(pathToFileURL(join(root, 'out-step', 'history.html')).href, { waitUntil: 'load' });
        await page.screenshot({ fullPage: true, path: join(root, 'out-step', 'history.png') });
        const images = await page.$$eval('img', (imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
        expect(images.length).toBeGreaterThanOrEqual(8);
        expect(images.every(Boolean)).toBe(true);
        expect(await page.locator('#changes').textContent()).toContain('night-09');
        // The hostile tenant of one night is a series of its own, named as text.
        expect(await page.locator('#series').textContent()).toContain(
          `p99 latency (ms, intended start) · shared · ${EVIL}`,
        );
        await expectInertPage(page, watched);
      } finally {
        await browser.close();
      }
      expect(await waitForNoTagged(tag)).toEqual([]);
    },
  );
});
