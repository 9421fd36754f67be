/**
 * Chart specifications (pure): which PNGs a run gets and their Chart.js configurations. Rendering is
 * in render.ts; names and titles go into report.html as text, escaped there.
 */
import type { Plugin } from 'chart.js';
import type { RunSummary } from '../../analysis/summary-types.ts';
import type { RunResult } from '../../result/types.ts';
import { fileSafe } from '../escape.ts';
import { base, type ChartSpec, PALETTE, VARIANT_DASH } from './chart-style.ts';
import { sweepChartSpecs } from './sweep-specs.ts';

export type { ChartSpec } from './chart-style.ts';
import {
  bucketSeconds,
  type SecondPoint,
  secondsKey,
  spectrum,
  tenantSeconds,
  waypointSeconds,
} from './series.ts';

export interface Marker {
  x: number;
  label: string;
}

/** Draws vertical dashed lines at x values (the stagger: when each tenant starts). */
export const markersPlugin: Plugin<'line'> = {
  id: 'meshbenchMarkers',
  afterDatasetsDraw(chart, _args, options) {
    const markers = ((options as { markers?: Marker[] }).markers ?? []) as Marker[];
    const x = chart.scales.x;
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = '#555';
    ctx.fillStyle = '#333';
    ctx.setLineDash([4, 4]);
    ctx.font = '12px sans-serif';
    markers.forEach((m, i) => {
      const px = x.getPixelForValue(m.x);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
      ctx.fillText(m.label, px + 4, top + 14 + i * 14);
    });
    ctx.restore();
  },
};

function staggerMarkers(result: RunResult): Marker[] {
  return result.plan.tenants
    .filter((t) => t.startOffsetMs > 0 || result.plan.tenants.length > 1)
    .map((t) => ({ x: t.startOffsetMs / 1000, label: `${t.name} starts` }));
}

/** `seconds`: the tenants' lines already merged (collectTenantSeconds); the missing ones are merged here. */
export function buildChartSpecs(
  input: { result: RunResult; summary: RunSummary },
  seconds: ReadonlyMap<string, SecondPoint[]> = new Map(),
): ChartSpec[] {
  const { result, summary } = input;
  const specs: ChartSpec[] = [];
  const tenantColor = (t: string) => PALETTE[Math.max(0, summary.tenants.indexOf(t)) % PALETTE.length];
  const variantDash = (v: string) =>
    VARIANT_DASH[Math.max(0, summary.variantNames.indexOf(v)) % VARIANT_DASH.length];
  const stagger = staggerMarkers(result);
  /** One line per variant × tenant: colour by tenant, dash by variant. */
  const variantTenantLine = <P>(v: { name: string }, t: { tenant: string }, data: P[]) => ({
    label: `${v.name} · ${t.tenant}`,
    data,
    borderColor: tenantColor(t.tenant),
    backgroundColor: tenantColor(t.tenant),
    borderDash: variantDash(v.name),
    pointRadius: 0,
    borderWidth: 2,
  });

  // Each variant × tenant's per-second series, merged once and read by the latency and error charts.
  // Long runs are drawn in buckets of whole seconds (series.ts); the titles say which.
  const lastSecond = Math.max(
    0,
    ...result.variants.flatMap((v) => v.tenants.map((t) => t.load.series.at(-1)?.t ?? 0)),
  );
  const width = bucketSeconds(lastSecond + 1);
  const per = width === 1 ? 'per second' : `per ${width} s`;
  const secondsOf = new Map(seconds);
  const secondsFor = (v: string, t: string) => {
    const key = secondsKey(v, t);
    let pts = secondsOf.get(key);
    if (!pts) {
      pts = tenantSeconds(result, v, t);
      secondsOf.set(key, pts);
    }
    return pts;
  };

  for (const v of summary.variants) {
    const datasets = v.tenants.flatMap((t) => {
      const pts = secondsFor(v.name, t.tenant);
      return [
        {
          label: `${t.tenant} p99`,
          data: pts.map((p) => ({ x: p.t, y: p.p99Ms })),
          borderColor: tenantColor(t.tenant),
          backgroundColor: tenantColor(t.tenant),
          pointRadius: 0,
          borderWidth: 2,
          spanGaps: false,
        },
        {
          label: `${t.tenant} p50`,
          data: pts.map((p) => ({ x: p.t, y: p.p50Ms })),
          borderColor: tenantColor(t.tenant),
          backgroundColor: tenantColor(t.tenant),
          borderDash: [6, 4],
          pointRadius: 0,
          borderWidth: 1.5,
        },
      ];
    });
    const title = `Latency over time — ${v.name} (${per}, from intended start)`;
    specs.push({
      file: `latency-over-time-${fileSafe(v.name)}.png`,
      title,
      width: 1000,
      height: 480,
      config: {
        type: 'line',
        data: { datasets },
        options: {
          ...base(title, 'seconds since the variant started', 'latency (ms)'),
          plugins: {
            ...base(title, '', '').plugins,
            meshbenchMarkers: { markers: stagger },
          } as never,
        },
        plugins: [markersPlugin as Plugin],
      },
    });
  }

  const spectrumTitle = 'Latency percentile spectrum (successes, from intended start)';
  specs.push({
    file: 'latency-spectrum.png',
    title: spectrumTitle,
    width: 1000,
    height: 480,
    config: {
      type: 'line',
      data: {
        datasets: summary.variants.flatMap((v) =>
          v.tenants.map((t) => variantTenantLine(v, t, spectrum(t.histograms.intended))),
        ),
      },
      options: {
        ...base(spectrumTitle, 'percentile', 'latency (ms)'),
        scales: {
          x: {
            type: 'logarithmic',
            min: 1,
            title: { display: true, text: 'percentile (log scale)' },
            ticks: {
              callback: (value) => {
                const n = Number(value);
                const exp = Math.log10(n);
                if (Math.abs(exp - Math.round(exp)) > 1e-9) return '';
                return `${(100 - 100 / n).toFixed(Math.max(0, Math.round(exp) - 2))}%`;
              },
            },
          },
          y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'latency (ms)' } },
        },
      },
    },
  });

  const errTitle = `Error rate over time (${per})`;
  specs.push({
    file: 'error-rate-over-time.png',
    title: errTitle,
    width: 1000,
    height: 420,
    config: {
      type: 'line',
      data: {
        datasets: summary.variants.flatMap((v) =>
          v.tenants.map((t) =>
            variantTenantLine(
              v,
              t,
              secondsFor(v.name, t.tenant).map((p) => ({
                x: p.t,
                y: p.errorRate === null ? null : p.errorRate * 100,
              })),
            ),
          ),
        ),
      },
      options: {
        ...base(errTitle, 'seconds since the variant started', 'errors (% of requests)'),
        plugins: { ...base(errTitle, '', '').plugins, meshbenchMarkers: { markers: stagger } } as never,
      },
      plugins: [markersPlugin as Plugin],
    },
  });

  const cpuSets = summary.variants.flatMap((v, vi) =>
    v.waypoints.flatMap((w, wi) => {
      const pts = waypointSeconds(result, v.name, w.component);
      const color = PALETTE[(vi * 3 + wi + 2) % PALETTE.length];
      const line = {
        label: `${v.name} · ${w.component}`,
        data: pts.map((p) => ({ x: p.t, y: p.cores })),
        borderColor: color,
        backgroundColor: color,
        pointRadius: 0,
        borderWidth: 2,
      };
      if (w.limitCores === undefined || pts.length === 0) return [line];
      const limit = {
        label: `${v.name} · ${w.component} limit`,
        data: [
          { x: Math.min(0, pts[0].t), y: w.limitCores },
          { x: pts[pts.length - 1].t, y: w.limitCores },
        ],
        borderColor: color,
        backgroundColor: color,
        borderDash: [10, 5],
        pointRadius: 0,
        borderWidth: 1,
      };
      return [line, limit];
    }),
  );
  const cpuTitle = 'Waypoint CPU over time against its limit';
  const maxLimit = Math.max(0, ...summary.variants.flatMap((v) => v.waypoints.map((w) => w.limitCores ?? 0)));
  specs.push({
    file: 'waypoint-cpu.png',
    title: cpuTitle,
    width: 1000,
    height: 420,
    config: {
      type: 'line',
      data: { datasets: cpuSets },
      options: {
        ...base(cpuTitle, 'seconds since the variant started', 'cores'),
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds since the variant started' } },
          // Headroom above the highest limit so the limit line is not drawn on the frame.
          y: {
            type: 'linear',
            beginAtZero: true,
            suggestedMax: maxLimit * 1.2,
            title: { display: true, text: 'cores' },
          },
        },
        plugins: { ...base(cpuTitle, '', '').plugins, meshbenchMarkers: { markers: stagger } } as never,
      },
      plugins: [markersPlugin as Plugin],
    },
  });

  const bars: Array<[string, string, string, (v: string, t: string) => number | null]> = [
    [
      'bars-avg.png',
      'Average latency (ms)',
      'ms',
      (v, t) => find(summary, v, t)?.merged.latency.avgMs ?? null,
    ],
    ['bars-p99.png', 'p99 latency (ms)', 'ms', (v, t) => find(summary, v, t)?.merged.latency.p99Ms ?? null],
    [
      'bars-errors.png',
      'Errors (% of requests)',
      '%',
      (v, t) => {
        const x = find(summary, v, t);
        return x ? x.merged.errors.rate * 100 : null;
      },
    ],
  ];
  for (const [file, title, unit, value] of bars) {
    specs.push({
      file,
      title: `${title} — ${summary.variantNames.join(' vs ')}`,
      width: 600,
      height: 400,
      config: {
        type: 'bar',
        data: {
          labels: summary.tenants,
          datasets: summary.variants.map((v, i) => ({
            label: v.name,
            data: summary.tenants.map((t) => value(v.name, t)),
            backgroundColor: PALETTE[(i + 2) % PALETTE.length],
          })),
        },
        options: {
          responsive: false,
          animation: false,
          plugins: {
            title: {
              display: true,
              text: `${title} — ${summary.variantNames.join(' vs ')}`,
              font: { size: 15 },
            },
            legend: { position: 'bottom' },
          },
          scales: { y: { beginAtZero: true, title: { display: true, text: unit } } },
        },
      },
    });
  }
  specs.push(...sweepChartSpecs(summary, result.plan));
  return specs;
}

function find(summary: RunSummary, variant: string, tenant: string) {
  return summary.variants.find((v) => v.name === variant)?.tenants.find((t) => t.tenant === tenant);
}
