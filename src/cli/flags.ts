/** Flag value checks shared by commands; each failure names the flag, the value and the fix. */
import { MeshbenchError } from '../errors.ts';
import { parseDuration } from '../suite/duration.ts';
import { PLATFORMS, type PlatformName } from '../suite/schema.ts';

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

export function flagPlatform(value: unknown): PlatformName {
  if (value === undefined) return 'local';
  if (typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value))
    return value as PlatformName;
  throw new MeshbenchError(
    'INVALID_FLAG',
    `--platform must be one of ${PLATFORMS.join(', ')}, got ${JSON.stringify(value)}`,
    {
      input: '--platform',
      value,
      fix: 'pass --platform local (the default), kind or cluster',
    },
  );
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
