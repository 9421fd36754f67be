/** Headless Chromium for the report tests: offline, tagged so the leak check finds any process it leaves. */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

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
