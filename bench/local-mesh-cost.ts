/**
 * The waypoint stand-in's own cost: CPU ms per proxied request, against a peer measured in the same
 * run — a bare Node.js HTTP server answering the same 4 KB body (the floor any Node proxy pays once
 * on its downstream side). Paced open-loop load from the local driver; no CPU limit on either.
 *
 *   node --import tsx bench/local-mesh-cost.ts [--rate 2000] [--duration 8s]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createLocalLoadDriver } from '../src/load/driver.ts';
import type { LoadSchedule } from '../src/load/types.ts';
import { readProcessCpu } from '../src/metrics/proc-cpu.ts';
import { ComponentProcess } from '../src/platform/local/child-process.ts';
import { parseDuration } from '../src/suite/duration.ts';

const { values } = parseArgs({ options: { rate: { type: 'string' }, duration: { type: 'string' } } });
const rate = Number(values.rate ?? 2000);
const durationMs = parseDuration(values.duration ?? '8s') ?? 8000;

// The peer and the upstream: a bare Node.js server with a 4 KB body (productpage-sized).
const UPSTREAM = `const b='x'.repeat(4096);const s=require('http').createServer((q,r)=>{q.resume();r.writeHead(200,{'content-type':'text/html','content-length':b.length});r.end(b)});s.listen(0,'127.0.0.1',()=>console.log(s.address().port));process.stdin.on('end',()=>process.exit(0));process.stdin.resume();`;
function startBare(): Promise<{ pid: number; port: number; stop(): void }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    createInterface({ input: child.stdout }).once('line', (l) =>
      resolve({ pid: child.pid!, port: Number(l), stop: () => child.stdin.end() }),
    );
  });
}

const schedule = (url: string, headers: Record<string, string>): LoadSchedule => ({
  url,
  method: 'GET',
  headers,
  model: 'open',
  rate,
  connections: 50,
  durationMs,
  startOffsetMs: 0,
  warmupMs: 1000,
  timeoutMs: 5000,
  behindSchedule: 'catch-up',
  jitter: 0,
  workers: 'auto',
});

async function measure(pid: number, url: string, headers: Record<string, string>) {
  const before = await readProcessCpu(pid);
  const r = await createLocalLoadDriver().run({ schedules: { t: schedule(url, headers) } });
  const after = await readProcessCpu(pid);
  const res = r.t;
  const total = res.requests.completed + res.requests.warmup;
  const errors = res.requests.completed - res.outcomes.ok;
  return { msPerRequest: (1000 * (after!.cpuSeconds - before!.cpuSeconds)) / total, total, errors };
}

const upstream = await startBare();
const peer = await startBare();
const waypoint = await ComponentProcess.start<{ port: number; adminPort: number; pid: number }>({
  name: 'waypoint',
  entry: 'waypoint-main.ts',
  nodeArgs: process.env.WAYPOINT_NODE_ARGS ? process.env.WAYPOINT_NODE_ARGS.split(' ') : [],
  config: {
    namespace: 'ns-1',
    name: 'waypoint',
    admits: ['ns-1'],
    cpuLimit: 2,
    limits: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024 },
    istioBehaviour: '1.24',
    services: { 'ns-1/productpage': upstream.port },
    policies: [
      { name: 'pp', namespace: 'ns-1', service: 'productpage', methods: ['GET'], sourceNamespaces: ['ns-1'] },
    ],
    emulateQuota: false,
    warmupRequests: 4000,
  },
});
try {
  const headers = {
    'x-meshbench-destination': 'productpage.ns-1.svc.cluster.local',
    'x-meshbench-source-namespace': 'ns-1',
    'x-meshbench-source-sa': 'loadgen',
  };
  // Warm the peer's JIT too, then measure both alternately.
  await measure(peer.pid, `http://127.0.0.1:${peer.port}/`, {});
  const rows: string[] = [];
  for (let round = 1; round <= 2; round++) {
    const p = await measure(peer.pid, `http://127.0.0.1:${peer.port}/`, {});
    const w = await measure(waypoint.pid, `http://127.0.0.1:${waypoint.ready.port}/productpage`, headers);
    rows.push(
      `round ${round}: waypoint stand-in ${w.msPerRequest.toFixed(4)} ms CPU/request (${w.total} req, ${w.errors} errors); bare Node server ${p.msPerRequest.toFixed(4)} ms; ratio ${(w.msPerRequest / p.msPerRequest).toFixed(2)}`,
    );
  }
  process.stdout.write(`rate ${rate} rps, ${durationMs} ms per measurement\n${rows.join('\n')}\n`);
} finally {
  await waypoint.stop();
  upstream.stop();
  peer.stop();
}
