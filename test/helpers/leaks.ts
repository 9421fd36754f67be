/** Leak guard: finds processes that carry a test's tag in their environment (children inherit it). */
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

export function newTag(): string {
  return `mbtest-${randomBytes(4).toString('hex')}`;
}

/** PIDs of live processes whose environment holds MESHBENCH_TEST_TAG=<tag> (Linux /proc). */
export function taggedProcesses(tag: string): number[] {
  const needle = `MESHBENCH_TEST_TAG=${tag}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (env.split('\0').includes(needle)) {
        const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
        if (!/\) Z /.test(stat)) pids.push(Number(entry)); // zombies are already dead
      }
    } catch {
      // the process ended while we looked, or is not ours to read
    }
  }
  return pids;
}

/** Waits up to `ms` for every tagged process to be gone; returns those still alive. */
export async function waitForNoTagged(tag: string, ms = 5000): Promise<number[]> {
  const end = Date.now() + ms;
  let left = taggedProcesses(tag);
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    left = taggedProcesses(tag);
  }
  return left;
}
