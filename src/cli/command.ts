/** The shape of a CLI command; commands are registered in commands/index.ts. */
import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM; commands stop their work and return ExitCode.aborted. */
  signal: AbortSignal;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  /** One-line help text. */
  help: string;
  /** Placeholder shown in help, e.g. 'N' or 'FILE'. */
  arg?: string;
};

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line after `meshbench `, e.g. 'validate <suite>'. */
  usage: string;
  /** Longer description and examples for `meshbench <command> --help`. */
  description?: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /**
   * True when the command watches `io.signal` to stop cleanly and keep what it measured. Other
   * commands exit at once on Ctrl-C/SIGTERM (105) instead of ignoring the first signal.
   */
  handlesSignals?: boolean;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
