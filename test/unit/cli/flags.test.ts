import { describe, expect, it } from 'vitest';
import { flagDuration } from '../../../src/cli/flags.ts';
import { isMeshbenchError } from '../../../src/errors.ts';

describe('flagDuration', () => {
  it('rejects a duration past what a timer can wait (issue 11: --duration 1000h measured 1 ms and passed)', () => {
    let err: unknown;
    try {
      flagDuration('duration', '1000h', { example: '60s' });
    } catch (e) {
      err = e;
    }
    expect(isMeshbenchError(err) && err.code).toBe('INVALID_FLAG');
    expect(String((err as Error).message)).toBe('--duration must be at most 168h, got "1000h"');
    expect(flagDuration('duration', '168h', { example: '60s' })).toBe(168 * 3_600_000);
  });

  it('reads units and refuses what does not parse', () => {
    expect(flagDuration('duration', '1m30s', { example: '60s' })).toBe(90_000);
    expect(() => flagDuration('duration', '60', { example: '60s' })).toThrow(
      /must be a duration with a unit/,
    );
  });
});
