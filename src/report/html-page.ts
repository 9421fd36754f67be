/**
 * What every self-contained page shares (pure): the head (a CSP that allows no script and no fetch, inline
 * CSS) and a chart as a figure with its PNG inline. Callers escape the title; chart titles are escaped here.
 */
import type { RenderedChart } from './charts/render.ts';
import { escapeHtml as h } from './escape.ts';

export function chartFigure(c: RenderedChart): string {
  return `<figure><img src="data:image/png;base64,${c.png.toString('base64')}" width="${c.width}" height="${c.height}" alt="${h(c.title)}"><figcaption>${h(c.title)}</figcaption></figure>`;
}

/** `<!doctype html>` through `</head>`; `escapedTitle` is already escaped. */
export function pageHead(escapedTitle: string, css: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapedTitle}</title>
<style>${css}</style>
</head>`;
}
