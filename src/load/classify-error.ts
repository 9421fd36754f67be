/** Socket-level failures → outcome classes (timeout, reset, refused, other by code). Pure. */

export type ErrorClass = 'timeout' | 'reset' | 'refused' | 'other';

/** Marker code of the errors the engine raises itself when a request passes its deadline. */
export const TIMEOUT_CODE = 'MESHBENCH_TIMEOUT';
/** Marker code for requests cut off by an abort signal (not counted as an outcome). */
export const ABORTED_CODE = 'MESHBENCH_ABORTED';

/** An Error carrying a code the classifier reads (the engine's markers, or a protocol failure like HPE_*). */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set([
  TIMEOUT_CODE,
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);

/** Error code as a short string: `code`, else the cause's code, else the error's name. */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } } | undefined;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  // undici raises some parser errors without an llhttp code.
  if (e?.name === 'HTTPParserError') return 'HPE_PARSE_ERROR';
  if (e && typeof e.name === 'string' && e.name !== 'Error') return e.name;
  return 'UNKNOWN';
}

export function classifyError(err: unknown): { cls: ErrorClass; code: string } {
  const code = errorCode(err);
  if (TIMEOUT_CODES.has(code)) return { cls: 'timeout', code };
  if (code === 'ECONNREFUSED') return { cls: 'refused', code };
  const message = (err as { message?: unknown })?.message;
  if (RESET_CODES.has(code) || (typeof message === 'string' && message.includes('other side closed')))
    return { cls: 'reset', code };
  return { cls: 'other', code };
}
