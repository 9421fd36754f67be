/**
 * The local model's constants calibrated to the article (pure data). Each names the published figure it
 * was fitted to; the README lists them. Everything else in the local model is measured on the host.
 */
import type { BookinfoService } from '../../topology/model.ts';

/**
 * Envoy CPU per productpage request through its waypoint (all hops), in ms. Fitted to the article's
 * shared variant: the waypoint at its 2-core limit served the first tenant's 6500 req/s and 68% of the
 * second's (32% errors), so 2 cores ≈ 1.68 × 6500 req/s → 2000 ms / (1.68 × 6500) ≈ 0.183 ms per request.
 */
export const ENVOY_CPU_MS_PER_REQUEST = 2000 / (1.68 * 6500);

/** Used when the load has no rate (closed loop): the reference suite's derived utilization. */
export const FALLBACK_UTILIZATION = 0.6;

/** A service time in ms: mean, distribution and coefficient of variation. */
export interface ServiceTimeMs {
  meanMs: number;
  distribution: 'lognormal' | 'exponential' | 'fixed';
  cv: number;
}

/**
 * Bookinfo's modelled service times (timer waits, not CPU). Fitted to the article's dedicated average
 * (30.8 / 30.4 ms, Fortio, actual start) together with the waypoint hops measured locally; the split
 * between services follows the call graph (productpage waits longest, as the Python front end), not a
 * measurement of Bookinfo.
 */
export const DEFAULT_SERVICE_TIMES: Record<BookinfoService, ServiceTimeMs> = {
  productpage: { meanMs: 19, distribution: 'lognormal', cv: 0.5 },
  details: { meanMs: 3, distribution: 'lognormal', cv: 0.5 },
  reviews: { meanMs: 6, distribution: 'lognormal', cv: 0.5 },
  ratings: { meanMs: 3, distribution: 'lognormal', cv: 0.5 },
};

/**
 * The dedicated waypoint's utilization of its limit under `rate` req/s (unscaled, per tenant): the
 * article's Envoy cost per request against the limit. 0.595 for 6500 req/s and 2 cores.
 */
export function defaultUtilization(rate: number | undefined, cpuLimit: number): number {
  if (rate === undefined) return FALLBACK_UTILIZATION;
  return Math.round(((ENVOY_CPU_MS_PER_REQUEST * rate) / 1000 / cpuLimit) * 1000) / 1000;
}
