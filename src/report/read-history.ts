/**
 * Reading a suite's runs for `history` (effects: file system): every result.json under the folders given
 * (a results root, a suite folder or run folders), each read and checked as `report` reads one. Runs of
 * other suites and results this version cannot read are refused with a line each, never mixed in.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeRun } from '../analysis/summarize.ts';
import type { HistoryRun } from '../analysis/history.ts';
import { MeshbenchError, isMeshbenchError } from '../errors.ts';
import { readResultFile } from './read-result.ts';

/** results/<suite>/<run>/result.json is three levels down from a results root. */
const MAX_DEPTH = 4;

async function findResultFiles(dir: string, depth = 0): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (cause) {
    throw new MeshbenchError('RESULT_FILE', `cannot read results folder ${dir}`, {
      input: 'results-dir',
      value: dir,
      cause,
      fix: 'give folders that hold meshbench runs, e.g. results/ or results/waypoint-sharing/',
    });
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isFile() && e.name === 'result.json') out.push(path);
    // Symbolic links are not followed: a results tree never needs them, and a loop would never end.
    else if (e.isDirectory() && depth < MAX_DEPTH) out.push(...(await findResultFiles(path, depth + 1)));
  }
  return out;
}

export interface ReadHistory {
  suite: string;
  runs: Array<HistoryRun & { file: string }>;
  /** One line per result not taken, saying why. */
  refused: string[];
}

/** `suite`: the suite to follow; without it, the only suite found (several: an error naming them). */
export async function readHistory(dirs: readonly string[], suite?: string): Promise<ReadHistory> {
  const files: string[] = [];
  for (const d of dirs) {
    const st = await stat(d).catch(() => undefined);
    if (!st?.isDirectory() && !st?.isFile())
      throw new MeshbenchError('RESULT_FILE', `results folder ${d} does not exist`, {
        input: 'results-dir',
        value: d,
        fix: 'give folders that hold meshbench runs, e.g. results/waypoint-sharing/',
      });
    files.push(...(st.isFile() ? [d] : await findResultFiles(d)));
  }
  const refused: string[] = [];
  const read: Array<HistoryRun & { file: string; suiteName: string }> = [];
  for (const file of [...new Set(files)]) {
    try {
      const result = await readResultFile(file);
      read.push({
        file,
        suiteName: result.meta.suite.name,
        id: result.meta.id,
        startedAt: result.meta.startedAt,
        ...(result.meta.git
          ? { git: `${result.meta.git.revision.slice(0, 12)}${result.meta.git.dirty ? '+dirty' : ''}` }
          : {}),
        platform: result.meta.platform,
        summary: summarizeRun(result),
      });
    } catch (e) {
      if (!isMeshbenchError(e)) throw e;
      refused.push(`refused ${file}: ${e.message}`);
    }
  }
  const suites = [...new Set(read.map((r) => r.suiteName))].sort();
  const chosen = suite ?? (suites.length === 1 ? suites[0] : undefined);
  if (chosen === undefined)
    throw new MeshbenchError(
      suites.length ? 'INVALID_FLAG' : 'RESULT_FILE',
      suites.length
        ? `the folders hold runs of ${suites.length} suites (${suites.join(', ')}): a history follows one`
        : `no meshbench run was found in ${dirs.join(', ')}`,
      {
        input: suites.length ? '--suite' : 'results-dir',
        value: suites.length ? suites.join(',') : dirs.join(','),
        details: refused,
        fix: suites.length
          ? `pass --suite with one of ${suites.join(', ')}`
          : 'give folders that hold result.json files of meshbench runs',
      },
    );
  for (const r of read)
    if (r.suiteName !== chosen)
      refused.push(`refused ${r.file}: a run of suite ${r.suiteName}, not ${chosen}`);
  const runs = read.filter((r) => r.suiteName === chosen).map(({ suiteName: _, ...r }) => r);
  if (runs.length === 0)
    throw new MeshbenchError('RESULT_FILE', `no run of suite ${chosen} was found in ${dirs.join(', ')}`, {
      input: '--suite',
      value: chosen,
      details: refused,
      fix: suites.length ? `use one of ${suites.join(', ')}` : 'give folders that hold runs of that suite',
    });
  return { suite: chosen, runs, refused };
}
