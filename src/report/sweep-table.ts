/**
 * A sweep step by step and a search probe by probe, as plain tables (pure, unescaped): the terminal,
 * Markdown and HTML each escape and render them.
 */
import { judgeProbe } from '../analysis/capacity-search.ts';
import type { SearchSummary } from '../analysis/search-summary.ts';
import type { RunSummary, SweepSummary } from '../analysis/summary-types.ts';
import type { SloPlan } from '../suite/plan.ts';
import { fmtMs } from './format.ts';
import { left, type PlainTable, right } from './table-model.ts';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const offered = (s: { rate?: number; connections: number }) =>
  s.rate === undefined ? `${s.connections} conns` : `${s.rate}`;

/** One table per variant: a row per step × tenant. */
export function buildSweepTables(
  sweep: readonly SweepSummary[],
  slo?: SloPlan,
): Array<{ variant: string; table: PlainTable }> {
  return sweep.map((s) => ({
    variant: s.variant,
    table: {
      columns: [
        right('offered req/s'),
        right('×'),
        left('tenant'),
        right('p50 ms'),
        right('p99 ms'),
        right('errors'),
        right('achieved req/s'),
        right('waypoint cores'),
        ...(slo ? [left('SLO')] : []),
      ],
      rows: s.steps.flatMap((st) =>
        st.summary.tenants.map((t) => {
          const w = st.summary.waypoints.find((x) => x.component === t.waypoint);
          const f = t.merged;
          // The search's own rule, so a sweep step and a probe at the same load read alike.
          const met = slo && judgeProbe([{ tenant: t.tenant, figures: f }], slo).pass;
          return [
            offered(st),
            String(st.factor),
            t.tenant,
            fmtMs(f.latency.p50Ms),
            fmtMs(f.latency.p99Ms),
            pct(f.errors.rate),
            f.rps.achieved.toFixed(0),
            w
              ? `${w.merged.avgCores.toFixed(3)}${w.limitCores === undefined ? '' : ` / ${w.limitCores}`}`
              : '—',
            ...(slo ? [met ? 'met' : 'missed'] : []),
          ];
        }),
      ),
    },
  }));
}

/** Every probe of every search, in order, with its verdict. */
export function buildSearchTable(searches: readonly SearchSummary[]): PlainTable {
  const repeats = searches.some((s) => s.repeat > 1);
  return {
    columns: [
      left('variant'),
      right('probe'),
      right('offered req/s'),
      right('×'),
      left('tenants (p99 ms · errors)'),
      left('verdict'),
    ],
    rows: searches.flatMap((s) =>
      s.probes.map((p) => [
        repeats ? `${s.variant} #${s.repeat}` : s.variant,
        `${p.probe}${p.confirm ? ' (confirm)' : ''}`,
        offered(p),
        String(p.factor),
        p.tenants.map((t) => `${t.tenant} ${fmtMs(t.p99Ms)} · ${pct(t.errorRate)}`).join(', '),
        p.pass ? 'met the SLO' : `missed: ${p.reasons.join('; ')}`,
      ]),
    ),
  };
}

/** "shared: 412 req/s per tenant (0.634×), confirmed" per search. */
export function searchAnswers(summary: Pick<RunSummary, 'searches'>): string[] {
  return (summary.searches ?? []).map((s) => {
    const who = `${s.variant}${(summary.searches ?? []).some((x) => x.repeat > 1) ? ` #${s.repeat}` : ''}`;
    if (!s.capacity) return `${who}: no breaking point (${s.why}) after ${s.probes.length} probes`;
    return `${who}: ${offered(s.capacity)} req/s per tenant (${s.capacity.factor}× the suite's load), ${
      s.confirmed ? 'confirmed' : 'not confirmed'
    }, ${s.probes.length} probes (${s.why})`;
  });
}
