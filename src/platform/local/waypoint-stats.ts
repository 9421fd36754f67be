/** Envoy-named counters of one waypoint and their Prometheus rendering (pure). */
import { formatPrometheusText, type PrometheusSample } from '../../metrics/prometheus-text.ts';

/** Per-cluster counters, named as Envoy names them (`envoy_cluster_<name>`). */
export const CLUSTER_COUNTERS = [
  'upstream_rq_total',
  'upstream_rq_completed',
  'upstream_cx_overflow',
  'upstream_rq_pending_overflow',
  'upstream_rq_5xx',
  'upstream_cx_connect_fail',
] as const;
export type ClusterCounter = (typeof CLUSTER_COUNTERS)[number];

/** Listener/HCM counters (`envoy_http_<name>`), labelled with the stat prefix. */
export const HTTP_COUNTERS = [
  'downstream_rq_total',
  'downstream_rq_2xx',
  'downstream_rq_4xx',
  'downstream_rq_5xx',
  'downstream_cx_total',
  'rbac_denied',
  'rbac_allowed',
  'no_route',
] as const;
export type HttpCounter = (typeof HTTP_COUNTERS)[number];

export class WaypointStats {
  readonly http: Record<HttpCounter, number> = Object.fromEntries(HTTP_COUNTERS.map((c) => [c, 0])) as Record<
    HttpCounter,
    number
  >;
  readonly clusters = new Map<string, Record<ClusterCounter, number>>();
  /** Gauges: active downstream connections, internal-cluster connections, emulated throttling. */
  readonly gauges: Record<string, number> = {};

  reset(): void {
    for (const k of HTTP_COUNTERS) this.http[k] = 0;
    this.clusters.clear();
  }

  cluster(name: string): Record<ClusterCounter, number> {
    let c = this.clusters.get(name);
    if (!c) {
      c = Object.fromEntries(CLUSTER_COUNTERS.map((k) => [k, 0])) as Record<ClusterCounter, number>;
      this.clusters.set(name, c);
    }
    return c;
  }

  countStatus(status: number): void {
    this.http.downstream_rq_total++;
    if (status < 300) this.http.downstream_rq_2xx++;
    else if (status >= 400 && status < 500) this.http.downstream_rq_4xx++;
    else if (status >= 500) this.http.downstream_rq_5xx++;
  }
}

/** One worker's counters as plain data (sent to the primary, which adds them up). */
export interface StatsSnapshot {
  http: Record<HttpCounter, number>;
  clusters: Array<[string, Record<ClusterCounter, number>]>;
  gauges: Record<string, number>;
}

export function snapshotStats(stats: WaypointStats): StatsSnapshot {
  return {
    http: { ...stats.http },
    clusters: [...stats.clusters].map(([name, c]) => [name, { ...c }]),
    gauges: { ...stats.gauges },
  };
}

/**
 * Envoy's stats of a multi-worker proxy are the sum over its workers: counters and the active-connection
 * gauge add up; the emulated quota's gauges (each worker has its own quota) are the most throttled
 * worker's.
 */
export function mergeStats(into: WaypointStats, from: StatsSnapshot): void {
  for (const k of HTTP_COUNTERS) into.http[k] += from.http[k];
  for (const [name, counters] of from.clusters) {
    const c = into.cluster(name);
    for (const k of CLUSTER_COUNTERS) c[k] += counters[k];
  }
  for (const [name, value] of Object.entries(from.gauges))
    into.gauges[name] = name.startsWith('meshbench_emulated_')
      ? Math.max(into.gauges[name] ?? 0, value)
      : (into.gauges[name] ?? 0) + value;
}

const STAT_PREFIX = 'inbound_hbone';

/** Renders the stats in Envoy's Prometheus naming (`envoy_cluster_*`, `envoy_http_*`). */
export function formatWaypointStats(stats: WaypointStats): string {
  const samples: PrometheusSample[] = [];
  const types: Record<string, 'counter' | 'gauge'> = {};
  for (const c of CLUSTER_COUNTERS) {
    types[`envoy_cluster_${c}`] = 'counter';
    for (const [name, counters] of stats.clusters)
      samples.push({ name: `envoy_cluster_${c}`, labels: { envoy_cluster_name: name }, value: counters[c] });
  }
  for (const c of HTTP_COUNTERS) {
    types[`envoy_http_${c}`] = 'counter';
    samples.push({
      name: `envoy_http_${c}`,
      labels: { envoy_http_conn_manager_prefix: STAT_PREFIX },
      value: stats.http[c],
    });
  }
  for (const [name, value] of Object.entries(stats.gauges)) {
    types[name] = 'gauge';
    samples.push({ name, labels: {}, value });
  }
  return formatPrometheusText(samples, types);
}

/**
 * Flattens a scrape into StatsReading counters: totals under the Envoy counter name
 * (`upstream_cx_overflow`) and per cluster under `cluster.<name>.<counter>`.
 */
export function summarizeWaypointScrape(samples: PrometheusSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    let key: string;
    if (s.name.startsWith('envoy_cluster_')) {
      key = s.name.slice('envoy_cluster_'.length);
      const cluster = s.labels.envoy_cluster_name;
      if (cluster) out[`cluster.${cluster}.${key}`] = (out[`cluster.${cluster}.${key}`] ?? 0) + s.value;
    } else if (s.name.startsWith('envoy_http_')) key = s.name.slice('envoy_http_'.length);
    else key = s.name;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}
