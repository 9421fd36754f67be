/**
 * Charts against offered load (pure): a sweep's latency, errors, waypoint CPU and achieved rate per step, one
 * line per variant × tenant (colour by tenant, dash by variant), and a search's probes. The x axis is the
 * offered rate per tenant as driven (on the local platform, the suite's rate times its scale).
 */
import type { RunSummary, SweepSummary } from '../../analysis/summary-types.ts';
import type { RunPlan } from '../../suite/plan.ts';
import { base, type ChartSpec, PALETTE, VARIANT_DASH } from './chart-style.ts';

type Point = { x: number; y: number | null };

function offered(step: { rate?: number; connections: number }): number {
  return step.rate ?? step.connections;
}

export function sweepChartSpecs(summary: RunSummary, plan: Pick<RunPlan, 'slo' | 'sweep'>): ChartSpec[] {
  const specs: ChartSpec[] = [];
  const tenantColor = (t: string) => PALETTE[Math.max(0, summary.tenants.indexOf(t)) % PALETTE.length];
  const variantDash = (v: string) =>
    VARIANT_DASH[Math.max(0, summary.variantNames.indexOf(v)) % VARIANT_DASH.length];
  const sweep = summary.sweep;
  const xLabel =
    plan.sweep?.base.rate === undefined
      ? 'offered connections per tenant'
      : 'offered load (req/s per tenant, as driven)';
  const line = (v: string, t: string, data: Point[], extra: object = {}) => ({
    label: `${v} · ${t}`,
    data,
    borderColor: tenantColor(t),
    backgroundColor: tenantColor(t),
    borderDash: variantDash(v),
    pointRadius: 3,
    borderWidth: 2,
    ...extra,
  });
  const perTenant = (
    s: SweepSummary,
    value: (f: SweepSummary['steps'][number], tenant: string) => number | null,
  ) =>
    summary.tenants.map((t) =>
      line(
        s.variant,
        t,
        s.steps.map((st) => ({ x: offered(st), y: value(st, t) })),
      ),
    );
  const tenantOf = (st: SweepSummary['steps'][number], t: string) =>
    st.summary.tenants.find((x) => x.tenant === t);
  const push = (
    file: string,
    title: string,
    y: string,
    datasets: object[],
    yType: 'linear' | 'logarithmic' = 'linear',
  ) =>
    specs.push({
      file,
      title,
      width: 1000,
      height: 460,
      config: {
        type: 'line',
        data: { datasets: datasets as never },
        options: base(title, xLabel, y, yType) as never,
      },
    });

  if (sweep && sweep.length > 0) {
    const slo = plan.slo;
    const xs = sweep.flatMap((s) => s.steps.map(offered));
    const sloLine = (y: number, label: string) => ({
      label,
      data: [
        { x: Math.min(...xs), y },
        { x: Math.max(...xs), y },
      ],
      borderColor: '#555',
      backgroundColor: '#555',
      borderDash: [4, 4],
      pointRadius: 0,
      borderWidth: 1,
    });
    push(
      'sweep-p99.png',
      'p99 latency against offered load (from intended start)',
      'p99 latency (ms, log scale)',
      [
        ...sweep.flatMap((s) => perTenant(s, (st, t) => tenantOf(st, t)?.merged.latency.p99Ms ?? null)),
        ...(slo ? [sloLine(slo.p99Ms, `SLO p99 ${slo.p99Ms} ms`)] : []),
      ],
      'logarithmic',
    );
    push(
      'sweep-p50.png',
      'p50 latency against offered load (from intended start)',
      'p50 latency (ms, log scale)',
      sweep.flatMap((s) => perTenant(s, (st, t) => tenantOf(st, t)?.merged.latency.p50Ms ?? null)),
      'logarithmic',
    );
    push('sweep-errors.png', 'Error rate against offered load', 'errors (% of requests)', [
      ...sweep.flatMap((s) =>
        perTenant(s, (st, t) => {
          const x = tenantOf(st, t);
          return x ? x.merged.errors.rate * 100 : null;
        }),
      ),
      ...(slo ? [sloLine(slo.errors * 100, `SLO errors ${slo.errors * 100}%`)] : []),
    ]);
    push('sweep-achieved.png', 'Achieved against offered rate', 'achieved (req/s per tenant)', [
      ...sweep.flatMap((s) => perTenant(s, (st, t) => tenantOf(st, t)?.merged.rps.achieved ?? null)),
      {
        ...sloLine(0, 'achieved = offered'),
        data: [...new Set(xs)].sort((a, b) => a - b).map((x) => ({ x, y: x })),
      },
    ]);
    // Waypoint CPU: one line per variant × waypoint, its limit dashed in the same colour.
    const cpu = sweep.flatMap((s, si) => {
      const components = [...new Set(s.steps.flatMap((st) => st.summary.waypoints.map((w) => w.component)))];
      return components.flatMap((c, ci) => {
        const color = PALETTE[(si * 3 + ci + 2) % PALETTE.length];
        const pts = s.steps.flatMap((st) => {
          const w = st.summary.waypoints.find((x) => x.component === c);
          return w ? [{ x: offered(st), y: w.merged.avgCores, limit: w.limitCores }] : [];
        });
        const limit = pts.find((p) => p.limit !== undefined)?.limit;
        const shown = { borderColor: color, backgroundColor: color, borderDash: variantDash(s.variant) };
        return [
          {
            label: `${s.variant} · ${c}`,
            data: pts.map(({ x, y }) => ({ x, y })),
            pointRadius: 3,
            borderWidth: 2,
            ...shown,
          },
          ...(limit === undefined || pts.length === 0
            ? []
            : [
                {
                  label: `${s.variant} · ${c} limit`,
                  data: [
                    { x: pts[0].x, y: limit },
                    { x: pts[pts.length - 1].x, y: limit },
                  ],
                  pointRadius: 0,
                  borderWidth: 1,
                  ...shown,
                  borderDash: [10, 5],
                },
              ]),
        ];
      });
    });
    push(
      'sweep-cpu.png',
      'Waypoint CPU against offered load, with its limit',
      'cores (average over the step)',
      cpu,
    );
    // Headroom above the highest limit so the limit line is not drawn on the frame.
    const limits = sweep.flatMap((s) =>
      s.steps.flatMap((st) => st.summary.waypoints.map((w) => w.limitCores ?? 0)),
    );
    const y = (specs[specs.length - 1].config.options as { scales: { y: Record<string, unknown> } }).scales.y;
    y.suggestedMax = Math.max(0, ...limits) * 1.2;
  }

  const searches = summary.searches ?? [];
  if (searches.length > 0) {
    const title = 'Breaking-point search: each probe’s offered load (filled: met the SLO; hollow: missed it)';
    specs.push({
      file: 'search-probes.png',
      title,
      width: 1000,
      height: 460,
      config: {
        type: 'line',
        data: {
          datasets: searches.map((s, i) => {
            const color = PALETTE[(i + 2) % PALETTE.length];
            return {
              label: `${s.variant}${searches.some((x) => x.repeat > 1) ? ` #${s.repeat}` : ''}`,
              data: s.probes.map((p) => ({ x: p.probe, y: offered(p) })),
              borderColor: color,
              backgroundColor: color,
              borderDash: variantDash(s.variant),
              borderWidth: 1.5,
              pointRadius: 6,
              pointBackgroundColor: s.probes.map((p) => (p.pass ? color : '#ffffff')),
              pointBorderColor: color,
            };
          }) as never,
        },
        options: base(title, 'probe', xLabel.replace('offered load', 'offered rate'), 'logarithmic') as never,
      },
    });
  }
  return specs;
}
