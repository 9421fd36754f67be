/** One row per waypoint of each variant, shared by Markdown and HTML (pure, unescaped). */
import type { RunSummary } from '../analysis/summary-types.ts';
import { fmtCores, fmtPct } from './format.ts';
import { left, type PlainTable, right } from './table-model.ts';

export function buildWaypointTable(summary: RunSummary): PlainTable {
  return {
    columns: [
      left('variant'),
      left('waypoint'),
      left('serves'),
      right('avg cores'),
      right('max cores'),
      right('limit'),
      right('throttled'),
      right('overflows'),
      left('limit enforced by'),
    ],
    rows: summary.variants.flatMap((v) =>
      v.waypoints.map((w) => [
        v.name,
        w.component,
        w.tenants.join(', '),
        fmtCores(w.merged.avgCores),
        fmtCores(w.merged.maxCores),
        w.limitCores === undefined ? '—' : String(w.limitCores),
        w.merged.throttledRatio === undefined ? '—' : fmtPct(w.merged.throttledRatio),
        String(w.merged.overflow),
        w.enforcement ?? '—',
      ]),
    ),
  };
}
