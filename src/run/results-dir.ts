/** The results directory (effects): results/<suite>/<UTC timestamp>-<id>/, never overwritten. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile, access, constants, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MeshbenchError } from '../errors.ts';

/** UTC timestamp safe in file names: 20261129T043012Z. */
export function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Creates a fresh run directory under `root`; fails with RESULTS_DIR naming the path and the fix. */
export async function createRunDir(input: {
  root: string;
  suite: string;
  now: Date;
}): Promise<{ dir: string; id: string }> {
  const root = resolve(input.root);
  try {
    const st = await stat(root).catch(() => undefined);
    if (st && !st.isDirectory()) throw new Error(`${root} exists and is not a directory`);
    await mkdir(root, { recursive: true });
    await access(root, constants.W_OK);
  } catch (cause) {
    throw new MeshbenchError(
      'RESULTS_DIR',
      `results directory ${input.root} cannot be used: ${(cause as Error).message}`,
      {
        input: '--results',
        value: input.root,
        cause,
        fix: 'pass --results with a writable directory (it is created when missing)',
      },
    );
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = randomBytes(3).toString('hex');
    const dir = join(root, input.suite, `${stampOf(input.now)}-${id}`);
    try {
      await mkdir(join(root, input.suite), { recursive: true });
      await mkdir(dir); // not recursive: fails if it exists, so a run never overwrites another
      return { dir, id };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new MeshbenchError('RESULTS_DIR', `cannot create ${dir}: ${(e as Error).message}`, {
          input: '--results',
          value: input.root,
          cause: e,
          fix: 'pass --results with a writable directory',
        });
      }
    }
  }
  throw new MeshbenchError('RESULTS_DIR', `could not find a free run directory under ${root}`, {
    fix: 'retry',
  });
}

/** Writes JSON atomically (temp file + rename), so a crash never leaves half a result.json. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 1)}\n`);
  await rename(tmp, path);
}
