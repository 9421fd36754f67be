/** Helpers for the child process entries (waypoint, bookinfo): priority, readiness line, parent watch. */
import { MESH_NICE, raisePriority } from '../../load/priority.ts';

/** Best effort (a refusal is ignored): the mesh before unrelated work on the machine, after the generator. */
export function raiseComponentPriority(): void {
  raisePriority(MESH_NICE, 'mesh component');
}

/** Prefix of the line a child prints on stdout once it listens. */
export const READY_PREFIX = 'MESHBENCH_READY ';

export function announceReady(payload: unknown): void {
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(payload)}\n`);
}

/**
 * Exits when the parent goes away: its stdin pipe closes, or it is no longer our parent
 * (reparented after a SIGKILL). Children never outlive the run.
 */
export function exitWithParent(onExit: () => Promise<void> | void = () => {}): void {
  const parent = process.ppid;
  let exiting = false;
  const stop = () => {
    if (exiting) return;
    exiting = true;
    Promise.resolve(onExit()).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
  process.on('SIGTERM', stop);
  // Ctrl-C in a terminal reaches the whole process group: the parent decides when components stop
  // (SIGTERM, or stdin closing if it dies), so an interrupted run drains before the mesh goes away.
  process.on('SIGINT', () => {});
}

/** Reads the JSON config from argv[2]. */
export function readConfigArg<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error('missing JSON config argument');
  return JSON.parse(raw) as T;
}
