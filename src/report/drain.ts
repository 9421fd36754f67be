/**
 * Runs a generator to its end, pausing for the event loop every `every` steps, so a long pure
 * computation (merging or decoding a long run's histograms) leaves signals and timers live.
 */
export async function drainWithPauses<T>(steps: Generator<unknown, T>, every = 1): Promise<T> {
  for (let n = 1; ; n++) {
    const next = steps.next();
    if (next.done) return next.value;
    if (n % every === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
