/**
 * Best effort: the in-process load generator asks for a higher scheduling priority, so that on a busy host the
 * kernel deschedules something else first (a descheduled generator shows up as generator lag, an invalid result).
 * The local mesh's components ask for a smaller raise, so the generator still comes first.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The nice value asked for (root or CAP_SYS_NICE can lower nice; others keep their own). */
export const GENERATOR_NICE = -19;

/**
 * The local mesh's processes (Bookinfo, waypoints): the article's node "still had plenty of CPU", so the
 * modelled cluster is served before unrelated work on the same machine, as a Guaranteed pod would be.
 */
export const MESH_NICE = -10;

export interface GeneratorPriority {
  /** What happened, for the LoadResult's engine notes. */
  note: string;
  /** Puts the previous priority back (a no-op when nothing was changed). */
  restore(): void;
}

const reasonOf = (e: unknown) => (e as { code?: string }).code ?? (e as Error).message ?? String(e);

/** This process's thread ids (Linux); just the calling thread (0) elsewhere. */
function ownThreads(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number).filter(Number.isInteger);
  } catch {
    return [0];
  }
}

/**
 * Raises the priority of every thread of this process to `nice` — on Linux a nice value is per thread,
 * and V8's garbage-collection helpers, which a pause waits for, are threads of their own; threads started
 * later (workers) inherit the raise from the thread that starts them. Never throws: a refusal (EACCES,
 * EPERM) is only noted.
 */
export function raisePriority(nice: number, who: string): GeneratorPriority {
  const unchanged = (note: string): GeneratorPriority => ({ note, restore: () => {} });
  let before: number;
  try {
    before = getPriority(0);
  } catch (e) {
    return unchanged(`could not raise the ${who}'s priority: ${reasonOf(e)}`);
  }
  if (before <= nice) return unchanged(`${who} at nice ${before}`);
  try {
    setPriority(0, nice);
  } catch (e) {
    return unchanged(`could not raise the ${who}'s priority: ${reasonOf(e)} (stays at nice ${before})`);
  }
  const raised: Array<{ tid: number; before: number }> = [];
  for (const tid of ownThreads()) {
    if (tid === 0 || tid === process.pid) continue;
    try {
      const was = getPriority(tid);
      if (was <= nice) continue;
      setPriority(tid, nice);
      raised.push({ tid, before: was });
    } catch {
      // The thread ended meanwhile, or refused: the main thread's raise is what matters most.
    }
  }
  return {
    note: `${who} at nice ${nice}`,
    restore: () => {
      for (const t of [{ tid: 0, before }, ...raised]) {
        try {
          setPriority(t.tid, t.before);
        } catch {
          // Lowering a priority is always allowed; nothing to do if the thread is gone.
        }
      }
    },
  };
}

/** The load generator's raise (GENERATOR_NICE). */
export function raiseGeneratorPriority(): GeneratorPriority {
  return raisePriority(GENERATOR_NICE, 'load generator');
}
