/** Plain-text tables for the terminal (pure). */
import { leftColumns, type PlainTable } from './table-model.ts';

/** Replaces control characters so a name in a result cannot drive the terminal (escape sequences). */
export function escapeTerminal(value: unknown): string {
  return String(value).replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
}

/** Pads cells into aligned columns; column 0 left-aligned, the rest right-aligned unless `left`. */
export function renderTable(rows: string[][], opts: { left?: number[]; indent?: string } = {}): string {
  const width: number[] = [];
  for (const row of rows) {
    row.forEach((c, i) => {
      width[i] = Math.max(width[i] ?? 0, c.length);
    });
  }
  const left = new Set([0, ...(opts.left ?? [])]);
  return rows
    .map(
      (row) =>
        (opts.indent ?? '') +
        row
          .map((c, i) => (left.has(i) ? c.padEnd(width[i]) : c.padStart(width[i])))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

/** A PlainTable for the terminal: its labels, then its rows with every cell escaped. */
export function renderPlainTable(t: PlainTable, indent = '  '): string {
  return renderTable([t.columns.map((c) => c.label), ...t.rows.map((r) => r.map(escapeTerminal))], {
    indent,
    left: leftColumns(t.columns),
  });
}
