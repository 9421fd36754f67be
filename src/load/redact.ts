/**
 * Credentials never reach a log, a report or a file (pure). Sensitive request headers and a URL's
 * user-info are shown as [redacted]; a URL's user-info becomes a Basic Authorization header instead of
 * being silently dropped on the way to the server.
 */

export const REDACTED = '[redacted]';

/** Header names that carry credentials, and name fragments that usually do. */
const SENSITIVE = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
]);
const SENSITIVE_PART = /(^|[-_])(token|secret|password|passwd|api-?key|session|credential)s?($|[-_])/i;

export function isSensitiveHeader(name: string): boolean {
  const n = name.toLowerCase();
  return SENSITIVE.has(n) || SENSITIVE_PART.test(n);
}

/** The headers with every sensitive value replaced by [redacted]. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, isSensitiveHeader(k) ? REDACTED : v]),
  );
}

/** The URL with its user-info (user:password@) replaced by [redacted]@; other text unchanged. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, `$1${REDACTED}@`);
}

/**
 * Splits a URL's user-info off: the URL without it, and the Basic Authorization header it stands for
 * (undefined without user-info or when the URL does not parse).
 */
export function credentialsFromUrl(url: string): { url: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url };
  }
  if (!parsed.username && !parsed.password) return { url };
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.toString(),
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  };
}

/** A schedule-like object with its URL and headers redacted (for output; the original is untouched). */
export function redactTarget<T extends { url?: string; headers?: Record<string, string> }>(target: T): T {
  return {
    ...target,
    ...(target.url === undefined ? {} : { url: redactUrl(target.url) }),
    ...(target.headers === undefined ? {} : { headers: redactHeaders(target.headers) }),
  };
}
