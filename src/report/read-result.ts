/** Reading result.json for `report` and `compare` (effects: file system). */
import { readFile, stat } from 'node:fs/promises';
import { MeshbenchError } from '../errors.ts';
import { histogramProblems, parseRunResult } from '../result/schema.ts';
import { drainWithPauses } from './drain.ts';
import { RESULT_SCHEMA_VERSION, type RunResult } from '../result/types.ts';

const FIX = 'give the result.json of a meshbench run, e.g. results/waypoint-sharing/<run>/result.json';

export async function readResultFile(file: string): Promise<RunResult> {
  let text: string;
  try {
    // A FIFO or device would block the read (and the process's exit) for ever: regular files only.
    const st = await stat(file);
    if (!st.isFile() && !st.isDirectory()) {
      throw new MeshbenchError('RESULT_FILE', `result file ${file} is not a regular file`, {
        input: 'result',
        value: file,
        fix: FIX,
      });
    }
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (cause instanceof MeshbenchError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new MeshbenchError(
      'RESULT_FILE',
      `cannot read result file ${file}${code === 'ENOENT' ? ': it does not exist' : code === 'EISDIR' ? ': it is a directory' : ''}`,
      { input: 'result', value: file, cause, fix: FIX },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new MeshbenchError('RESULT_FILE', `${file} is not JSON: ${(cause as Error).message}`, {
      input: 'result',
      value: file,
      cause,
      fix: FIX,
    });
  }
  const r = raw as Partial<RunResult> | null;
  if (
    !r ||
    typeof r !== 'object' ||
    !('schemaVersion' in r) ||
    !r.meta ||
    !r.plan ||
    !Array.isArray(r.variants)
  ) {
    throw new MeshbenchError(
      'RESULT_FILE',
      `${file} is not a meshbench result (no schemaVersion, meta, plan, variants)`,
      {
        input: 'result',
        value: file,
        fix: FIX,
      },
    );
  }
  if (r.schemaVersion !== RESULT_SCHEMA_VERSION) {
    throw new MeshbenchError(
      'RESULT_FILE',
      `${file} has result schemaVersion ${JSON.stringify(r.schemaVersion)}; this meshbench reads version ${RESULT_SCHEMA_VERSION}`,
      {
        input: 'result',
        value: r.schemaVersion,
        fix: 'render it with the meshbench version that wrote it, or re-run the suite',
      },
    );
  }
  // Every field report and compare read, checked before any of it is used: a damaged file is refused
  // here, naming the field, rather than crashing mid-report or summarizing to zeros a gate would pass.
  const parsed = parseRunResult(r);
  const problems = parsed.ok ? await decodeEveryHistogram(parsed.value) : parsed.issues;
  if (!parsed.ok || problems.length > 0) {
    throw new MeshbenchError('RESULT_FILE', `${file} is not a valid meshbench result (schemaVersion 1)`, {
      input: 'result',
      value: file,
      details: problems,
      fix: 'give result.json as the run wrote it (it is not meant to be edited), or re-run the suite',
    });
  }
  return parsed.value;
}

/** Decodes every histogram once, pausing for the event loop now and then (a 36 h run has 130k per tenant). */
function decodeEveryHistogram(result: RunResult): Promise<string[]> {
  return drainWithPauses(histogramProblems(result));
}
