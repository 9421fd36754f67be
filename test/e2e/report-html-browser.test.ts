import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM, expectInertPage, hasChromium, launchChromium, watchPage } from '../helpers/chromium.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/index.ts';
import { newTag, waitForNoTagged } from '../helpers/leaks.ts';
import { buildSampleResult, renameForDisplay } from '../unit/analysis/build-sample-result.ts';

if (!hasChromium)
  console.warn(`report-html-browser: skipped, ${CHROMIUM} is absent (apt-get install chromium)`);

const EVIL = '<img src=x onerror=alert(1)>';
const dir = mkdtempSync(join(tmpdir(), 'meshbench-html-'));
const tag = newTag();

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  expect(await waitForNoTagged(tag)).toEqual([]);
});

describe.skipIf(!hasChromium)('report.html in headless Chromium', () => {
  it('shows its charts and tables offline and renders hostile names as text', async () => {
    const result = renameForDisplay(buildSampleResult(), { suite: `suite ${EVIL}`, tenant: ['ns-2', EVIL] });
    await writeReports(result, dir, { only: ['html'] });
    const browser = await launchChromium(tag);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const watched = watchPage(page);
      await page.goto(pathToFileURL(join(dir, 'report.html')).href, { waitUntil: 'load' });

      const shot = await page.screenshot({ fullPage: true, path: join(dir, 'report.png') });
      expect(shot.length).toBeGreaterThan(50_000);

      const images = await page.$$eval('img', (imgs) =>
        imgs.map((i) => ({
          ok: i.complete && i.naturalWidth > 0,
          w: i.naturalWidth,
          src: i.src.slice(0, 22),
        })),
      );
      // Exactly our 8 charts: an injected <img> would add one.
      expect(images).toHaveLength(8);
      for (const img of images) {
        expect(img.ok).toBe(true);
        expect(img.src).toBe('data:image/png;base64,');
      }
      await expect(page.locator('figure img').first().isVisible()).resolves.toBe(true);
      await expect(page.locator('table.tenant').first().isVisible()).resolves.toBe(true);
      await expect(page.locator('#verdicts').isVisible()).resolves.toBe(true);
      expect(await page.locator('table.tenant').count()).toBe(2);

      expect(await page.locator('#suite').textContent()).toBe(`suite ${EVIL}`);
      expect(await page.locator('h3', { hasText: EVIL }).textContent()).toBe(`Tenant ${EVIL}`);
      // Readable offline: nothing but the file itself is fetched.
      await expectInertPage(page, watched);
    } finally {
      await browser.close();
    }
  });

  it('a sweep: its tables per variant and its five charts against offered load, names as text (issue #15)', async () => {
    // The sample run's variants as two sweep steps each: the structure a sweep writes, with real figures.
    const sample = renameForDisplay(buildSampleResult(), { suite: 'sweep', tenant: ['ns-2', EVIL] });
    const steps = [
      { factor: 0.5, rate: 162, connections: 16 },
      { factor: 1, rate: 325, connections: 33 },
    ];
    const result = {
      ...sample,
      plan: { ...sample.plan, sweep: { base: { rate: 6500, connections: 650 }, steps, reference: 1 } },
      variants: sample.variants.flatMap((v) => steps.map((st, i) => ({ ...v, load: { ...st, step: i } }))),
    };
    const out = join(dir, 'sweep');
    await writeReports(result, out, { only: ['html'] });
    const browser = await launchChromium(tag);
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const { dialogs } = watchPage(page);
      await page.goto(pathToFileURL(join(out, 'report.html')).href, { waitUntil: 'load' });
      await page.screenshot({ fullPage: true, path: join(out, 'report.png') });
      const alts = await page.$$eval('img', (imgs) =>
        imgs.filter((i) => i.complete && i.naturalWidth > 0).map((i) => i.alt),
      );
      // The eight charts of any run, and the five against offered load.
      expect(alts).toHaveLength(13);
      for (const t of [
        'p99 latency against offered load',
        'Error rate against offered load',
        'Waypoint CPU against offered load',
      ])
        expect(
          alts.some((a) => a.startsWith(t)),
          t,
        ).toBe(true);
      await expect(page.locator('#sweep').isVisible()).resolves.toBe(true);
      // A table per variant, a row per step × tenant; the hostile tenant name is text in it.
      const sweepTables = page.locator('#sweep ~ table');
      expect(await page.locator('h2#sweep ~ h3').count()).toBeGreaterThanOrEqual(2);
      expect(await sweepTables.first().locator('tr').count()).toBe(1 + steps.length * 2);
      expect(await sweepTables.first().textContent()).toContain(EVIL);
      expect(await page.locator('[onerror]').count()).toBe(0);
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
