/** Runs the real CLI as a process (zx habit: tests run `node bin/...`). */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/meshbench.js', import.meta.url));

export async function runCli(
  args: string[],
  opts: {
    cwd?: string;
    timeout?: number;
    env?: Record<string, string>;
    /** false: the process sees only `env` (plus FORCE_COLOR), not this process's environment. */
    inheritEnv?: boolean;
    /** false: keep stdout and stderr byte for byte (golden files end with a newline). */
    stripFinalNewline?: boolean;
  } = {},
) {
  const r = await execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    reject: false,
    timeout: opts.timeout ?? 60_000,
    env: { ...opts.env, FORCE_COLOR: '0' },
    extendEnv: opts.inheritEnv ?? true,
    stripFinalNewline: opts.stripFinalNewline ?? true,
  });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}
