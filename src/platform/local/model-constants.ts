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

/**
 * Waypoint hops per productpage request in Bookinfo's call graph: productpage, details, reviews, and
 * ratings from the two of three reviews versions that call it.
 */
export const HOPS_PER_REQUEST = 11 / 3;

/**
 * The share of a hop's Envoy CPU paid once per event-loop wakeup rather than per request (epoll, reads,
 * writes): requests a throttled waypoint releases together at a period's start share one. Fitted to the
 * article's shared first tenant, 59 / 30.8 ms = 1.92× dedicated: at 0.3 the modelled waypoint settles at
 * its limit with 1.8–2.1× (scale 0.1); at 0 a quota has no middle ground between no delay (demand below
 * it: 1.0× measured) and a backlog that grows for the whole run (above it; ≈ 3.4× from the connections'
 * own bound, computed).
 */
export const WAKEUP_SHARE = 0.3;

/** CFS's default period, the one Kubernetes CPU limits use. */
export const CFS_PERIOD_MS = 100;

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
