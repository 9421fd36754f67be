/**
 * Best effort: the in-process load generator asks for a higher scheduling priority, so that on a busy host the
 * kernel deschedules something else first (a descheduled generator shows up as generator lag, an invalid result).
 * The local mesh's components ask for a smaller raise, so the generator still comes first.
 */
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

/**
 * Raises the calling thread's priority to `nice` (on Linux a nice value is per thread: call it before
 * worker threads start, which inherit it). Never throws: a refusal (EACCES, EPERM) is only noted.
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
  return {
    note: `${who} at nice ${nice}`,
    restore: () => {
      try {
        setPriority(0, before);
      } catch {
        // Lowering one's own priority is always allowed; nothing to do if the thread is gone.
      }
    },
  };
}

/** The load generator's raise (GENERATOR_NICE). */
export function raiseGeneratorPriority(): GeneratorPriority {
  return raisePriority(GENERATOR_NICE, 'load generator');
}
