/**
 * Where meshbench writes (effects): results/<suite>/<UTC timestamp>-<id>/, never overwritten, and the
 * checked, atomic, symlink-safe file writes every output uses.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { access, constants, lstat, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { MeshbenchError } from '../errors.ts';

/** UTC timestamp safe in file names: 20261129T043012Z. */
export function stampOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Pseudo file systems where a directory can never be written (and recursive mkdir misbehaves). */
const PSEUDO_FS = /^\/(proc|sys|dev)(\/|$)/;

/**
 * Makes sure `dir` is a directory this process can write, creating it when missing; fails with
 * RESULTS_DIR naming the flag, the path and the fix. Called before any work, so nothing measured is
 * lost to an unwritable output path afterwards.
 */
export async function ensureWritableDir(input: { dir: string; flag: string }): Promise<string> {
  const dir = resolve(input.dir);
  try {
    if (PSEUDO_FS.test(dir)) throw new Error(`${dir} is on a pseudo file system`);
    const st = await stat(dir).catch(() => undefined);
    if (st && !st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    await mkdir(dir, { recursive: true }).catch(async (cause) => {
      // Recursive mkdir under a read-only mount says ENOENT: name the folder that refused, and why.
      throw (await whyNotCreatable(dir)) ?? cause;
    });
    await access(dir, constants.W_OK).catch((cause) => {
      throw new Error(`${dir} is ${notWritable(cause)}`);
    });
    return dir;
  } catch (cause) {
    throw new MeshbenchError(
      'RESULTS_DIR',
      `${input.flag} ${input.dir} cannot be used: ${(cause as Error).message}`,
      {
        input: input.flag,
        value: input.dir,
        cause,
        fix: `pass ${input.flag} with a writable directory (it is created when missing)`,
      },
    );
  }
}

function notWritable(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  return code === 'EROFS'
    ? 'on a read-only file system (EROFS)'
    : code === 'EACCES' || code === 'EPERM'
      ? `not writable by this user (${code})`
      : `not writable (${(cause as Error).message})`;
}

/** The nearest existing folder above `dir` and why it cannot take a new folder, or undefined. */
async function whyNotCreatable(dir: string): Promise<Error | undefined> {
  let at = dirname(dir);
  while (!(await stat(at).catch(() => undefined))) {
    if (dirname(at) === at) return undefined;
    at = dirname(at);
  }
  const refused = await access(at, constants.W_OK).then(
    () => undefined,
    (cause: unknown) => cause,
  );
  return refused ? new Error(`it cannot be created: ${at} is ${notWritable(refused)}`) : undefined;
}

/**
 * Checks, before a run, that `file` can be written as a regular file: its folder is writable, and the path
 * is not a directory, a device or a symlink (which would send the write somewhere else).
 */
export async function ensureWritableFile(input: { file: string; flag: string }): Promise<string> {
  const file = resolve(input.file);
  await ensureWritableDir({ dir: dirname(file), flag: input.flag });
  const st = await lstat(file).catch(() => undefined);
  const what = !st
    ? undefined
    : st.isSymbolicLink()
      ? 'a symlink'
      : st.isDirectory()
        ? 'a directory'
        : st.isFile()
          ? undefined
          : 'not a regular file';
  if (what)
    throw new MeshbenchError('RESULTS_DIR', `${input.flag} ${input.file} cannot be used: it is ${what}`, {
      input: input.flag,
      value: input.file,
      fix: `pass ${input.flag} with the path of a new or regular file, e.g. ${input.flag} fortio.json`,
    });
  return file;
}

/** Creates a fresh run directory under `root`; fails with RESULTS_DIR naming the path and the fix. */
export async function createRunDir(input: {
  root: string;
  suite: string;
  now: Date;
}): Promise<{ dir: string; id: string }> {
  const root = await ensureWritableDir({ dir: input.root, flag: '--results' });
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

/**
 * Writes a file atomically (temp file + rename), so a reader or a crash never sees half of it. On failure
 * (a full or vanished filesystem) the temp file is removed and the error names the path and the cause.
 */
export async function writeFileAtomic(path: string, bytes: Buffer | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    const { code, message } = e as NodeJS.ErrnoException;
    throw new MeshbenchError('RESULTS_WRITE', `cannot write ${path}: ${code ?? message}`, {
      input: path,
      cause: e,
      fix:
        code === 'ENOSPC' || code === 'EDQUOT'
          ? 'free space on that filesystem, or pass --results on another one'
          : 'keep the results folder in place during the run, or pass --results with a writable folder',
    });
  }
}

/**
 * Writes files under `root` (paths relative to it), never outside it: a path that leaves it as text, or
 * a folder on the way that is a symlink out of it, is refused; each file is written atomically, so a
 * symlink at a file's own name is replaced, never written through. Returns the written paths.
 */
export async function writeFilesUnder(
  root: string,
  files: ReadonlyArray<{ path: string; bytes: Buffer | string }>,
): Promise<string[]> {
  const base = resolve(root);
  await mkdir(base, { recursive: true });
  const realBase = await realpath(base);
  const inside = (p: string, r: string) => p === r || p.startsWith(r + sep);
  const written: string[] = [];
  for (const f of files) {
    const path = resolve(base, f.path);
    if (!inside(path, base)) throw new Error(`file path escapes ${base}: ${f.path}`);
    await mkdir(dirname(path), { recursive: true });
    const realDir = await realpath(dirname(path));
    if (!inside(realDir, realBase))
      throw new MeshbenchError(
        'RESULTS_DIR',
        `${dirname(path)} leads outside ${root} (a symlink to ${realDir}): refusing to write there`,
        { input: dirname(path), fix: `remove the symlink, or write to a fresh folder` },
      );
    await writeFileAtomic(path, f.bytes);
    written.push(path);
  }
  return written;
}

/** Writes JSON atomically, so a crash never leaves half a result.json. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}

/** writeJsonAtomic for a process 'exit' handler (no event loop left): same temp-then-rename, synchronous. */
export function writeJsonAtomicSync(path: string, value: unknown): void {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
