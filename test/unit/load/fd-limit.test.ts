import { describe, expect, it } from 'vitest';
import { evaluateValidity } from '../../../src/analysis/validity.ts';
import { isMeshbenchError } from '../../../src/errors.ts';
import { checkConnectionBudget, FD_HEADROOM, openFileLimit } from '../../../src/load/fd-limit.ts';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            200                  1048576              files
`;

describe("the generator's descriptor budget (issue 11: EMFILE reported as the target's errors)", () => {
  it('reads the soft limit, and nothing when unlimited or unreadable', () => {
    expect(openFileLimit(LIMITS)).toBe(200);
    expect(openFileLimit(LIMITS.replace('200                 ', 'unlimited           '))).toBeUndefined();
    expect(openFileLimit('garbage')).toBeUndefined();
  });

  it('refuses connections past the limit before any load, naming the limit and the fix', () => {
    expect(() => checkConnectionBudget(200 - FD_HEADROOM, 200)).not.toThrow();
    let err: unknown;
    try {
      checkConnectionBudget(400, 200);
    } catch (e) {
      err = e;
    }
    expect(isMeshbenchError(err) && err.code).toBe('FD_LIMIT');
    expect((err as Error).message).toContain('(ulimit -n is 200)');
    expect(isMeshbenchError(err) && err.format()).toContain('fix: raise the limit (ulimit -n 656)');
    expect(() => checkConnectionBudget(1e6, null)).not.toThrow(); // unknown limit: not checked
  });

  it('EMFILE during a run makes the result invalid: the harness failed, not the target', () => {
    const v = evaluateValidity(undefined, { completed: 100, harnessErrors: { EMFILE: 47 } });
    expect(v.valid).toBe(false);
    expect(v.reasons[0]).toMatch(/^47 request\(s\) failed with EMFILE on the load generator's own machine/);
  });
});
