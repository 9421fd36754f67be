/**
 * The generator's own file-descriptor budget: a load past it fails with EMFILE, which is the harness's
 * limit, never the target's. The limit is read from /proc (Linux); elsewhere it is not checked.
 */
import { readFileSync } from 'node:fs';
import { MeshbenchError } from '../errors.ts';

/** Descriptors kept free for everything else the process opens (files, the event loop, pipes). */
export const FD_HEADROOM = 64;

/** The soft RLIMIT_NOFILE of this process, or undefined when it cannot be read (or is unlimited). */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m || m[1] === 'unlimited') return undefined;
  const soft = Number(m[1]);
  return Number.isFinite(soft) ? soft : undefined;
}

/**
 * Throws FD_LIMIT when `connections` (all tenants together) do not fit the limit with headroom; `limit`
 * null: unknown, not checked.
 */
export function checkConnectionBudget(
  connections: number,
  limit: number | null = openFileLimit() ?? null,
): void {
  if (limit === null || connections + FD_HEADROOM <= limit) return;
  throw new MeshbenchError(
    'FD_LIMIT',
    `${connections} connections need more file descriptors than this process may open (ulimit -n is ${limit})`,
    {
      input: 'connections',
      value: connections,
      fix: `raise the limit (ulimit -n ${connections + FD_HEADROOM * 4}) in the shell that runs meshbench, or use fewer connections`,
    },
  );
}
