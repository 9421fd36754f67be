/**
 * A waypoint's Envoy stats (Prometheus text from port 15020 /stats/prometheus through the pod proxy)
 * reduced to the counters that explain errors (pure).
 */
import { parsePrometheusText } from '../../metrics/prometheus-text.ts';

/** Envoy counter names (without the Prometheus `envoy_cluster_` prefix) kept per cluster and in total. */
export const OVERFLOW_COUNTERS = [
  'upstream_cx_overflow',
  'upstream_rq_pending_overflow',
  'upstream_rq_retry_overflow',
  'upstream_cx_active',
  'upstream_rq_active',
  'upstream_rq_pending_active',
  'circuit_breakers_default_cx_open',
  'circuit_breakers_default_rq_pending_open',
  'circuit_breakers_default_rq_open',
];

/**
 * Requests proxied per cluster: a shared waypoint's CPU is split by each tenant's share of them (cost per
 * tenant, analysis/tenant-cost.ts); the waypoint's clusters are named after the destination service.
 */
const SHARE_COUNTERS = ['upstream_rq_total'];

/**
 * `upstream_cx_overflow` (summed over clusters) and `main_internal.upstream_cx_overflow` (per cluster), so
 * the 1.24 internal-cluster limit is visible by name.
 */
export function parseEnvoyOverflow(text: string): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const s of parsePrometheusText(text)) {
    if (!s.name.startsWith('envoy_cluster_')) continue;
    const stat = s.name.slice('envoy_cluster_'.length);
    if ((!OVERFLOW_COUNTERS.includes(stat) && !SHARE_COUNTERS.includes(stat)) || !Number.isFinite(s.value))
      continue;
    counters[stat] = (counters[stat] ?? 0) + s.value;
    const cluster = s.labels.cluster_name;
    if (cluster) counters[`${cluster}.${stat}`] = (counters[`${cluster}.${stat}`] ?? 0) + s.value;
  }
  for (const stat of OVERFLOW_COUNTERS) counters[stat] ??= 0;
  return counters;
}
