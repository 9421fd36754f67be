/** Headless Chromium for the report tests: offline, tagged so the leak check finds any process it leaves. */
import { existsSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export function launchChromium(tag: string) {
  return chromium.launch({
    executablePath: CHROMIUM,
    env: { ...process.env, MESHBENCH_TEST_TAG: tag },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Records a page's dialogs (an injected script's alert) and requests from now on. */
export function watchPage(page: Page): { dialogs: string[]; requests: string[] } {
  const watched = { dialogs: [] as string[], requests: [] as string[] };
  page.on('dialog', (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => watched.requests.push(r.url()));
  return watched;
}

/** Nothing ran and nothing was fetched: no handler attribute, no script, no dialog, only file: and data:. */
export async function expectInertPage(page: Page, watched: { dialogs: string[]; requests: string[] }) {
  expect(await page.locator('[onerror]').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(0);
  expect(watched.dialogs).toEqual([]);
  expect(watched.requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
}
