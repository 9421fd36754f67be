/** A report table as plain data (pure, unescaped): the terminal, Markdown and HTML each escape and align it. */

export interface TableColumn {
  label: string;
  /** Names and text read from the left; figures line up on the right. */
  align: 'left' | 'right';
}

export interface PlainTable {
  columns: readonly TableColumn[];
  /** A cell per column, plain text. */
  rows: string[][];
}

/** Indices of the left-aligned columns. */
export function leftColumns(columns: readonly TableColumn[]): number[] {
  return columns.flatMap((c, i) => (c.align === 'left' ? [i] : []));
}

export const left = (label: string): TableColumn => ({ label, align: 'left' });
export const right = (label: string): TableColumn => ({ label, align: 'right' });
