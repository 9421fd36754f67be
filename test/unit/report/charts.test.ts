import { loadImage, createCanvas } from 'canvas';
import { describe, expect, it } from 'vitest';
import { buildReporterInput, reporters } from '../../../src/report/index.ts';
import { spectrum } from '../../../src/report/charts/series.ts';
import { buildSampleResult } from '../analysis/build-sample-result.ts';

const input = buildReporterInput(buildSampleResult());

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Fraction of pixels that are neither white nor transparent. */
async function inkRatio(png: Buffer): Promise<number> {
  const img = await loadImage(png);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  let ink = 0;
  for (let i = 0; i < data.length; i += 4)
    if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) ink++;
  return ink / (data.length / 4);
}

describe('charts reporter', () => {
  it('renders every chart the issue asks for as a non-blank PNG of its declared size', async () => {
    const files = await reporters.charts(input);
    expect(files.map((f) => f.path)).toEqual([
      'charts/latency-over-time-dedicated.png',
      'charts/latency-over-time-shared.png',
      'charts/latency-spectrum.png',
      'charts/error-rate-over-time.png',
      'charts/waypoint-cpu.png',
      'charts/bars-avg.png',
      'charts/bars-p99.png',
      'charts/bars-errors.png',
    ]);
    for (const f of files) {
      const png = f.bytes as Buffer;
      const size = pngSize(png);
      expect(size.width).toBeGreaterThanOrEqual(600);
      expect(size.height).toBeGreaterThanOrEqual(400);
      const ink = await inkRatio(png);
      // Axes, labels and lines: clearly more than an empty frame, far from a solid fill.
      expect(ink, f.path).toBeGreaterThan(0.01);
      expect(ink, f.path).toBeLessThan(0.6);
    }
  });

  it('renders once per input for both the PNGs and report.html', async () => {
    const [a, b] = await Promise.all([reporters.charts(input), reporters.html(input)]);
    const html = b[0].bytes as string;
    expect(html).toContain((a[0].bytes as Buffer).toString('base64').slice(0, 200));
  });

  it('spectrum points climb with the percentile on the 1/(1-q) axis and end at the max', () => {
    const t = input.summary.variants[1].tenants[0];
    const pts = spectrum(t.histograms.intended);
    expect(pts[0].x).toBe(1);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].x).toBeGreaterThan(pts[i - 1].x);
      expect(pts[i].y).toBeGreaterThanOrEqual(pts[i - 1].y);
    }
    expect(pts.at(-1)!.y).toBeCloseTo(t.merged.latency.maxMs, 0);
    expect(spectrum('')).toEqual([]);
  });
});
