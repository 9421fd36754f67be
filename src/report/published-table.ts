/** The "against the published figures" table's text, shared by the terminal, Markdown and HTML (pure, unescaped). */
import type { PublishedComparison } from '../analysis/published.ts';
import { fmtMs, fmtPct } from './format.ts';

export const PUBLISHED_HEADING = 'Against the published figures';
export const PUBLISHED_COLUMNS = ['figure', 'published', 'this run', 'ratio'] as const;

/** Latency in ms, errors as a percentage. */
function fmtFigure(value: number, unit: PublishedComparison['unit']): string {
  return unit === 'ms' ? `${fmtMs(value)} ms` : fmtPct(value);
}

/** [figure, published, this run, ratio] for one comparison. */
export function publishedCells(c: PublishedComparison): [string, string, string, string] {
  return [
    `${c.label} (${c.metric})`,
    fmtFigure(c.published, c.unit),
    c.measured === null ? 'not measured' : fmtFigure(c.measured, c.unit),
    c.ratio === null ? '—' : `${c.ratio.toFixed(2)}×`,
  ];
}
