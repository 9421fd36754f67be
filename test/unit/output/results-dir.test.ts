import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isMeshbenchError } from '../../../src/errors.ts';
import {
  createRunDir,
  ensureWritableDir,
  stampOf,
  writeFilesUnder,
  writeJsonAtomic,
} from '../../../src/output/results-dir.ts';

const root = mkdtempSync(join(tmpdir(), 'meshbench-results-'));

describe('results directory', () => {
  it('stamps in UTC', () => {
    expect(stampOf(new Date('2026-11-29T04:30:12.345Z'))).toBe('20261129T043012Z');
  });

  it('creates a fresh directory per run, never reusing one', async () => {
    const now = new Date('2026-11-29T04:30:12Z');
    const a = await createRunDir({ root, suite: 'ref', now });
    const b = await createRunDir({ root, suite: 'ref', now });
    expect(a.dir).not.toBe(b.dir);
    expect(a.dir).toMatch(/ref\/20261129T043012Z-[0-9a-f]{6}$/);
    expect(readdirSync(join(root, 'ref'))).toHaveLength(2);
  });

  it('rejects a results root that is a file, naming it and the fix', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await expect(createRunDir({ root: file, suite: 'ref', now: new Date() })).rejects.toMatchObject({
      code: 'RESULTS_DIR',
      exitCode: 2,
      message: expect.stringMatching(/--results .*a-file cannot be used: .*not a directory/),
      fix: expect.stringMatching(/--results/),
    });
  });

  it('writes JSON atomically without leaving temp files', async () => {
    const p = join(root, 'x.json');
    await writeJsonAtomic(p, { a: 1 });
    await writeJsonAtomic(p, { a: 2 });
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ a: 2 });
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a failed write names the path and the cause, exits RESULTS_WRITE, and leaves no temp file (issue 11)', async () => {
    const dir = join(root, 'failing');
    mkdirSync(join(dir, 'result.json'), { recursive: true }); // rename onto a directory fails
    const err = await writeJsonAtomic(join(dir, 'result.json'), { a: 1 }).then(
      () => null,
      (e) => e,
    );
    expect(isMeshbenchError(err) && err.code).toBe('RESULTS_WRITE');
    expect(err.exitCode).toBe(107);
    expect(err.message).toMatch(/^cannot write \S+failing\/result\.json: E[A-Z]+$/);
    expect(readdirSync(dir)).toEqual(['result.json']);
    const gone = await writeJsonAtomic(join(root, 'no-such-folder', 'result.json'), {}).then(
      () => null,
      (e) => e,
    );
    expect(gone.message).toContain('ENOENT');
    expect(gone.format()).toContain('fix: keep the results folder in place during the run');
  });
});

/** A read-only tmpfs mounted in the test folder, or undefined where this user may not mount (not root). */
function readOnlyMount(): string | undefined {
  const at = join(root, 'read-only');
  mkdirSync(at);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', at], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return at;
}
const readOnly = readOnlyMount();
// One hook, in order: the mount must be gone before its folder can be removed.
afterAll(() => {
  if (readOnly) execFileSync('umount', [readOnly]);
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!readOnly)('an --out on a read-only file system (issue 11: it said ENOENT)', () => {
  it('names the read-only folder for an existing directory and for one it would create', async () => {
    const ro = readOnly as string;
    await expect(ensureWritableDir({ dir: ro, flag: '--out' })).rejects.toMatchObject({
      code: 'RESULTS_DIR',
      message: `--out ${ro} cannot be used: ${ro} is on a read-only file system (EROFS)`,
    });
    await expect(ensureWritableDir({ dir: join(ro, 'a', 'b'), flag: '--out' })).rejects.toMatchObject({
      code: 'RESULTS_DIR',
      message: `--out ${join(ro, 'a', 'b')} cannot be used: it cannot be created: ${ro} is on a read-only file system (EROFS)`,
    });
  });
});

describe('writeFilesUnder (issue 11: writes followed symlinks out of meshbench folders)', () => {
  it('refuses a folder on the way that is a symlink out of the root, and leaves its target alone', async () => {
    const out = join(root, 'report-out');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(out, { recursive: true });
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'a.png'), 'precious');
    symlinkSync(elsewhere, join(out, 'charts'));
    const err = await writeFilesUnder(out, [{ path: 'charts/a.png', bytes: 'chart' }]).then(
      () => null,
      (e) => e,
    );
    expect(isMeshbenchError(err) && err.code).toBe('RESULTS_DIR');
    expect(err.message).toContain('(a symlink to');
    expect(readFileSync(join(elsewhere, 'a.png'), 'utf8')).toBe('precious');
  });

  it('replaces a symlink at a file name instead of writing through it', async () => {
    const out = join(root, 'plan-out');
    mkdirSync(out, { recursive: true });
    const target = join(root, 'victim.yaml');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(out, 'plan.yaml'));
    await writeFilesUnder(out, [{ path: 'plan.yaml', bytes: 'plan' }]);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(readFileSync(join(out, 'plan.yaml'), 'utf8')).toBe('plan');
    expect(lstatSync(join(out, 'plan.yaml')).isSymbolicLink()).toBe(false);
    await expect(writeFilesUnder(out, [{ path: '../escape.txt', bytes: 'x' }])).rejects.toThrow(/escapes/);
  });
});
