import { describe, expect, it } from 'vitest';
import {
  buildDetails,
  buildProductPage,
  buildRatings,
  buildReviews,
  escapeHtml,
} from '../../../../src/platform/local/bookinfo-pages.ts';
import {
  formatWaypointStats,
  summarizeWaypointScrape,
  WaypointStats,
} from '../../../../src/platform/local/waypoint-stats.ts';
import { parsePrometheusText } from '../../../../src/metrics/prometheus-text.ts';
import { parseUpState } from '../../../../src/platform/local/state-file.ts';

describe('Bookinfo responses', () => {
  it('reviews v1 has no stars, v2 black, v3 red; a missing rating says so', () => {
    const ratings = (buildRatings(0) as { ratings: Record<string, number> }).ratings;
    const v1 = JSON.stringify(buildReviews({ id: 0, version: 'v1', podname: 'p', ratings }));
    const v2 = JSON.stringify(buildReviews({ id: 0, version: 'v2', podname: 'p', ratings }));
    const v3 = buildReviews({ id: 0, version: 'v3', podname: 'p', ratings: null }) as {
      reviews: Array<{ rating: unknown }>;
    };
    expect(v1).not.toContain('stars');
    expect(v2).toContain('"color":"black"');
    expect(v3.reviews[0].rating).toEqual({ error: 'Ratings service is currently unavailable' });
  });

  it('renders a page of a few KB from details and reviews, escaping every value', () => {
    const page = buildProductPage({
      details: buildDetails(0) as Record<string, unknown>,
      reviews: {
        podname: '<script>x</script>',
        reviews: [{ reviewer: 'R"1', text: 'a & b', rating: { stars: 4, color: 'red' } }],
      },
    });
    expect(Buffer.byteLength(page)).toBeGreaterThan(2500);
    expect(page).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(page).toContain('a &amp; b');
    expect(page).not.toContain('<script>x');
    expect(page.match(/glyphicon-star"/g)).toHaveLength(4);
    expect(buildProductPage({ details: null, reviews: null })).toContain(
      'product reviews are currently unavailable',
    );
    expect(escapeHtml(`'"`)).toBe('&#39;&quot;');
  });
});

describe('waypoint stats', () => {
  it('render with Envoy names and flatten back to StatsReading counters', () => {
    const s = new WaypointStats();
    s.cluster('main_internal').upstream_cx_overflow = 7;
    s.cluster('outbound|9080||details.ns-1.svc.cluster.local').upstream_rq_pending_overflow = 3;
    s.cluster('outbound|9080||details.ns-1.svc.cluster.local').upstream_cx_overflow = 2;
    s.countStatus(503);
    s.http.rbac_denied = 4;
    const text = formatWaypointStats(s);
    expect(text).toContain('envoy_cluster_upstream_cx_overflow{envoy_cluster_name="main_internal"} 7');
    const counters = summarizeWaypointScrape(parsePrometheusText(text));
    expect(counters.upstream_cx_overflow).toBe(9);
    expect(counters['cluster.main_internal.upstream_cx_overflow']).toBe(7);
    expect(counters.upstream_rq_pending_overflow).toBe(3);
    expect(counters.downstream_rq_5xx).toBe(1);
    expect(counters.rbac_denied).toBe(4);
  });
});

describe('parseUpState', () => {
  it('accepts a well-formed state and rejects anything without a positive PID', () => {
    expect(parseUpState({ pid: 12, componentPids: [1, 'x', 2] })?.componentPids).toEqual([1, 2]);
    expect(parseUpState({ pid: -1 })).toBeNull();
    expect(parseUpState({ pid: '12' })).toBeNull();
    expect(parseUpState(null)).toBeNull();
  });
});
