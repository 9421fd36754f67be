/**
 * The run summary as one table model (pure, unescaped): a block per tenant, a column per variant, a row per
 * figure. The terminal, summary.md and report.html all render it, each with its own escaping and layout, so
 * the three show the same figures under the same labels with the same rounding.
 */
import type { RunSummary, TenantSummary, VariantSummary } from '../analysis/summary-types.ts';
import { fmtCores, fmtMs, fmtNum, fmtPct, fmtSpread } from './format.ts';
import {
  LATENCY_FROM,
  type LatencyFrom,
  type LatencyStat,
  latencyRows,
  latencyStatLabel,
} from './latency-rows.ts';
import { left, type PlainTable, right } from './table-model.ts';

const NOT_MEASURED = 'not measured';
/** Marks the figures of a tenant whose run was cut short in some repeat. */
const PARTIAL = ' (partial)';

export interface SummaryRow {
  /** e.g. 'p99 (ms, intended start)', 'errors', 'rps'. */
  label: string;
  /** Part of the compact table (the terminal's) as well as the full one. */
  compact: boolean;
  /** Latency rows: which start and statistic, for a layout that gives each its own column. */
  latency?: { from: LatencyFrom; stat: LatencyStat };
}

/** One variant's figures for one tenant. */
export interface SummaryColumn {
  variant: string;
  /** A cell per row, in row order; absent when the variant did not measure the tenant. */
  cells?: string[];
  partial: boolean;
}

export interface SummaryTable {
  rows: SummaryRow[];
  /** In the summary's tenant order; each with a column per variant, in variant order. */
  tenants: Array<{ tenant: string; columns: SummaryColumn[] }>;
  /** Failed repeats, one line each: 'shared repeat 2: PLATFORM_FAILED …'. */
  failures: string[];
}

type Figure = SummaryRow & { cell: (t: TenantSummary, v: VariantSummary) => string };

const LATENCY: Figure[] = latencyRows({
  intended: ['avg', 'p50', 'p90', 'p99', 'p999', 'max'],
  actual: ['avg', 'p50', 'p90', 'p99', 'p999', 'max'],
}).map((r) => ({
  label: r.label,
  // The tails beyond p99 and the extremes belong in the full reports; the terminal keeps the headline figures.
  compact: r.stat === 'avg' || r.stat === 'p50' || r.stat === 'p99',
  latency: { from: r.from, stat: r.stat },
  cell: (t) => r.cell(t),
}));

const REQUESTS: Figure = {
  label: 'requests',
  compact: false,
  cell: (t) => String(t.merged.requests.completed),
};

const ERRORS: Figure = {
  label: 'errors',
  compact: true,
  cell: (t) => fmtPct(t.merged.errors.rate) + fmtSpread(t.spread['errors.rate'], fmtPct),
};

// Requests the engine never sent (it fell behind its schedule) are no error, but they are not hidden either.
const SKIPPED: Figure = {
  label: 'not sent (skipped)',
  compact: true,
  cell: (t) => String(t.merged.requests.skipped),
};

const RATE: Figure[] = [
  {
    label: 'rps',
    compact: true,
    cell: (t) =>
      `${fmtNum(t.merged.rps.achieved, 1)}${t.merged.rps.target ? ` / ${t.merged.rps.target}` : ''}` +
      fmtSpread(t.spread.rps, (n) => fmtNum(n, 1)),
  },
  {
    label: 'schedule lag p99 (ms)',
    compact: false,
    cell: (t) => fmtMs(t.merged.scheduleLag.p99Ms) + fmtSpread(t.spread['lag.p99'], fmtMs),
  },
  {
    label: 'waypoint CPU (cores)',
    compact: true,
    cell: (t, v) => {
      const w = v.waypoints.find((x) => x.component === t.waypoint);
      if (!w) return '—';
      return `${fmtCores(w.merged.avgCores)}${w.limitCores !== undefined ? ` / ${w.limitCores}` : ''}`;
    },
  },
  {
    // A shared waypoint's CPU split by each tenant's share of what it proxied (analysis/tenant-cost.ts).
    label: 'waypoint CPU ms / 1k ok',
    compact: true,
    cell: (t) =>
      t.cost
        ? `${fmtNum(t.cost.cpuMsPer1k, 1)}${t.cost.share < 0.999 ? ` (${Math.round(t.cost.share * 100)}% share)` : ''}`
        : '—',
  },
];

/** Every figure of every tenant under every variant; the skipped row only when some request was skipped. */
export function buildSummaryTable(summary: RunSummary): SummaryTable {
  const anySkipped = summary.variants.some((v) => v.tenants.some((t) => t.merged.requests.skipped > 0));
  const figures = [REQUESTS, ...LATENCY, ERRORS, ...(anySkipped ? [SKIPPED] : []), ...RATE];
  return {
    rows: figures.map(({ cell: _, ...row }) => row),
    tenants: summary.tenants.map((tenant) => ({
      tenant,
      columns: summary.variants.map((v) => {
        const t = v.tenants.find((x) => x.tenant === tenant);
        return {
          variant: v.name,
          cells: t ? figures.map((f) => f.cell(t, v)) : undefined,
          partial: t?.incomplete ?? false,
        };
      }),
    })),
    failures: summary.variants.flatMap((v) => v.errors.map((e) => `${v.name} ${e}`)),
  };
}

/** The same table with only the compact rows. */
export function compactSummaryTable(table: SummaryTable): SummaryTable {
  const keep = table.rows.map((r) => r.compact);
  return {
    ...table,
    rows: table.rows.filter((_, i) => keep[i]),
    tenants: table.tenants.map((b) => ({
      ...b,
      columns: b.columns.map((c) => ({ ...c, cells: c.cells?.filter((_, i) => keep[i]) })),
    })),
  };
}

/**
 * One tenant's block as [label, ...a cell per variant] rows, for the layouts with a column per variant:
 * a partial tenant is marked once, on its first figure.
 */
export function tenantBlockRows(table: SummaryTable, columns: readonly SummaryColumn[]): string[][] {
  return table.rows.map((row, i) => [
    row.label,
    ...columns.map((c) => (c.cells ? c.cells[i] + (c.partial && i === 0 ? PARTIAL : '') : NOT_MEASURED)),
  ]);
}

/** The tenant and variant cells of a row in the long layout; the variant carries the partial mark. */
function rowHead(tenant: string, c: SummaryColumn): string[] {
  return [tenant, c.variant + (c.partial ? PARTIAL : '')];
}

/**
 * The long layout, a row per tenant × variant: latency with a column per statistic and a row per start,
 * then every other figure with a column each.
 */
export function longSummaryTables(table: SummaryTable): { latency: PlainTable; figures: PlainTable } {
  const rowOf = new Map(
    table.rows.flatMap((r, i) => (r.latency ? [[`${r.latency.from}/${r.latency.stat}`, i] as const] : [])),
  );
  const latencyAt = (from: LatencyFrom, stat: LatencyStat) => rowOf.get(`${from}/${stat}`) ?? -1;
  const froms = [...new Set(table.rows.flatMap((r) => (r.latency ? [r.latency.from] : [])))];
  const stats = [...new Set(table.rows.flatMap((r) => (r.latency ? [r.latency.stat] : [])))];
  const others = table.rows.flatMap((r, i) => (r.latency ? [] : [i]));
  const latency: string[][] = [];
  const figures: string[][] = [];
  for (const { tenant, columns } of table.tenants) {
    for (const c of columns) {
      const cells = c.cells;
      if (!cells) {
        latency.push([tenant, c.variant, NOT_MEASURED, ...stats.map(() => '')]);
        figures.push([tenant, c.variant, NOT_MEASURED, ...others.slice(1).map(() => '')]);
        continue;
      }
      for (const from of froms) {
        latency.push([
          ...rowHead(tenant, c),
          LATENCY_FROM[from],
          ...stats.map((stat) => cells[latencyAt(from, stat)] ?? ''),
        ]);
      }
      figures.push([...rowHead(tenant, c), ...others.map((i) => cells[i])]);
    }
  }
  const head = [left('tenant'), left('variant')];
  return {
    latency: {
      columns: [...head, left('from'), ...stats.map((s) => right(latencyStatLabel(s)))],
      rows: latency,
    },
    figures: { columns: [...head, ...others.map((i) => right(table.rows[i].label))], rows: figures },
  };
}
