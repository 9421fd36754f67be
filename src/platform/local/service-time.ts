/** Draws of a modelled service time (pure apart from the random source). */
import type { ServiceTimeMs } from './model-constants.ts';

/** One draw in ms from `spec`, using `random` (uniform in [0, 1)). */
export function drawServiceTime(spec: ServiceTimeMs, random: () => number = Math.random): number {
  const { meanMs, cv } = spec;
  if (meanMs <= 0) return 0;
  switch (spec.distribution) {
    case 'fixed':
      return meanMs;
    case 'exponential':
      return -meanMs * Math.log(1 - random());
    case 'lognormal': {
      if (cv <= 0) return meanMs;
      // Parameters that give the requested mean and coefficient of variation.
      const sigma2 = Math.log(1 + cv * cv);
      const mu = Math.log(meanMs) - sigma2 / 2;
      // Box–Muller; 1 - random() keeps the logarithm finite.
      const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return Math.exp(mu + Math.sqrt(sigma2) * z);
    }
  }
}

/** Waits a draw of `spec` (a timer, no CPU); resolves at once for a zero mean. */
export function waitServiceTime(spec: ServiceTimeMs | undefined): Promise<void> | undefined {
  if (!spec || spec.meanMs <= 0) return undefined;
  const ms = drawServiceTime(spec);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
