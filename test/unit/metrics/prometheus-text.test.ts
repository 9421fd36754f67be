import { describe, expect, it } from 'vitest';
import {
  formatPrometheusText,
  type PrometheusSample,
  parsePrometheusText,
  sumPrometheus,
} from '../../../src/metrics/prometheus-text.ts';

// A trimmed scrape of a real Envoy /stats/prometheus (istio-proxy 1.24).
const ENVOY = `# TYPE envoy_cluster_upstream_cx_overflow counter
envoy_cluster_upstream_cx_overflow{envoy_cluster_name="main_internal"} 1873
envoy_cluster_upstream_cx_overflow{envoy_cluster_name="outbound|9080||productpage.ns-1.svc.cluster.local"} 0
# TYPE envoy_cluster_upstream_rq_pending_overflow counter
envoy_cluster_upstream_rq_pending_overflow{envoy_cluster_name="main_internal"} 12
# TYPE envoy_server_uptime gauge
envoy_server_uptime 3600
envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name="x",le="+Inf"} 42 1700000000000

malformed line without value
`;

describe('parsePrometheusText', () => {
  it('reads names, labels and values and skips comments and malformed lines', () => {
    const samples = parsePrometheusText(ENVOY);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'envoy_cluster_upstream_cx_overflow',
      labels: { envoy_cluster_name: 'main_internal' },
      value: 1873,
    });
    expect(samples[1].labels.envoy_cluster_name).toBe('outbound|9080||productpage.ns-1.svc.cluster.local');
    expect(samples[3]).toEqual({ name: 'envoy_server_uptime', labels: {}, value: 3600 });
    expect(samples[4].labels.le).toBe('+Inf');
    expect(samples[4].value).toBe(42);
  });

  it('unescapes label values', () => {
    const [s] = parsePrometheusText('m{a="x\\"y",b="1\\\\2\\n"} -Inf');
    expect(s.labels).toEqual({ a: 'x"y', b: '1\\2\n' });
    expect(s.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it('round-trips through formatPrometheusText', () => {
    const samples: PrometheusSample[] = [
      { name: 'a_total', labels: { k: 'q"uote\\' }, value: 3 },
      { name: 'b', labels: {}, value: 1.5 },
    ];
    const text = formatPrometheusText(samples, { a_total: 'counter' });
    expect(text.startsWith('# TYPE a_total counter\n')).toBe(true);
    expect(parsePrometheusText(text)).toEqual(samples);
  });

  it('sums a metric across labels, optionally filtered', () => {
    const samples = parsePrometheusText(ENVOY);
    expect(sumPrometheus(samples, 'envoy_cluster_upstream_cx_overflow')).toBe(1873);
    expect(
      sumPrometheus(samples, 'envoy_cluster_upstream_rq_pending_overflow', {
        envoy_cluster_name: 'main_internal',
      }),
    ).toBe(12);
    expect(sumPrometheus(samples, 'absent')).toBe(0);
  });
});
