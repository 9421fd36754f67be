/** Renders chart specs to PNG with chartjs-node-canvas; one renderer per chart size (they are costly). */
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import type { ChartSpec } from './specs.ts';

const renderers = new Map<string, ChartJSNodeCanvas>();

function rendererFor(width: number, height: number): ChartJSNodeCanvas {
  const key = `${width}x${height}`;
  let r = renderers.get(key);
  if (!r) {
    r = new ChartJSNodeCanvas({ width, height, backgroundColour: 'white' });
    renderers.set(key, r);
  }
  return r;
}

export async function renderChart(spec: ChartSpec): Promise<Buffer> {
  // chartjs-node-canvas types its config against chart.js/auto; the shapes are the same.
  return rendererFor(spec.width, spec.height).renderToBuffer(spec.config as never, 'image/png');
}

export interface RenderedChart {
  file: string;
  title: string;
  width: number;
  height: number;
  png: Buffer;
}

export async function renderCharts(specs: readonly ChartSpec[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  // One at a time: canvas rendering is CPU-bound and the machine is shared.
  for (const s of specs)
    out.push({ file: s.file, title: s.title, width: s.width, height: s.height, png: await renderChart(s) });
  return out;
}
