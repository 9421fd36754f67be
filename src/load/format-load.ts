/** Human renderings of load progress and results (for stderr). Pure: return strings. */
import type { LatencyStats } from '../metrics/histogram.ts';
import type { LoadSummary } from './summarize-load.ts';
import type { LoadProgress, LoadSchedule } from './types.ts';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One progress line per tenant per second. */
export function formatProgress(p: LoadProgress): string {
  return `[${String(p.t + 1).padStart(4)}s] ${p.tenant}  rate ${String(p.rps).padStart(6)}/s  p50 ${ms(p.p50Ms).padStart(6)} ms  p99 ${ms(p.p99Ms).padStart(6)} ms  errors ${p.errors}`;
}

function latencyRow(label: string, s: LatencyStats): string {
  const cells = [s.p50Ms, s.p90Ms, s.p99Ms, s.p999Ms, s.maxMs].map((v) => ms(v).padStart(9));
  return `  ${label.padEnd(26)}${cells.join('')}${String(s.count).padStart(10)}`;
}

function describeSchedule(s: LoadSchedule): string {
  const what =
    s.model === 'open'
      ? `open model, ${s.rate} req/s over ${s.connections} connections`
      : `closed model, ${s.connections} connections`;
  const warm = s.warmupMs > 0 ? `, warm-up ${s.warmupMs / 1000}s excluded` : '';
  return `${s.method} ${s.url} — ${what}, ${s.durationMs / 1000}s${warm}`;
}

/** The end-of-run table. */
export function formatLoadSummary(schedule: LoadSchedule, s: LoadSummary, tenant?: string): string {
  const lines: string[] = [];
  lines.push(
    `${tenant ? `${tenant}: ` : ''}${describeSchedule(schedule)}${s.incomplete ? '  (INCOMPLETE: stopped before the schedule was done; see notes)' : ''}`,
  );
  const target = s.targetRps
    ? ` of ${s.targetRps} target (${((100 * s.achievedRps) / s.targetRps).toFixed(2)}%)`
    : '';
  lines.push(`  achieved rate             ${s.achievedRps.toFixed(1)} req/s${target}`);
  const r = s.requests;
  lines.push(
    `  requests                  intended ${r.intended}  sent ${r.sent}  completed ${r.completed}  skipped ${s.skipped}${s.aborted ? `  aborted ${s.aborted}` : ''}  (warm-up ${r.warmup})`,
  );
  lines.push(
    `  latency (ms)              ${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}     count`,
  );
  lines.push(latencyRow('successes, intended start', s.latency));
  lines.push(latencyRow('successes, actual start', s.latencyActual));
  if (s.latencyErrors.count > 0) lines.push(latencyRow('errors, intended start', s.latencyErrors));
  const errs = Object.entries(s.errorsByClass)
    .map(([k, v]) => `${k} ${v}`)
    .join('  ');
  lines.push(
    `  outcomes                  2xx ${r.completed - s.errors}  errors ${s.errors} (${(100 * s.errorRate).toFixed(2)}%)${errs ? `: ${errs}` : ''}`,
  );
  lines.push(
    `  schedule lag              p50 ${ms(s.scheduleLagP50Ms)} ms  p99 ${ms(s.scheduleLagP99Ms)} ms  max ${ms(s.maxLagMs)} ms  (workers ${s.workers})`,
  );
  const l = s.lateness;
  if (l)
    lines.push(
      `  late (> ${l.lateMs} ms)             backpressure ${l.backpressure}  generator ${l.generator}  · generator lag p99 ${ms(l.generatorLagP99Ms)} ms  max ${ms(l.generatorLagMaxMs)} ms  (${l.generatorLate} generator-late)`,
    );
  for (const n of s.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}
