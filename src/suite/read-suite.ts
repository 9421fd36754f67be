/** Reading a suite file (effects: file system, module import). Validation stays in validate.ts. */
import { access, readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MeshbenchError } from '../errors.ts';
import { validateSuite, type ValidSuite } from './validate.ts';

const SUPPORTED = ['.ts', '.mts', '.js', '.mjs', '.json'];

/** Loads the raw suite object from a .ts/.js/.json file; throws MeshbenchError with a suite code. */
export async function readSuiteObject(file: string): Promise<unknown> {
  const path = resolve(file);
  try {
    await access(path);
  } catch (cause) {
    throw new MeshbenchError('SUITE_NOT_FOUND', `suite file ${file} does not exist`, {
      input: 'suite',
      value: file,
      cause,
      fix: 'give the path of a suite file, e.g. suites/waypoint-sharing.suite.ts',
    });
  }
  // A FIFO or a device would block the read (or the import) for good.
  const st = await stat(path);
  if (!st.isFile())
    throw new MeshbenchError('SUITE_IMPORT_FAILED', `suite file ${file} is not a regular file`, {
      input: 'suite',
      value: file,
      fix: 'give the path of a regular suite file, e.g. suites/waypoint-sharing.suite.ts',
    });
  const ext = extname(path);
  if (!SUPPORTED.includes(ext)) {
    throw new MeshbenchError(
      'SUITE_IMPORT_FAILED',
      `suite file ${file} has an unsupported extension "${ext}"`,
      {
        input: 'suite',
        value: file,
        fix: `use one of ${SUPPORTED.join(', ')}`,
      },
    );
  }
  if (ext === '.json') {
    const text = await readFile(path, 'utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new MeshbenchError(
        'SUITE_SYNTAX',
        `suite file ${file} is not valid JSON: ${(cause as Error).message}`,
        {
          input: 'suite',
          value: file,
          cause,
          fix: 'fix the JSON syntax at the position given',
        },
      );
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(`${pathToFileURL(path).href}?t=${Date.now()}`)) as Record<string, unknown>;
  } catch (cause) {
    const err = cause as Error;
    const syntax =
      err instanceof SyntaxError ||
      /Transform failed|Expected ".*" but found|Unexpected/.test(String(err?.message));
    const first = String(err?.message ?? err)
      .split('\n')
      .slice(0, 4)
      .join(' ');
    throw new MeshbenchError(
      syntax ? 'SUITE_SYNTAX' : 'SUITE_IMPORT_FAILED',
      syntax
        ? `suite file ${file} has a syntax error: ${first}`
        : `suite file ${file} threw while loading: ${first}`,
      {
        input: 'suite',
        value: file,
        cause,
        fix: syntax
          ? 'fix the syntax at the line given'
          : 'fix the error the suite file raises when imported (run it with `node --import tsx` to see the stack)',
      },
    );
  }
  const raw = mod.default ?? mod.suite;
  if (raw === undefined) {
    throw new MeshbenchError('SUITE_INVALID', `suite file ${file} has no default export`, {
      input: 'suite',
      value: file,
      fix: 'end the file with `export default defineSuite({ ... })`',
    });
  }
  return raw;
}

/** Reads and validates a suite; throws the validation error (CLI edge). */
export async function readSuite(file: string): Promise<ValidSuite> {
  const raw = await readSuiteObject(file);
  const result = validateSuite(raw, file);
  if (!result.ok) throw result.error;
  return result.value;
}
