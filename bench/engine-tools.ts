/**
 * What bench:engine runs: the truth server (Go or Node, at raised priority where allowed) and each tool, at
 * one rate and connection count, returning the tool's own figures and its CPU per request. Shared by the
 * fidelity table and the capacity sweep (engine-capacity.ts).
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodeHistogram, latencyStats } from '../src/metrics/histogram.ts';
import { CLOCK_TICKS } from '../src/metrics/proc-cpu.ts';
import type { RunnerOutput } from './engine-runner.ts';
import { parseFortioJson, parseHeyCsv, parseVegetaJson, parseWrk } from './engine-peers.ts';

/** One tool's load: the same for every tool in a step. */
interface LoadPoint {
  rate: number;
  connections: number;
  durationMs: number;
  /** Folder of the Go-built peers (fortio, vegeta); '' when they are unavailable. */
  goBin: string;
}

/** CPU time (ms) of this process's reaped children, from /proc/self/stat (cutime + cstime, clock ticks). */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: index 13 = cutime, 14 = cstime (stat(5) fields 16 and 17).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

export async function installed(bin: string): Promise<boolean> {
  const r = await execa('which', [bin], { reject: false });
  return r.exitCode === 0;
}

/** Fortio and vegeta from Go modules (built on first use into a cache outside the repository), or why not. */
export async function goPeers(): Promise<{ bin: string } | { missing: string }> {
  const r = await execa('bash', ['scripts/go-peers.sh'], { reject: false });
  if (r.exitCode === 3) return { missing: 'no Go toolchain' };
  if (r.exitCode !== 0)
    return { missing: `building them failed: ${r.stderr.split('\n').slice(-2).join(' | ')}` };
  return { bin: r.stdout.trim().split('\n').pop() ?? '' };
}

interface ServerHandle {
  url: string;
  stop(): Promise<void>;
  truth(): Promise<{ p50Ms: number; p90Ms: number; p99Ms: number; p999Ms: number; count: number }>;
}

/** The Go truth server (bench/servers/delay-go), built into a temp folder; null without Go. */
export async function buildGoServer(): Promise<string | null> {
  const out = join(tmpdir(), `mb-delay-server-${process.pid}`);
  const r = await execa('go', ['build', '-o', out, '.'], { cwd: 'bench/servers/delay-go', reject: false });
  return r.exitCode === 0 ? out : null;
}

/**
 * The truth server runs at nice −10 where this process may raise priority (root here): it then wins the
 * wake-ups it shares with the generator on two cores, so its own answer times stay near its delay. Real-time
 * priority was tried and rejected: it starved the generators (vegeta's p99 went from 7 to 158 ms).
 */
export const SERVER_NICE = process.getuid?.() === 0 ? -10 : 0;
function withPriority(bin: string, args: string[]): [string, string[]] {
  return SERVER_NICE ? ['nice', ['-n', String(SERVER_NICE), bin, ...args]] : [bin, args];
}

/**
 * The truth server: the Go one by default (cheap, so its own answer times stay near its delay while it
 * shares the cores with a generator), the Node one with `--server node` or without Go. Each connection's
 * first request is left out of the truth: meshbench and Fortio send one per connection as a warm-up, a burst
 * of hundreds outside their measured run; the other tools lose one ordinary sample per connection.
 */
export async function startServer(
  goServer: string | null,
  profile: 'fixed' | 'mixed',
): Promise<ServerHandle> {
  const child = goServer
    ? execa(...withPriority(goServer, ['-delay', '5', '-profile', profile, '-skip-first']), { reject: false })
    : execa(
        ...withPriority('node', [
          '--import',
          'tsx',
          'bench/servers/delay-server.ts',
          '--delay',
          '5',
          '--profile',
          profile,
          '--skip-first',
        ]),
        { reject: false },
      );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()).port));
    child.once('exit', () => reject(new Error('delay server exited')));
  });
  const url = `http://127.0.0.1:${port}/`;
  const truth = async () => {
    const s = (await (await fetch(`${url}__stats`)).json()) as {
      histogram?: string;
      count: number;
      p50Ms?: number;
      p90Ms?: number;
      p99Ms?: number;
      p999Ms?: number;
    };
    if (s.histogram === undefined)
      return {
        p50Ms: s.p50Ms ?? 0,
        p90Ms: s.p90Ms ?? 0,
        p99Ms: s.p99Ms ?? 0,
        p999Ms: s.p999Ms ?? 0,
        count: s.count,
      };
    const st = latencyStats(decodeHistogram(s.histogram));
    return { p50Ms: st.p50Ms, p90Ms: st.p90Ms, p99Ms: st.p99Ms, p999Ms: st.p999Ms, count: st.count };
  };
  return {
    url,
    truth,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export interface ToolRow {
  tool: string;
  mode: 'open' | 'closed';
  achievedRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number | null;
  cpuMsPerRequest: number;
  errors: number;
  /** The server's own answer times during this tool's run. */
  serverP50Ms: number;
  serverP99Ms: number;
  /** Fixed profile: the server's own p99 over its 5 ms delay during this tool's run. */
  serverP99OverDelayMs?: number;
  /** |reported p99 − server p99| (open-loop tools). */
  p99ErrorMs: number | null;
  /** meshbench: actual-start p99 and schedule lag p99, for reading its figures. */
  actualP99Ms?: number;
  lagP99Ms?: number;
  errorsByClass?: Record<string, number>;
  notes?: string[];
}

export async function runNodeRunner(config: object, durationMs: number): Promise<RunnerOutput> {
  const r = await execa('node', ['--import', 'tsx', 'bench/engine-runner.ts', JSON.stringify(config)], {
    reject: false,
    timeout: durationMs + 60_000,
  });
  if (r.exitCode !== 0) throw new Error(`runner failed: ${r.stderr.split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as RunnerOutput;
}

/** The server's mean answer time per profile (ms), plus ~0.6 ms for the round trip. */
const MEAN_ANSWER_MS = { fixed: 5 + 0.6, mixed: 0.85 * 5 + 0.13 * 15 + 0.02 * 50 + 0.6 };
/** Closed-loop connections for about `rate` requests/s against this profile (Little's law). */
function matchedConnections(profile: 'fixed' | 'mixed', rate: number): number {
  return Math.max(1, Math.round((rate * MEAN_ANSWER_MS[profile]) / 1000));
}

export async function runTool(
  tool: string,
  url: string,
  profile: 'fixed' | 'mixed',
  { rate, connections, durationMs, goBin }: LoadPoint,
): Promise<Omit<ToolRow, 'serverP50Ms' | 'serverP99Ms' | 'p99ErrorMs'>> {
  const seconds = Math.round(durationMs / 1000);
  if (tool.startsWith('meshbench') || tool === 'autocannon') {
    // 'meshbench-w2': connections split over 2 worker threads; 'meshbench-undici': undici instead of the raw client.
    const workers = /-w(\d+)$/.exec(tool)?.[1];
    const o = await runNodeRunner(
      {
        tool: tool === 'autocannon' ? 'autocannon' : 'meshbench',
        workers: workers ? Number(workers) : undefined,
        client: tool.includes('-undici') ? 'undici' : undefined,
        url,
        rate,
        connections,
        durationMs,
      },
      durationMs,
    );
    return {
      tool,
      mode: 'open',
      achievedRps: o.achievedRps,
      p50Ms: o.p50Ms,
      p90Ms: o.p90Ms,
      p99Ms: o.p99Ms,
      p999Ms: o.p999Ms,
      cpuMsPerRequest: o.cpuMs / Math.max(1, o.requests),
      errors: o.errors,
      ...(o.actual
        ? { actualP99Ms: o.actual.p99Ms, lagP99Ms: o.lagP99Ms, errorsByClass: o.errorsByClass }
        : {}),
      notes: o.notes,
    };
  }
  const cpu0 = childrenCpuMs();
  if (tool.startsWith('fortio')) {
    // As the article ran it (-qps 6500 -c 650); -uniform spreads the connections' starts over the interval.
    const out = join(tmpdir(), `mb-fortio-${process.pid}.json`);
    try {
      const args = ['load', '-qps', String(rate), '-c', String(connections), '-t', `${seconds}s`];
      args.push('-p', '50,90,99,99.9', ...(tool === 'fortio-uniform' ? ['-uniform'] : []));
      const r = await execa(join(goBin, 'fortio'), [...args, '-json', out, '-quiet', url], { reject: false });
      if (r.exitCode !== 0) throw new Error(`fortio: ${r.stderr.split('\n').slice(-3).join(' | ')}`);
      const cpu = childrenCpuMs() - cpu0;
      const figures = parseFortioJson(readFileSync(out, 'utf8'));
      return { tool, mode: 'open', ...figures, cpuMsPerRequest: cpu / Math.max(1, figures.requests) };
    } finally {
      rmSync(out, { force: true });
    }
  }
  if (tool === 'vegeta') {
    const out = join(tmpdir(), `mb-vegeta-${process.pid}.bin`);
    try {
      const attack = ['attack', `-rate=${rate}`, `-max-connections=${connections}`, `-duration=${seconds}s`];
      const r = await execa(join(goBin, 'vegeta'), [...attack, `-output=${out}`], {
        reject: false,
        input: `GET ${url}\n`,
      });
      if (r.exitCode !== 0) throw new Error(`vegeta: ${r.stderr.split('\n').slice(-3).join(' | ')}`);
      const cpu = childrenCpuMs() - cpu0; // the attack only, not the report below
      const report = await execa(join(goBin, 'vegeta'), ['report', '-type=json', out]);
      const figures = parseVegetaJson(report.stdout);
      return { tool, mode: 'open', ...figures, cpuMsPerRequest: cpu / Math.max(1, figures.requests) };
    } finally {
      rmSync(out, { force: true });
    }
  }
  if (tool === 'hey') {
    const perWorker = rate / connections;
    const r = await execa(
      'hey',
      ['-c', String(connections), '-q', String(perWorker), '-z', `${seconds}s`, '-o', 'csv', url],
      {
        reject: false,
        maxBuffer: 512 * 1024 * 1024,
      },
    );
    const cpu = childrenCpuMs() - cpu0;
    const h = parseHeyCsv(r.stdout, seconds);
    return { tool, mode: 'open', ...h, cpuMsPerRequest: cpu / Math.max(1, h.requests) };
  }
  // wrk: closed loop (its natural mode), one thread, for the cost per request. 'wrk' saturates the server over
  // all the connections (the anchor); 'wrk-matched' uses only as many as Little's law needs for about
  // the target rate, so its cost per request is read at the load the open-loop tools carry.
  const conns = tool === 'wrk-matched' ? matchedConnections(profile, rate) : connections;
  const r = await execa('wrk', ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', url], {
    reject: false,
  });
  const cpu = childrenCpuMs() - cpu0;
  const w = parseWrk(r.stdout);
  return { tool, mode: 'closed', ...w, cpuMsPerRequest: cpu / Math.max(1, w.requests) };
}
