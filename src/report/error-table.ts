/** Errors by class and requests never sent, per tenant and variant, shared by Markdown and HTML (pure, unescaped). */
import type { RunSummary } from '../analysis/summary-types.ts';
import { left, type PlainTable, right } from './table-model.ts';

/** A row for each tenant under each variant that had errors or skipped requests, tenants first as in the summary. */
export function buildErrorTable(summary: RunSummary): PlainTable {
  const rows = summary.tenants.flatMap((tenant) =>
    summary.variants.flatMap((v) => {
      const t = v.tenants.find((x) => x.tenant === tenant);
      if (!t || (t.merged.errors.count === 0 && t.merged.requests.skipped === 0)) return [];
      const byClass = Object.entries(t.merged.errors.byClass).map(([k, n]) => `${k} ${n}`);
      return [[tenant, v.name, byClass.join(', ') || '—', String(t.merged.requests.skipped)]];
    }),
  );
  return {
    columns: [left('tenant'), left('variant'), left('errors by class'), right('not sent (skipped)')],
    rows,
  };
}
