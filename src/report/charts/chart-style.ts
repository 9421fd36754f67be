/** What every chart shares (pure): the spec type, colours, dashes and the base options. */
import type { ChartConfiguration } from 'chart.js';

export interface ChartSpec {
  /** File name under charts/, e.g. 'latency-over-time-shared.png'. */
  file: string;
  title: string;
  width: number;
  height: number;
  config: ChartConfiguration;
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
];
export const VARIANT_DASH: number[][] = [[], [8, 4], [2, 3], [12, 3, 2, 3]];

export function base(title: string, x: string, y: string, yType: 'linear' | 'logarithmic' = 'linear') {
  return {
    responsive: false,
    animation: false as const,
    plugins: {
      title: { display: true, text: title, font: { size: 16 } },
      // Line samples in the legend show each dataset's dash pattern (variants differ by dash).
      legend: {
        position: 'bottom' as const,
        labels: { usePointStyle: true, pointStyle: 'line' as const, pointStyleWidth: 40 },
      },
    },
    scales: {
      x: { type: 'linear' as const, title: { display: true, text: x } },
      y: { type: yType, title: { display: true, text: y }, beginAtZero: yType === 'linear' },
    },
  };
}
