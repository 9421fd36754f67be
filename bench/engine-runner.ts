/**
 * Benchmark child: runs one generator in its own process and prints one JSON line on stdout with its
 * latency figures and its own CPU time over the run (start-up excluded).
 * Usage: node --import tsx bench/engine-runner.ts '{"tool":"meshbench"|"autocannon","url":…,"rate":…,"connections":…,"durationMs":…}'
 */
import { runSchedule } from '../src/load/driver.ts';
import { summarizeLoad } from '../src/load/summarize-load.ts';

interface RunnerConfig {
  tool: 'meshbench' | 'autocannon';
  url: string;
  rate: number;
  connections: number;
  durationMs: number;
  /** meshbench only: HTTP client (default raw). */
  client?: 'raw' | 'undici';
  /** meshbench only: worker threads (default 'auto'). */
  workers?: number;
  /** meshbench only: stall the server (POST /__stall) this long at mid-run. */
  stallMs?: number;
}

export interface RunnerOutput {
  tool: string;
  requests: number;
  achievedRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  errors: number;
  cpuMs: number;
  /** meshbench: actual-start figures and schedule lag, for the stall check. */
  actual?: { p50Ms: number; p99Ms: number; p999Ms: number };
  lagP99Ms?: number;
  errorsByClass?: Record<string, number>;
  notes?: string[];
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function runMeshbench(c: RunnerConfig): Promise<RunnerOutput> {
  if (c.stallMs)
    setTimeout(
      () => fetch(`${c.url}__stall?ms=${c.stallMs}`, { method: 'POST' }).catch(() => {}),
      c.durationMs / 2,
    );
  const cpu0 = process.cpuUsage();
  const r = await runSchedule({
    url: c.url,
    method: 'GET',
    headers: {},
    model: 'open',
    rate: c.rate,
    connections: c.connections,
    durationMs: c.durationMs,
    startOffsetMs: 0,
    warmupMs: 0,
    timeoutMs: 5000,
    behindSchedule: 'catch-up',
    jitter: 0,
    workers: c.workers ?? 'auto',
    client: c.client,
  });
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const s = summarizeLoad(r);
  return {
    tool: `meshbench${c.client === 'undici' ? '-undici' : ''}${c.workers ? `-w${c.workers}` : ''}`,
    requests: r.requests.completed,
    achievedRps: r.achievedRps,
    p50Ms: s.latency.p50Ms,
    p90Ms: s.latency.p90Ms,
    p99Ms: s.latency.p99Ms,
    p999Ms: s.latency.p999Ms,
    errors: s.errors + s.skipped,
    cpuMs: cpu,
    actual: { p50Ms: s.latencyActual.p50Ms, p99Ms: s.latencyActual.p99Ms, p999Ms: s.latencyActual.p999Ms },
    lagP99Ms: s.scheduleLagP99Ms,
    errorsByClass: { ...s.errorsByClass, ...(s.skipped ? { skipped: s.skipped } : {}) },
    notes: s.notes,
  };
}

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
  latency: { p50: number; p90: number; p99: number; p99_9: number };
}

async function runAutocannon(c: RunnerConfig): Promise<RunnerOutput> {
  const { default: autocannon } = await import('autocannon');
  const cpu0 = process.cpuUsage();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    autocannon(
      { url: c.url, connections: c.connections, duration: c.durationMs / 1000, overallRate: c.rate },
      (err, res) => (err ? reject(err) : resolve(res as AutocannonResult)),
    );
  });
  const cpu = cpuMs(process.cpuUsage(cpu0));
  // autocannon's own reported figures (what its users see): ms, from the actual write, with its correction.
  return {
    tool: 'autocannon',
    requests: result.requests.total,
    achievedRps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    p999Ms: result.latency.p99_9,
    errors: result.errors + result.non2xx,
    cpuMs: cpu,
  };
}

const config = JSON.parse(process.argv[2] ?? '{}') as RunnerConfig;
const out = config.tool === 'autocannon' ? await runAutocannon(config) : await runMeshbench(config);
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(0);
