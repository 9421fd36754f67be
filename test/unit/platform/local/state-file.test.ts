import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureStateDir, stateDir, writeUpState } from '../../../../src/platform/local/state-file.ts';

const root = mkdtempSync(join(tmpdir(), 'meshbench-state-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const state = { pid: 4242, startedAt: 'now', suite: 's', variant: 'shared', componentPids: [] };

describe("up's state file (issue 11: a symlink at its fixed name in the temp folder made up overwrite the target)", () => {
  it('lives in a per-user folder of the temp dir, created owner-only', async () => {
    const dir = await ensureStateDir({});
    expect(dir).toBe(stateDir({}));
    expect(dir).toBe(join(tmpdir(), `meshbench-${process.getuid?.()}`));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('refuses a state folder that is a symlink', async () => {
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(elsewhere);
    const link = join(root, 'linked-state');
    symlinkSync(elsewhere, link);
    await expect(ensureStateDir({ MESHBENCH_STATE_DIR: link })).rejects.toMatchObject({
      message: expect.stringMatching(/is not a private folder of this user/),
    });
  });

  it('replaces a symlink at the file name instead of writing through it, and writes owner-only', async () => {
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const path = join(root, 'meshbench-up.json');
    symlinkSync(victim, path);
    await writeUpState(path, state);
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8')).pid).toBe(4242);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
