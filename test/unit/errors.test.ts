import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, ExitCode, MeshbenchError, showValue } from '../../src/errors.ts';

describe('error family', () => {
  it('keeps code, exit code, fix and cause', () => {
    const cause = new Error('inner');
    const e = new MeshbenchError('INVALID_FLAG', '--rate must be a number', {
      input: '--rate',
      value: 'x',
      fix: 'pass --rate 100',
      cause,
    });
    expect(e.exitCode).toBe(2);
    expect(e.cause).toBe(cause);
    expect(e.format()).toBe('error INVALID_FLAG: --rate must be a number\n  fix: pass --rate 100');
  });

  it('maps every code to a documented exit code', () => {
    const documented = new Set(Object.values(ExitCode));
    for (const code of Object.values(ErrorCodes)) expect(documented.has(code)).toBe(true);
  });

  it('lists every exit code in the README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const code of Object.values(ExitCode)) expect(readme).toMatch(new RegExp(`\\|\\s*${code}\\s*\\|`));
  });

  it('shows non-finite numbers as themselves, not as null (issue 11: rate 1e400 said "got null")', () => {
    expect(showValue(JSON.parse('1e400'))).toBe('Infinity');
    expect(showValue(Number.NaN)).toBe('NaN');
    expect(showValue(12)).toBe('12');
  });
});
