/**
 * Running kind, kubectl, istioctl, helm and docker (effects): execa with argument arrays, never a shell
 * string. Failures keep the command, the exit code and the last stderr lines (MeshbenchError
 * SUBPROCESS_FAILED); a missing binary says which one and points at `meshbench doctor`.
 */
import { execa } from 'execa';
import { MeshbenchError } from '../../errors.ts';

export interface ToolRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the binary is not installed (ENOENT). */
  missing: boolean;
  timedOut: boolean;
}

/** How a command is shown in messages (quoted where needed; arguments never hold credentials here). */
export function showCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
    .join(' ');
}

export function lastLines(text: string, n = 8): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-n);
}

/** Runs a tool and returns what happened, failure included (for probes such as doctor). */
export async function probeTool(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolRun> {
  const r = await execa(cmd, args, {
    reject: false,
    timeout: opts.timeoutMs ?? 15_000,
    stdin: 'ignore',
    env: opts.env,
    extendEnv: true,
  });
  const code = (r as { code?: string }).code;
  return {
    exitCode: r.exitCode ?? -1,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    missing: code === 'ENOENT',
    timedOut: r.timedOut === true,
  };
}

/** Runs a tool that must succeed; throws SUBPROCESS_FAILED (or PLATFORM_UNAVAILABLE when it is missing). */
export async function runTool(
  cmd: string,
  args: readonly string[],
  opts: {
    timeoutMs?: number;
    signal?: AbortSignal;
    input?: string;
    log?: (line: string) => void;
    fix?: string;
  } = {},
): Promise<{ stdout: string; stderr: string }> {
  const shown = showCommand(cmd, args);
  opts.log?.(`$ ${shown}`);
  const r = await execa(cmd, args, {
    reject: false,
    timeout: opts.timeoutMs ?? 600_000,
    cancelSignal: opts.signal,
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
  });
  if ((r as { code?: string }).code === 'ENOENT') {
    throw new MeshbenchError('PLATFORM_UNAVAILABLE', `${cmd} is not installed (needed for: ${shown})`, {
      input: cmd,
      fix: `install ${cmd}; \`meshbench doctor\` lists every missing tool with its install command`,
    });
  }
  if (r.failed) {
    const stderr = lastLines(String(r.stderr ?? ''));
    const why = r.timedOut ? 'timed out' : r.isCanceled ? 'was cancelled' : `exited with code ${r.exitCode}`;
    throw new MeshbenchError('SUBPROCESS_FAILED', `\`${shown}\` ${why}`, {
      input: cmd,
      value: r.exitCode,
      details: stderr.length ? stderr : ['(no stderr)'],
      fix: opts.fix ?? 'read the lines above; `meshbench doctor` checks the tools and the cluster',
    });
  }
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
