import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const workflow = parse(
  readFileSync(new URL('../../../.github/workflows/nightly.yml', import.meta.url), 'utf8'),
);
const steps: Array<{ name?: string; uses?: string; run?: string; with?: Record<string, string> }> =
  workflow.jobs['waypoint-sharing'].steps;
const index = (name: string) => steps.findIndex((s) => s.name === name);

describe('the nightly workflow keeps a history (issue #16)', () => {
  it('restores earlier nights, appends tonight’s, renders and saves the history, then gates on the trend', () => {
    const restore = steps[index('Restore the earlier nights')];
    expect(restore.uses).toMatch(/^actions\/cache\/restore@/);
    expect(restore.with?.['restore-keys']).toBe('meshbench-history-');
    const history = steps[index("Append tonight's run and render the history")];
    expect(history.run).toMatch(/meshbench\.js history history\/results --suite waypoint-sharing .*--gate/);
    const save = steps[index('Save the history')];
    expect(save.uses).toMatch(/^actions\/cache\/save@/);
    // Saved under a new key each night (a cache key is written once), restored by its prefix.
    expect(save.with?.key).toBe(restore.with?.key);
    expect(save.with?.key).toMatch(/github\.run_id/);
    expect(index('Run the reference suite on kind')).toBeLessThan(
      index("Append tonight's run and render the history"),
    );
    expect(steps[index('Trend gate')].run).toMatch(/100\).*exit 1/);
    expect(steps[index('Upload the history')].with?.path).toBe('history/report/');
  });
});
