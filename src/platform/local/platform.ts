/**
 * The embedded (local) platform: Bookinfo per tenant namespace and one process per waypoint on
 * 127.0.0.1, CPU quotas through cgroups (or emulated), variants switched without restarting Bookinfo.
 */
import { cpus } from 'node:os';
import { MeshbenchError } from '../../errors.ts';
import { createLocalLoadDriver } from '../../load/driver.ts';
import type { LoadDriver } from '../../load/types.ts';
import {
  type CgroupLayout,
  CpuCgroup,
  detectCgroupLayout,
  removeStaleCgroups,
} from '../../metrics/cgroup.ts';
import { planEnvelope, type RunPlan } from '../../suite/plan.ts';
import { buildTopology } from '../../topology/build.ts';
import { type Topology, waypointKey } from '../../topology/model.ts';
import type { PreflightReport } from '../../topology/preflight.ts';
import type { Platform, PlatformDescription, PlatformInfo, Sampler, TenantTarget, UpHold } from '../types.ts';
import { ROUTES_ACK_PREFIX } from './bookinfo-protocol.ts';
import { ComponentProcess } from './child-process.ts';
import {
  buildMeshHeaders,
  buildRoutes,
  buildWaypointConfig,
  LOADGEN_SA,
  waypointFingerprint,
} from './routes.ts';
import { CALIBRATION_MS, requestCounter, runCalibrationLoad } from './calibration-load.ts';
import {
  buildCalibration,
  buildModelledCalibration,
  refineQuota,
  modelledCharges,
  resolveServiceTimes,
  resolveUtilization,
} from './calibration.ts';
import { runLocalPreflight } from './preflight.ts';
import { holdLocalUp } from './up-hold.ts';
import { describeCalibration, type LocalCalibration } from '../../result/calibration.ts';
import type { BookinfoComponent, WaypointComponent } from './components.ts';
import { createLocalSampler } from './sampler.ts';
import { scrape } from './waypoint-scrape.ts';
import type { WaypointConfig } from './waypoint-server.ts';

/** How waypoint CPU limits are enforced: 'auto' = cgroups where writable, else emulated in-process. */
export type EnforcementChoice = 'auto' | 'cgroup' | 'emulated' | 'none';

export interface LocalPlatformOptions {
  log?: (line: string) => void;
  enforcement?: EnforcementChoice;
}

/** A dedicated variant refines the quota only when it measured at least this many requests. */
const REFINE_MIN_REQUESTS = 3000;

/** The waypoint CPU limit of the modelled system (before scaling); 0 when no variant has a waypoint. */
function modelledCpuLimitOf(plan: RunPlan): number {
  return plan.local?.modelledCpuLimit ?? planEnvelope(plan)?.cpuLimit ?? 0;
}

interface Meter {
  waypoint: WaypointComponent;
  cluster: string;
  cpu: number;
  requests: number;
}

export class LocalPlatform implements Platform {
  readonly name = 'local' as const;
  private readonly log: (line: string) => void;
  private readonly enforcementChoice: EnforcementChoice;
  private plan: RunPlan | undefined;
  private topology: Topology | undefined;
  private layout: CgroupLayout | null = null;
  readonly bookinfo = new Map<string, BookinfoComponent>();
  readonly waypoints = new Map<string, WaypointComponent>();
  private readonly failures: string[] = [];
  private readonly failure = new AbortController();
  private routeSeq = 0;
  /** The calibrated envelope, once `up` has measured it. */
  calibration: LocalCalibration | undefined;
  /** Local quota of every waypoint: the calibrated one; 0 (none) while calibrating. */
  private quotaCores: number | undefined;
  /** CPU and request counters of the waypoints as the current topology was applied. */
  private meters: Meter[] = [];
  private readonly onProcessExit = () => this.killNow();

  constructor(options: LocalPlatformOptions = {}) {
    this.log = options.log ?? (() => {});
    this.enforcementChoice = options.enforcement ?? 'auto';
  }

  /** Aborted (with a PLATFORM_FAILED error) when a component dies unexpectedly. */
  get failed(): AbortSignal {
    return this.failure.signal;
  }

  hold(info: { suite: string; variant: string; env: NodeJS.ProcessEnv }): Promise<UpHold> {
    return holdLocalUp({
      ...info,
      componentPids: () => [
        ...[...this.waypoints.values()].map((w) => w.proc.pid),
        ...[...this.bookinfo.values()].map((b) => b.proc.pid),
      ],
    });
  }

  describe(): PlatformDescription {
    return {
      targets: this.targets(),
      waypoints: [...this.waypoints.values()].map((w) => ({
        waypoint: w.key,
        pid: w.proc.pid,
        url: `http://127.0.0.1:${w.proc.ready.port}`,
        stats: `http://127.0.0.1:${w.proc.ready.adminPort}/stats/prometheus`,
        cpuLimit: w.config.cpuLimit,
        enforcement: w.enforcement,
      })),
      services: [...this.bookinfo.values()].map((b) => ({
        namespace: b.namespace,
        pid: b.proc.pid,
        ports: b.proc.ready.ports,
      })),
    };
  }

  /** Throws the first component failure, if any. */
  checkHealthy(): void {
    if (this.failures.length)
      throw new MeshbenchError('PLATFORM_FAILED', `a local mesh component died: ${this.failures[0]}`, {
        details: this.failures.slice(1),
        fix: 'see the component stderr above; the run was stopped and every process ended',
      });
  }

  private watch(proc: ComponentProcess, what: string): void {
    void proc.exited.then((e) => {
      if (e.expected) return;
      const line = `${what} (pid ${proc.pid}) exited unexpectedly (code ${e.code}, signal ${e.signal})${e.stderr.length ? `: ${e.stderr.slice(-3).join(' | ')}` : ''}`;
      this.failures.push(line);
      this.log(`local: ${line}`);
      if (!this.failure.signal.aborted) this.failure.abort(new MeshbenchError('PLATFORM_FAILED', line));
    });
  }

  async up(
    plan: RunPlan,
    _options: { signal?: AbortSignal; log?: (line: string) => void } = {},
  ): Promise<void> {
    this.plan = plan;
    process.once('exit', this.onProcessExit);
    // No teardown on the abort signal itself: the caller stops its load first and then calls down(),
    // so in-flight requests are not cut by our own teardown and counted as resets.
    if (this.enforcementChoice === 'auto' || this.enforcementChoice === 'cgroup') {
      this.layout = await detectCgroupLayout();
      if (!this.layout && this.enforcementChoice === 'cgroup')
        throw new MeshbenchError(
          'PLATFORM_UNAVAILABLE',
          'no writable CPU cgroup hierarchy for waypoint limits',
          {
            fix: 'run as root on Linux, or use enforcement "emulated"',
          },
        );
      if (this.layout) {
        const stale = await removeStaleCgroups(this.layout);
        if (stale.length) this.log(`local: removed ${stale.length} stale cgroup(s) of dead runs`);
      }
    }
    const namespaces = [...new Set(plan.tenants.map((t) => t.namespace))];
    try {
      await Promise.all(
        namespaces.map(async (namespace) => {
          const proc = await ComponentProcess.start<BookinfoComponent['proc']['ready']>({
            name: `bookinfo ${namespace}`,
            entry: 'bookinfo-main.ts',
            config: { namespace, serviceTimes: resolveServiceTimes(plan.local) },
          });
          this.bookinfo.set(namespace, { namespace, proc });
          this.watch(proc, `bookinfo ${namespace}`);
          this.log(
            `local: bookinfo ${namespace} up (pid ${proc.pid}, productpage :${proc.ready.ports.productpage})`,
          );
        }),
      );
      this.calibration =
        plan.local?.cpu === 'host' || !plan.local
          ? await this.calibrate(plan, _options.signal)
          : this.modelled(plan);
      // Modelled: the stand-in's own CPU has no quota; its cgroup (if any) only measures it.
      this.quotaCores = this.calibration.method === 'modelled' ? 0 : this.calibration.quotaCores;
      this.log(`local: ${describeCalibration(this.calibration)}`);
    } catch (e) {
      await this.down();
      throw e;
    }
  }

  /** The modelled envelope: Envoy's cost per request against cpuLimit × scale cores. */
  private modelled(plan: RunPlan): LocalCalibration {
    const { utilization, source } = resolveUtilization(plan.local);
    return buildModelledCalibration({
      utilization,
      utilizationSource: source,
      modelledCpuLimit: modelledCpuLimitOf(plan),
      scale: plan.scale,
      rate: plan.load.model === 'open' ? plan.load.rate : undefined,
    });
  }

  /**
   * Measures the stand-in's CPU cost on this host: the dedicated topology without quotas, every tenant at
   * the plan's rate for a few seconds; the quota is then set so a dedicated waypoint runs at the declared
   * utilization of it.
   */
  private async calibrate(plan: RunPlan, signal?: AbortSignal): Promise<LocalCalibration> {
    const { utilization, source } = resolveUtilization(plan.local);
    const modelledCpuLimit = modelledCpuLimitOf(plan);
    const envelope = planEnvelope(plan);
    const rate = plan.load.rate;
    if (
      plan.local?.calibrate === false ||
      this.enforcementChoice === 'none' ||
      rate === undefined ||
      plan.load.model !== 'open' ||
      !envelope
    )
      return {
        method: 'scaled',
        utilization,
        utilizationSource: source,
        modelledCpuLimit,
        quotaCores: envelope?.cpuLimit ?? 0,
      };
    const namespaces = [...new Set(plan.tenants.map((t) => t.namespace))];
    const topology = buildTopology({
      variant: { name: 'calibration', waypoints: 'dedicated' },
      namespaces,
      tenantNamespace: Object.fromEntries(plan.tenants.map((t) => [t.name, t.namespace])),
      targetServices: Object.fromEntries(plan.tenants.map((t) => [t.name, t.service])),
      envelope,
      policy: plan.policy,
    });
    this.quotaCores = 0;
    this.log(
      `local: calibrating the waypoint CPU quota (${CALIBRATION_MS / 1000} s at ${rate} req/s per tenant)`,
    );
    await this.apply(topology);
    const readings = await runCalibrationLoad({
      plan,
      targets: this.targets(),
      waypoints: () => [...this.waypoints.values()],
      driver: this.loadDriver(),
      signal,
    });
    return buildCalibration({ readings, rate, utilization, utilizationSource: source, modelledCpuLimit });
  }

  private servicePorts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [ns, b] of this.bookinfo)
      for (const [svc, port] of Object.entries(b.proc.ready.ports)) out[`${ns}/${svc}`] = port;
    return out;
  }

  private async startWaypoint(config: WaypointConfig, fingerprint: string): Promise<WaypointComponent> {
    const key = `${config.namespace}/${config.name}`;
    const proc = await ComponentProcess.start<WaypointComponent['proc']['ready']>({
      name: `waypoint ${key}`,
      entry: 'waypoint-main.ts',
      config,
      // The envelope's memory limit: V8 stops (and the process dies, as an OOM-killed Envoy) beyond it.
      nodeArgs: config.heapMi ? [`--max-old-space-size=${config.heapMi}`] : [],
    });
    let cgroup: CpuCgroup | null = null;
    if (this.layout) {
      try {
        // Moved in after start-up so tsx's compile is not billed to the waypoint's quota. No limit (the
        // calibration): a quota of every core, so usage is still read exactly from the cgroup.
        cgroup = await CpuCgroup.create({
          layout: this.layout,
          name: `meshbench-${process.pid}-${config.namespace}-${config.name}`,
          cores: config.cpuLimit > 0 ? config.cpuLimit : cpus().length,
        });
        for (const pid of [proc.pid, ...proc.ready.workerPids]) await cgroup.addPid(pid);
      } catch (e) {
        this.log(`local: cgroup for ${key} failed (${(e as Error).message}); CPU limit not enforced`);
        await cgroup?.remove().catch(() => {});
        cgroup = null;
      }
    }
    const enforcement = this.enforcementOf(config, cgroup !== null);
    this.watch(proc, `waypoint ${key}`);
    this.log(
      `local: waypoint ${key} up (pid ${proc.pid}, :${proc.ready.port}, cpu ${config.cpuLimit} ${enforcement})`,
    );
    return { key, config, fingerprint, proc, cgroup, enforcement };
  }

  /** How a waypoint's CPU limit is applied: modelled, its cgroup's quota, emulated in-process, or not at all. */
  private enforcementOf(config: WaypointConfig, inCgroup: boolean): WaypointComponent['enforcement'] {
    if (config.modelledCpu) return 'modelled';
    if (inCgroup && this.layout && config.cpuLimit > 0) return this.layout.mode;
    return config.emulateQuota ? 'emulated' : 'none';
  }

  private async stopWaypoint(w: WaypointComponent): Promise<void> {
    await w.proc.stop();
    await w.cgroup?.remove().catch((e) => this.log(`local: could not remove cgroup ${w.cgroup?.name}: ${e}`));
    this.waypoints.delete(w.key);
  }

  async apply(topology: Topology): Promise<void> {
    this.checkHealthy();
    if (!this.plan) throw new MeshbenchError('PLATFORM_FAILED', 'apply() before up()');
    await this.refineCalibration();
    const modelled = this.calibration?.method === 'modelled' && this.enforcementChoice !== 'none';
    const emulateQuota = !modelled && !this.layout && this.enforcementChoice !== 'none';
    const modelledCpu = modelled && this.calibration ? modelledCharges(this.calibration) : undefined;
    const services = this.servicePorts();
    const desired = new Map(
      topology.waypoints.map((spec) => {
        const config = buildWaypointConfig({
          spec,
          topology,
          services,
          emulateQuota,
          cpuLimit: this.quotaCores,
          modelledCpu,
          hostCores: cpus().length,
        });
        return [waypointKey(spec), { config, fingerprint: waypointFingerprint(config) }];
      }),
    );
    // A waypoint whose only change is its quota keeps running (as after the calibration): its cgroup takes
    // the new quota, so the process and its warmed-up JIT carry on.
    for (const [k, w] of this.waypoints) {
      const d = desired.get(k);
      if (!d || d.fingerprint === w.fingerprint || !w.cgroup) continue;
      if (
        waypointFingerprint({ ...d.config, cpuLimit: 0 }) !==
        waypointFingerprint({ ...w.config, cpuLimit: 0 })
      )
        continue;
      await w.cgroup.setLimit(d.config.cpuLimit > 0 ? d.config.cpuLimit : cpus().length);
      w.enforcement = this.enforcementOf(d.config, true);
      w.config = d.config;
      w.fingerprint = d.fingerprint;
      this.log(`local: waypoint ${k} quota set to ${d.config.cpuLimit} cores (${w.enforcement})`);
    }
    // Route every namespace away from waypoints that go before stopping them.
    const keep = new Map(
      [...this.waypoints].filter(([k, w]) => desired.get(k)?.fingerprint === w.fingerprint),
    );
    await this.pushRoutes(topology, keep);
    for (const w of [...this.waypoints.values()]) if (!keep.has(w.key)) await this.stopWaypoint(w);
    const started = await Promise.all(
      [...desired]
        .filter(([k]) => !this.waypoints.has(k))
        .map(([, d]) => this.startWaypoint(d.config, d.fingerprint)),
    );
    for (const w of started) this.waypoints.set(w.key, w);
    this.topology = topology;
    this.meters = await this.readMeters();
    await this.pushRoutes(topology, this.waypoints);
  }

  /** Each waypoint's CPU and its tenant's requests now, to measure the cost per request of a variant. */
  private async readMeters(): Promise<Meter[]> {
    if (!this.plan || this.calibration?.method !== 'measured') return [];
    const out: Meter[] = [];
    for (const w of this.waypoints.values()) {
      const tenant = this.plan.tenants.find((t) => t.namespace === w.config.namespace);
      if (!tenant || !w.cgroup) continue;
      const cluster = requestCounter(tenant);
      const stats = await scrape(w);
      if (!stats) continue;
      out.push({
        waypoint: w,
        cluster,
        cpu: (await w.cgroup.read()).usageSeconds,
        requests: stats[cluster] ?? 0,
      });
    }
    return out;
  }

  /**
   * After a dedicated variant, the cost per request it measured (tens of seconds under the run's own
   * conditions, against the calibration's few) refines the quota of the variants that follow.
   */
  private async refineCalibration(): Promise<void> {
    const c = this.calibration;
    if (this.topology?.kind !== 'dedicated' || c?.method !== 'measured' || c.rate === undefined) return;
    const before = this.meters;
    this.meters = [];
    const now = await this.readMeters();
    let cpu = 0;
    let requests = 0;
    for (const a of before) {
      const b = now.find((m) => m.waypoint === a.waypoint && m.cluster === a.cluster);
      if (!b || a.waypoint.proc.pid !== b.waypoint.proc.pid) continue;
      cpu += b.cpu - a.cpu;
      requests += b.requests - a.requests;
    }
    if (requests < REFINE_MIN_REQUESTS || cpu <= 0) return;
    const refined = refineQuota(c, { cpuSeconds: cpu, requests });
    this.calibration = refined;
    this.quotaCores = refined.quotaCores;
    this.log(
      `local: quota refined from the dedicated variant: ${refined.refinedFrom?.cpuMsPerRequest} ms CPU per request over ${requests} requests → ${refined.quotaCores} local cores`,
    );
  }

  private async pushRoutes(topology: Topology, waypoints: Map<string, WaypointComponent>): Promise<void> {
    const waypointPorts = Object.fromEntries([...waypoints].map(([k, w]) => [k, w.proc.ready.port]));
    await Promise.all(
      [...this.bookinfo.values()].map(async (b) => {
        const seq = ++this.routeSeq;
        const routes = buildRoutes({
          topology,
          namespace: b.namespace,
          servicePorts: b.proc.ready.ports,
          waypointPorts,
        });
        const ack = b.proc.waitForLine(`${ROUTES_ACK_PREFIX}${seq}`);
        b.proc.send(JSON.stringify({ seq, routes }));
        await Promise.race([
          ack,
          new Promise((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new MeshbenchError('PLATFORM_FAILED', `bookinfo ${b.namespace} did not take its routes`),
                ),
              10_000,
            ).unref(),
          ),
        ]);
      }),
    );
  }

  preflight(expected: Topology): Promise<PreflightReport> {
    if (!this.plan) throw new MeshbenchError('PLATFORM_FAILED', 'preflight() before up()');
    return runLocalPreflight({
      expected,
      tenants: this.plan.tenants,
      targets: this.targets(),
      waypoints: this.waypoints,
    });
  }

  targets(): TenantTarget[] {
    if (!this.plan || !this.topology) return [];
    const waypointPorts = Object.fromEntries([...this.waypoints].map(([k, w]) => [k, w.proc.ready.port]));
    return this.plan.tenants.map((t) => {
      const b = this.bookinfo.get(t.namespace)!;
      const route = buildRoutes({
        topology: this.topology!,
        namespace: t.namespace,
        servicePorts: b.proc.ready.ports,
        waypointPorts,
      })[t.service];
      return {
        tenant: t.name,
        url: `http://127.0.0.1:${route?.port ?? b.proc.ready.ports.productpage}${t.path}`,
        headers: buildMeshHeaders({
          service: t.service,
          namespace: t.namespace,
          sourceNamespace: t.namespace,
          sourceSa: LOADGEN_SA,
        }),
      };
    });
  }

  sampler(): Sampler {
    return createLocalSampler(this);
  }

  loadDriver(): LoadDriver {
    const driver = createLocalLoadDriver();
    // The whole mesh shares this machine with the generator: its engine runs in its own thread, so the
    // orchestrator's sampling, display and garbage collection never delay a send.
    return {
      run: (input) =>
        driver.run({
          ...input,
          schedules: Object.fromEntries(
            Object.entries(input.schedules).map(([k, s]) => [k, { ...s, thread: s.thread ?? true }]),
          ),
        }),
    };
  }

  info(): PlatformInfo {
    const enforcement = [...new Set([...this.waypoints.values()].map((w) => w.enforcement))];
    return {
      name: 'local',
      versions: {
        node: process.version,
        istioBehaviour: (this.plan && planEnvelope(this.plan)?.istioBehaviour) ?? 'unknown',
      },
      notes: [
        `embedded mesh on 127.0.0.1, ${cpus().length} cores`,
        `waypoint CPU limit enforcement: ${enforcement.join(', ') || (this.layout ? this.layout.mode : 'emulated')}`,
        'waypoint stand-in: one Node.js event loop per waypoint (worker count = ceil(CPU limit) is recorded; >1 not modelled)',
      ],
      calibration: this.calibration,
    };
  }

  async down(): Promise<void> {
    const waypoints = [...this.waypoints.values()];
    const bookinfo = [...this.bookinfo.values()];
    await Promise.all(waypoints.map((w) => this.stopWaypoint(w)));
    await Promise.all(bookinfo.map((b) => b.proc.stop()));
    this.bookinfo.clear();
    this.topology = undefined;
    process.off('exit', this.onProcessExit);
  }

  /**
   * Last resort on parent exit (a forced second Ctrl-C): SIGKILL every child, then remove the cgroups
   * once their members are gone (what is still busy after a second is swept by the next run or `down`).
   */
  private killNow(): void {
    for (const w of this.waypoints.values()) w.proc.killNow();
    for (const b of this.bookinfo.values()) b.proc.killNow();
    for (const w of this.waypoints.values()) w.cgroup?.removeNow();
  }
}

export function createLocalPlatform(opts: LocalPlatformOptions = {}): LocalPlatform {
  return new LocalPlatform(opts);
}
