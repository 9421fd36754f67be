import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../../src/analysis/summarize.ts';
import { buildSampleResult } from './build-sample-result.ts';

const FIXTURE = new URL('../../../fixtures/results/sample-result.json', import.meta.url);

describe('fixtures/results/sample-result.json', () => {
  it('is what the seeded generator builds (MESHBENCH_UPDATE_GOLDEN=1 rewrites it)', () => {
    const text = `${JSON.stringify(buildSampleResult(), null, 1)}\n`;
    if (process.env.MESHBENCH_UPDATE_GOLDEN === '1') writeFileSync(FIXTURE, text);
    expect(readFileSync(FIXTURE, 'utf8')).toBe(text);
  });

  it('is shaped like the article: dedicated ~30 ms and clean, shared ns-1 ~59 ms, ns-2 ~32% errors', () => {
    const s = summarizeRun(JSON.parse(readFileSync(FIXTURE, 'utf8')));
    const t = (v: string, n: string) =>
      s.variants.find((x) => x.name === v)!.tenants.find((x) => x.tenant === n)!;
    for (const n of ['ns-1', 'ns-2']) {
      expect(t('dedicated', n).merged.latency.avgMs).toBeGreaterThan(28);
      expect(t('dedicated', n).merged.latency.avgMs).toBeLessThan(32);
      expect(t('dedicated', n).merged.errors.rate).toBe(0);
    }
    expect(t('shared', 'ns-1').merged.latency.avgMs).toBeGreaterThan(56);
    expect(t('shared', 'ns-1').merged.latency.avgMs).toBeLessThan(63);
    expect(t('shared', 'ns-2').merged.errors.rate).toBeGreaterThan(0.3);
    expect(t('shared', 'ns-2').merged.errors.rate).toBeLessThan(0.34);
  });
});
