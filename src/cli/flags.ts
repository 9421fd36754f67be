/** Flag value checks shared by commands; each failure names the flag, the value and the fix. */
import { MeshbenchError } from '../errors.ts';
import { MAX_DURATION_MS, parseDuration } from '../suite/duration.ts';
import { PLATFORMS, type PlatformName } from '../suite/schema.ts';
import type { ValidSuite } from '../suite/validate.ts';

export function flagNumber(
  flag: string,
  value: unknown,
  opts: { min?: number; max?: number; integer?: boolean; example: string },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const bad =
    typeof value !== 'string' ||
    // Plain decimals only: Number() would also take '0x10', '1e3' and padded text.
    !/^-?\d+(\.\d+)?$/.test(value) ||
    !Number.isFinite(n) ||
    (opts.integer && !Number.isInteger(n)) ||
    (opts.min !== undefined && n < opts.min) ||
    (opts.max !== undefined && n > opts.max);
  if (bad) {
    const range = [
      opts.min !== undefined ? `>= ${opts.min}` : '',
      opts.max !== undefined ? `<= ${opts.max}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new MeshbenchError(
      'INVALID_FLAG',
      `--${flag} must be ${opts.integer ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}, got ${JSON.stringify(value)}`,
      {
        input: `--${flag}`,
        value,
        fix: `pass e.g. --${flag} ${opts.example}`,
      },
    );
  }
  return n;
}

export function flagDuration(
  flag: string,
  value: unknown,
  opts: { min?: number; example: string },
): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms !== undefined && ms > MAX_DURATION_MS)
    throw new MeshbenchError(
      'INVALID_FLAG',
      `--${flag} must be at most ${MAX_DURATION_MS / 3_600_000}h, got ${JSON.stringify(value)}`,
      { input: `--${flag}`, value, fix: `pass at most --${flag} ${MAX_DURATION_MS / 3_600_000}h` },
    );
  if (ms === undefined || (opts.min !== undefined && ms < opts.min)) {
    throw new MeshbenchError(
      'INVALID_FLAG',
      `--${flag} must be a duration with a unit${opts.min ? ` of at least ${opts.min} ms` : ''}, got ${JSON.stringify(value)}`,
      {
        input: `--${flag}`,
        value,
        fix: `pass e.g. --${flag} ${opts.example}`,
      },
    );
  }
  return ms;
}

/** A flag that takes one of a few values: undefined gives `default` (when set), anything else not in `choices` fails. */
export function flagChoice<const C extends readonly string[]>(
  flag: string,
  value: unknown,
  choices: C,
  opts: { default: C[number]; fix: string },
): C[number];
export function flagChoice<const C extends readonly string[]>(
  flag: string,
  value: unknown,
  choices: C,
  opts: { default?: undefined; fix: string },
): C[number] | undefined;
export function flagChoice<const C extends readonly string[]>(
  flag: string,
  value: unknown,
  choices: C,
  opts: { default?: C[number]; fix: string },
): C[number] | undefined {
  if (value === undefined) return opts.default;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as C[number];
  const allowed = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(', ')}`;
  throw new MeshbenchError('INVALID_FLAG', `--${flag} must be ${allowed}, got ${JSON.stringify(value)}`, {
    input: `--${flag}`,
    value,
    fix: opts.fix,
  });
}

export function flagPlatform(value: unknown): PlatformName {
  return flagChoice('platform', value, PLATFORMS, {
    default: 'local',
    fix: 'pass --platform local (the default), kind or cluster',
  });
}

/**
 * Each --variant name must be a variant of the suite; `of` names the suite in the message
 * (default: `suite <name>`).
 */
export function checkVariants(
  valid: ValidSuite,
  names: readonly string[] | undefined,
  of = `suite ${valid.suite.name}`,
): void {
  const known = valid.suite.topology.variants.map((v) => v.name);
  for (const v of names ?? []) {
    if (!known.includes(v))
      throw new MeshbenchError('INVALID_FLAG', `--variant ${v} is not a variant of ${of}`, {
        input: '--variant',
        value: v,
        fix: `use one of ${known.join(', ')}`,
      });
  }
}

/** An HTTP method: an RFC 9110 token (letters only here), so nothing else reaches the request line. */
export function flagMethod(value: unknown): string {
  if (value === undefined) return 'GET';
  if (typeof value === 'string' && /^[A-Za-z]{1,20}$/.test(value)) return value.toUpperCase();
  throw new MeshbenchError(
    'INVALID_FLAG',
    `--method must be an HTTP method such as GET or POST, got ${JSON.stringify(value)}`,
    {
      input: '--method',
      value,
      fix: 'pass e.g. --method GET',
    },
  );
}

/** --scale: the suite's scale for this run, within what the suite schema accepts (0.001 to 1). */
export function flagScale(value: unknown, example: string): number | undefined {
  return flagNumber('scale', value, { min: 0.001, max: 1, example });
}
