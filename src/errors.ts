/**
 * One error family for meshbench. Every error has a stable `code`, the process exit code it maps to,
 * a message that names the input, the bad value and the fix, and keeps its `cause`.
 * Only the CLI turns these into exits (src/cli/main.ts).
 */

/** Process exit codes. Documented in README.md ("Exit codes"); change both together. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  thresholdsFailed: 99,
  regression: 100,
  /** Every verdict passed, but one rests on an invalid result: the load generator fell behind its schedule. */
  resultInvalid: 103,
  invalidSuite: 104,
  aborted: 105,
  targetUnreachable: 106,
  /** The run's record could not be written (full or vanished results filesystem); the terminal has it. */
  resultsWrite: 107,
  /** `compare`: no figure was measured in both runs, so there is nothing a gate could judge. */
  notComparable: 108,
  platformFailure: 110,
  /** A variant's preflight probes found the experiment is not what the suite says (policy, path). */
  preflightFailed: 111,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable error codes; each maps to one exit code. */
export const ErrorCodes = {
  INTERNAL: ExitCode.internal,
  USAGE: ExitCode.usage,
  UNKNOWN_COMMAND: ExitCode.usage,
  UNKNOWN_FLAG: ExitCode.usage,
  INVALID_FLAG: ExitCode.usage,
  INVALID_URL: ExitCode.usage,
  RESULTS_DIR: ExitCode.usage,
  RESULT_FILE: ExitCode.usage,
  RESULTS_WRITE: ExitCode.resultsWrite,
  NOT_COMPARABLE: ExitCode.notComparable,
  FD_LIMIT: ExitCode.usage,
  ALREADY_UP: ExitCode.usage,
  SUITE_NOT_FOUND: ExitCode.invalidSuite,
  SUITE_IMPORT_FAILED: ExitCode.invalidSuite,
  SUITE_SYNTAX: ExitCode.invalidSuite,
  SUITE_INVALID: ExitCode.invalidSuite,
  THRESHOLDS_FAILED: ExitCode.thresholdsFailed,
  REGRESSION: ExitCode.regression,
  RESULT_INVALID: ExitCode.resultInvalid,
  ABORTED: ExitCode.aborted,
  TARGET_UNREACHABLE: ExitCode.targetUnreachable,
  PLATFORM_FAILED: ExitCode.platformFailure,
  PLATFORM_UNAVAILABLE: ExitCode.platformFailure,
  KUBECONFIG: ExitCode.platformFailure,
  SUBPROCESS_FAILED: ExitCode.platformFailure,
  PREFLIGHT_FAILED: ExitCode.preflightFailed,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export interface MeshbenchErrorOptions {
  /** What the user gave: a flag, a suite field path, a file. */
  input?: string;
  /** The value that was wrong, already redacted if it could hold a credential. */
  value?: unknown;
  /** How to fix it, one sentence. */
  fix?: string;
  cause?: unknown;
  /** Extra lines printed under the message (e.g. one line per validation issue). */
  details?: string[];
}

export class MeshbenchError extends Error {
  override readonly name = 'MeshbenchError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly input?: string;
  readonly value?: unknown;
  readonly fix?: string;
  readonly details: string[];

  constructor(code: ErrorCode, message: string, options: MeshbenchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = ErrorCodes[code];
    this.input = options.input;
    this.value = options.value;
    this.fix = options.fix;
    this.details = options.details ?? [];
  }

  /** The text a human sees: `error CODE: message`, the details, then `fix: …`. */
  format(): string {
    const lines = [`error ${this.code}: ${this.message}`];
    for (const d of this.details) lines.push(`  - ${d}`);
    if (this.fix) lines.push(`  fix: ${this.fix}`);
    return lines.join('\n');
  }
}

export function isMeshbenchError(e: unknown): e is MeshbenchError {
  return e instanceof MeshbenchError;
}

/** Renders a value for a message: strings quoted, long values cut, never undefined-looking. */
export function showValue(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (value === undefined) s = 'nothing';
  // JSON would show Infinity (a JSON 1e400) and NaN as null.
  else if (typeof value === 'number' && !Number.isFinite(value)) s = String(value);
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = String(value);
    }
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Validation returns values; only the CLI throws or exits. */
export type Result<T, E = MeshbenchError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
