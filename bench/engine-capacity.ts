/**
 * The capacity sweep's rules, pure: when a tool's figures at an offered rate are still faithful to the truth
 * server's, and how the offered rate is raised (a doubling list, then bisection between the last faithful
 * rate and the first unfaithful one). The runs themselves are engine-fidelity.ts's.
 */

/** Fidelity is lost past any of these (issue #14): achieved short of offered, p50 or p99 off the truth. */
export const FIDELITY = {
  rateShortPct: 0.5,
  p50OverTruthMs: 0.5,
  p99OverTruthMs: 2,
  /** Errors are not latency, but a tool that drops requests is not carrying the rate. */
  errorPct: 0.1,
} as const;

export const DEFAULT_CAPACITY_RATES = [5_000, 10_000, 20_000, 40_000, 80_000, 160_000];

export interface ProbeFigures {
  achievedRps: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: number;
  /** The truth server's own figures over the same interval. */
  serverP50Ms: number;
  serverP99Ms: number;
}

export interface Probe extends ProbeFigures {
  rate: number;
  connections: number;
  faithful: boolean;
  /** Why not, one phrase per broken rule (empty when faithful). */
  lost: string[];
  /** The truth server's own p99 over its 5 ms delay: is the server still far from its own limit? */
  serverP99OverDelayMs?: number;
}

/** Connections for an offered rate: rate/10, as the reference's 6500 over 650. */
export const connectionsFor = (rate: number) => Math.max(1, Math.round(rate / 10));

export function judge(rate: number, f: ProbeFigures): Pick<Probe, 'faithful' | 'lost'> {
  const lost: string[] = [];
  const shortPct = (100 * (rate - f.achievedRps)) / rate;
  if (shortPct > FIDELITY.rateShortPct)
    lost.push(`achieved ${f.achievedRps.toFixed(0)} req/s, ${shortPct.toFixed(2)}% short`);
  // Both directions: a client cannot see a request faster than the server answered it.
  const p50Off = f.p50Ms - f.serverP50Ms;
  if (Math.abs(p50Off) > FIDELITY.p50OverTruthMs)
    lost.push(`p50 ${p50Off >= 0 ? '+' : ''}${p50Off.toFixed(2)} ms off the truth`);
  const p99Off = f.p99Ms - f.serverP99Ms;
  if (Math.abs(p99Off) > FIDELITY.p99OverTruthMs)
    lost.push(`p99 ${p99Off >= 0 ? '+' : ''}${p99Off.toFixed(2)} ms off the truth`);
  const errPct = (100 * f.errors) / Math.max(1, f.requests);
  if (errPct > FIDELITY.errorPct) lost.push(`${errPct.toFixed(2)}% errors`);
  return { faithful: lost.length === 0, lost };
}

export interface SweepOutcome {
  probes: Probe[];
  /** The highest offered rate judged faithful, or null when even the first was not. */
  highest: Probe | null;
  /** The lowest offered rate judged unfaithful (what limits the tool), or null when none failed. */
  firstLost: Probe | null;
}

/**
 * Raises the rate through `rates` (ascending) until a probe is unfaithful, then bisects `refine` times between
 * the last faithful and the first unfaithful rate (rounded to 500 req/s). A failure can happen by chance at
 * one rate and not at a higher one; the sweep does not look past the first failure, so the figure is the
 * highest rate reached without losing fidelity, as a user raising the load would find it.
 */
export async function sweep(
  rates: number[],
  refine: number,
  probe: (rate: number) => Promise<Probe>,
): Promise<SweepOutcome> {
  const probes: Probe[] = [];
  let highest: Probe | null = null;
  let firstLost: Probe | null = null;
  for (const rate of rates) {
    const p = await probe(rate);
    probes.push(p);
    if (!p.faithful) {
      firstLost = p;
      break;
    }
    highest = p;
  }
  for (let i = 0; i < refine && firstLost; i++) {
    const lo = highest?.rate ?? 0;
    const mid = Math.round((lo + firstLost.rate) / 2 / 500) * 500;
    if (mid <= lo || mid >= firstLost.rate) break;
    const p = await probe(mid);
    probes.push(p);
    if (p.faithful) highest = p;
    else firstLost = p;
  }
  return { probes, highest, firstLost };
}
