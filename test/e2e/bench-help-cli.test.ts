/** The benchmarks' own command lines: help never starts a benchmark. */
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const bench = (file: string, args: string[]) =>
  execa(process.execPath, ['--import', 'tsx', file, ...args], { cwd: ROOT, reject: false, timeout: 30_000 });

describe('bench:engine flags', () => {
  it('--help prints the usage and exits 0 at once (issue 11: it started a five-minute benchmark)', async () => {
    const started = Date.now();
    const r = await bench('bench/engine-fidelity.ts', ['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run -s bench:engine --/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('an unknown flag is refused with the usage, exit 2', async () => {
    const r = await bench('bench/engine-fidelity.ts', ['--rat', '100']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('bench:engine: unknown flag --rat');
  });
});
