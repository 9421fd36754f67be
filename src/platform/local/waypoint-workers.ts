/**
 * A waypoint with several workers, as Envoy runs ceil(cpuLimit) worker threads: Node's cluster module
 * forks that many worker processes behind one port (the primary hands each new connection to the next
 * worker, as the kernel spreads them over Envoy's listeners). The primary owns what Envoy's workers
 * share — breaker counters, internal-cluster connections, the modelled CPU quota — and the admin
 * endpoint, which adds the workers' counters up. Processes, not threads: Node 20 cannot share a
 * listening port between worker threads.
 */
import cluster, { type Worker } from 'node:cluster';
import { EmulatedQuota } from './quota-emulation.ts';
import { ProcessLimits } from './shared-limits.ts';
import {
  IpcLimits,
  type PrimaryMessage,
  serveLimits,
  type WorkerMessage,
  WorkerRequests,
} from './worker-ipc.ts';
import {
  coreGauges,
  createAdminServer,
  createWaypointCore,
  listen,
  type RunningWaypoint,
  type WaypointConfig,
  warmUpThrough,
} from './waypoint-server.ts';
import { formatWaypointStats, mergeStats, snapshotStats, WaypointStats } from './waypoint-stats.ts';

const STOP_GRACE_MS = 2000;

export async function startWaypointPrimary(
  config: WaypointConfig,
): Promise<RunningWaypoint & { workerPids: number[] }> {
  const limits = new ProcessLimits(config);
  cluster.setupPrimary({
    exec: process.argv[1],
    args: process.argv.slice(2),
    execArgv: process.execArgv,
    // The workers print nothing on stdout (the ready line is the primary's); their stderr is the waypoint's.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let closing = false;
  cluster.on('exit', (w, code, signal) => {
    if (closing) return;
    process.stderr.write(`waypoint worker ${w.process.pid} exited (code ${code}, signal ${signal})\n`);
    process.exit(1);
  });
  const workers: Array<{ worker: Worker; requests: WorkerRequests }> = [];
  const listening = new Map<number, number>();
  const allListening = new Promise<number>((resolve) => {
    cluster.on('listening', (w, address) => {
      listening.set(w.id, address.port);
      if (listening.size === config.workers) resolve(address.port);
    });
  });
  for (let i = 0; i < config.workers; i++) {
    const worker = cluster.fork();
    const send = (m: PrimaryMessage) => {
      if (worker.isConnected()) worker.send(m);
    };
    const requests = new WorkerRequests(send);
    const serve = serveLimits(limits, send);
    worker.on('message', (m: WorkerMessage) => serve(m) || requests.receive(m));
    workers.push({ worker, requests });
  }
  const port = await allListening;
  const everyWorker = (m: Parameters<WorkerRequests['ask']>[0]) =>
    Promise.all(workers.map((w) => w.requests.ask(m)));
  const admin = createAdminServer(async () => {
    const stats = new WaypointStats();
    let serving = 0;
    for (const reply of await everyWorker({ t: 'stats' })) {
      if (!reply.stats) continue;
      mergeStats(stats, reply.stats);
      if (reply.stats.http.downstream_cx_total > 0) serving++;
    }
    // How the connections spread: a worker that never got one is capacity the load did not reach.
    Object.assign(stats.gauges, limits.gauges(), {
      meshbench_workers: config.workers,
      meshbench_workers_serving: serving,
    });
    return formatWaypointStats(stats);
  });
  const adminPort = await listen(admin, config.adminPort ?? 0);
  if (config.warmupRequests)
    await warmUpThrough({
      port,
      count: config.warmupRequests,
      begin: async (echoPort) => void (await everyWorker({ t: 'warmup-begin', echoPort })),
      end: async () => void (await everyWorker({ t: 'warmup-end' })),
    });
  limits.start();
  // Without a cgroup each worker process throttles itself: the quota is split evenly between them.
  if (config.emulateQuota) await everyWorker({ t: 'quota', cores: config.cpuLimit / config.workers });
  return {
    port,
    adminPort,
    workerPids: workers.map((w) => w.worker.process.pid ?? -1),
    async close() {
      closing = true;
      limits.close();
      admin.closeAllConnections();
      await Promise.all([
        new Promise((r) => admin.close(r)),
        ...workers.map(
          ({ worker }) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              const timer = setTimeout(() => {
                worker.process.kill('SIGKILL');
                resolve();
              }, STOP_GRACE_MS);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              worker.process.kill('SIGTERM');
            }),
        ),
      ]);
    },
  };
}

/** One worker process: the data path, with every shared decision made by the primary. */
export async function runWaypointWorker(config: WaypointConfig): Promise<void> {
  const send = (m: WorkerMessage) => {
    if (process.connected) process.send?.(m);
  };
  const limits = new IpcLimits(send);
  const core = createWaypointCore(config, limits);
  let quota: EmulatedQuota | null = null;
  process.on('message', (m: PrimaryMessage) => {
    if (limits.receive(m)) return;
    void (async () => {
      switch (m.t) {
        case 'stats':
          Object.assign(core.stats.gauges, coreGauges(core, quota));
          return send({ t: 'reply', id: m.id, stats: snapshotStats(core.stats) });
        case 'warmup-begin':
          core.beginWarmup(m.echoPort);
          return send({ t: 'reply', id: m.id });
        case 'warmup-end':
          await core.endWarmup();
          return send({ t: 'reply', id: m.id });
        case 'quota':
          quota = new EmulatedQuota(m.cores);
          core.setQuota(quota);
          return send({ t: 'reply', id: m.id });
      }
    })();
  });
  // The primary is the parent: the worker goes when it does, and leaves Ctrl-C to it.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => void core.close().finally(() => process.exit(0)));
  process.on('SIGINT', () => {});
  await listen(core.server, config.port ?? 0);
}
