/**
 * The Kubernetes platform both kind and an existing cluster use (a lifecycle: it owns what it applied).
 * up: preflight (fail fast, PLATFORM_UNAVAILABLE) → cluster → Gateway API CRDs → Istio → namespaces and
 * Bookinfo; apply: a variant's waypoints, labels and policies, awaited; down: deletes only meshbench's
 * labelled namespaces. Every object comes from the same builders `meshbench plan` prints.
 */
import { MeshbenchError } from '../../errors.ts';
import { bundleAgent, type AgentBundle } from '../../load/agent/bundle.ts';
import type { LoadDriver } from '../../load/types.ts';
import { planEnvelope, type RunPlan } from '../../suite/plan.ts';
import type { KubePlatformSettings } from '../../suite/schema.ts';
import type { Topology } from '../../topology/model.ts';
import type { Platform, PlatformInfo, Sampler, TenantTarget } from '../types.ts';
import type { CgroupReader } from './cgroup-reader.ts';
import { estimateCpuDemand } from './capacity.ts';
import { deleteManagedNamespaces, deleteStaleGateways } from './cleanup.ts';
import { KubeClient } from './client.ts';
import { type Check, checkFacts, formatChecks } from './doctor-checks.ts';
import { runDoctor } from './doctor.ts';
import { ensureGatewayApiCrds, installIstio, readIstioVersion } from './istio-install.ts';
import { installedWaypointResources, waypointResourceDrift } from './install-drift.ts';
import { gatewayApiVersion, supportsGatewayParameters } from './istio-version.ts';
import { readKubeConfig } from './kubeconfig.ts';
import { createKubeLoadDriver } from './load-driver.ts';
import type { Placement } from './manifests/types.ts';
import {
  buildKubePlan,
  type KubePlan,
  type KubeStep,
  type StepRun,
  variantTag,
  WAIT_TIMEOUTS,
  type WaitTarget,
} from './plan.ts';
import { buildPlacement, kubeSettings } from './placement.ts';
import { runKubePreflight } from './preflight.ts';
import type { PreflightReport } from '../../topology/preflight.ts';
import { KubeSampler } from './sampler.ts';
import { serviceUrl } from './schedule.ts';
import { waitForDaemonSetReady, waitForDeploymentAvailable, waitForGatewayProgrammed } from './wait.ts';

export interface KubePlatformOptions {
  name: 'kind' | 'cluster';
  log?: (line: string) => void;
  /** Brings up (or finds) the cluster; returns the kubeconfig context to use. */
  ensureCluster: (
    plan: RunPlan,
    io: { signal?: AbortSignal; log: (l: string) => void },
  ) => Promise<{ context?: string; kubeconfig?: string; notes?: string[] }>;
  /** Install Istio when it is absent (kind: always; cluster: only when asked). */
  installIstio: boolean;
  /** Overrides the suite's driver (`--driver`). */
  driver?: 'agent' | 'fortio';
  /** Reads per-container cgroup files on a node for second-level CPU (kind: docker exec). */
  cgroupReader?: CgroupReader;
  /** Skips the tool preflight (tests against a fake API server). */
  skipPreflight?: boolean;
  /** Time from creating load Jobs to their coordinated start. */
  startLeadMs?: number;
  timeouts?: Partial<typeof WAIT_TIMEOUTS>;
  env?: NodeJS.ProcessEnv;
}

function describeCheck(c: Check): string {
  const facts = checkFacts(c);
  return `${c.name} ${c.status}${facts ? ` (${facts})` : ''}${c.fix ? ` — fix: ${c.fix}` : ''}`;
}

/** Failing inotify limits only warn (kind may still work with fewer pods); any other failing check blocks a run. */
function warnsOnly(c: Check): boolean {
  return c.status === 'warn' || c.name.startsWith('inotify');
}

export class KubePlatform implements Platform {
  readonly name: 'kind' | 'cluster';
  private client?: KubeClient;
  private plan?: RunPlan;
  /** The plan's kube settings with the schema's defaults, resolved in up(). */
  private kube?: KubePlatformSettings;
  private placement: Placement = {};
  private topology?: Topology;
  private bundle?: Promise<AgentBundle>;
  private readonly versions: Record<string, string> = {};
  private readonly notes: string[] = [];
  private log: (line: string) => void;
  private touched = false;

  constructor(private readonly opts: KubePlatformOptions) {
    this.name = opts.name;
    this.log = opts.log ?? (() => {});
  }

  private timeout(k: keyof typeof WAIT_TIMEOUTS): number {
    return this.opts.timeouts?.[k] ?? WAIT_TIMEOUTS[k];
  }

  /** Step ids in the order this platform ran them (the printed-plan-equals-executed test reads them). */
  readonly executed: string[] = [];
  private kp?: KubePlan;
  private signal?: AbortSignal;
  /** The plan's tag of the variant apply() ran last (its preflight, load and collect steps follow). */
  private tag?: string;

  /**
   * The plan is the program: up() builds the KubePlan `meshbench plan` prints and runs its preflight,
   * cluster, istio and workloads steps; apply(), preflight(), the load driver and down() run the rest.
   * Each step goes through run(), one handler per StepRun.
   */
  async up(
    plan: RunPlan,
    options: { signal?: AbortSignal; log?: (line: string) => void } = {},
  ): Promise<void> {
    if (options.log) this.log = options.log;
    this.signal = options.signal;
    const kube = kubeSettings(plan);
    this.plan = plan;
    this.kube = kube;
    this.placement = buildPlacement(kube, this.name);
    this.kp = buildKubePlan(plan, {
      platform: this.name,
      driver: this.opts.driver,
      installIstio: this.opts.installIstio,
    });
    for (const step of this.kp.steps.filter((s) => UP_PHASES.includes(s.phase))) await this.run(step);
    this.log(`Bookinfo ready in ${plan.tenants.map((t) => t.namespace).join(', ')}`);
  }

  private need(): { client: KubeClient; plan: RunPlan; kube: KubePlatformSettings; kp: KubePlan } {
    if (!this.client || !this.plan || !this.kube || !this.kp)
      throw new MeshbenchError('INTERNAL', `the ${this.name} platform is not up`);
    return { client: this.client, plan: this.plan, kube: this.kube, kp: this.kp };
  }

  /** How many times each variant was applied: the next apply is its next repeat in the plan. */
  private readonly appliedTimes = new Map<string, number>();

  /** The plan's tag of the repeat a new apply() of this variant runs (`name`, or `name#N` with repeats). */
  private nextTagOf(topology: Topology): string {
    const { plan } = this.need();
    const n = (this.appliedTimes.get(topology.variant) ?? 0) + 1;
    this.appliedTimes.set(topology.variant, n);
    return variantTag(plan, topology.variant, n);
  }

  private stepsOf(tag: string, run: StepRun): KubeStep[] {
    return this.need().kp.steps.filter((s) => s.variant === tag && s.run === run);
  }

  async apply(topology: Topology): Promise<void> {
    const tag = this.nextTagOf(topology);
    const steps = this.need().kp.steps.filter((s) => s.variant === tag && s.phase === 'variant');
    for (const step of steps) if (step.run === 'apply' || step.run === 'wait') await this.run(step);
    this.topology = topology;
    this.tag = tag;
    this.log(
      `variant ${topology.variant}: ${topology.waypoints.map((w) => `${w.namespace}/${w.name}`).join(', ') || 'no waypoints'}`,
    );
  }

  /** Runs one step by its handler and records it. */
  private async run(step: KubeStep): Promise<void> {
    switch (step.run) {
      case 'doctor':
        if (!this.opts.skipPreflight) await this.doctor();
        break;
      case 'ensure-cluster':
        await this.connect();
        break;
      case 'gateway-api-crds': {
        // An existing cluster's CRDs are part of its installation: left alone unless asked.
        const crds = await ensureGatewayApiCrds({ ...this.installInput(), install: this.opts.installIstio });
        this.versions.gatewayApi =
          crds === 'installed' ? gatewayApiVersion(this.kube?.istioVersion ?? '') : 'present';
        break;
      }
      case 'istio':
        await this.ensureIstio();
        break;
      case 'wait':
        for (const w of step.waits ?? []) await this.waitFor(w, step.phase === 'variant' ? 1000 : 2000);
        break;
      case 'apply': {
        const client = this.connected();
        this.touched = true;
        for (const m of step.manifests) await client.apply(m);
        if (step.prune)
          await deleteStaleGateways(client, {
            namespaces: step.prune.gatewaysIn,
            keep: step.prune.keep,
            log: this.log,
          });
        break;
      }
      case 'cleanup': {
        if (!this.client || !this.touched) return;
        const deleted = await deleteManagedNamespaces(this.client, {
          waitMs: this.timeout('deployments'),
          log: this.log,
        });
        this.touched = false;
        if (deleted.length) this.log(`deleted namespaces ${deleted.join(', ')}`);
        break;
      }
      case 'preflight':
      case 'load':
      case 'collect':
        // preflight() and the load driver run these, with objects built from run-time values.
        return;
      case 'delete-cluster':
        // Only `meshbench down --platform kind` deletes the cluster (kind/teardown.ts).
        return;
    }
    this.executed.push(step.id);
  }

  private connected(): KubeClient {
    if (!this.client) throw new MeshbenchError('INTERNAL', `the ${this.name} platform has no cluster yet`);
    return this.client;
  }

  private installInput() {
    return {
      client: this.connected(),
      context: this.versions.context ?? '',
      istioVersion: this.kube?.istioVersion ?? '',
      envelope: planEnvelope(this.plan as RunPlan),
      placement: this.placement,
      signal: this.signal,
      log: this.log,
    };
  }

  private async doctor(): Promise<void> {
    const kube = this.kube as KubePlatformSettings;
    const checks = await runDoctor({
      platform: this.name,
      istioVersion: kube.istioVersion,
      clusterName: kube.clusterName,
      context: kube.context,
      kubeconfig: kube.kubeconfig,
      installIstio: this.opts.installIstio,
      env: this.opts.env,
      demand: this.kp ? estimateCpuDemand(this.plan as RunPlan, this.kp) : undefined,
    });
    const failing = checks.filter((c) => c.status !== 'ok' && c.status !== 'skipped');
    const bad = failing.filter((c) => !warnsOnly(c));
    if (bad.length) {
      throw new MeshbenchError(
        'PLATFORM_UNAVAILABLE',
        `the ${this.name} platform cannot run here: ${bad.map((c) => c.name).join(', ')} ${bad.length === 1 ? 'is' : 'are'} missing or failing`,
        {
          details: bad.map(describeCheck),
          fix: `apply the fixes above, then check again with \`meshbench doctor --platform ${this.name}\``,
        },
      );
    }
    // Only warnings are left.
    if (failing.length) this.log(`warning: ${formatChecks(failing)}`);
  }

  /** Brings up (or finds) the cluster, then talks to it. */
  private async connect(): Promise<void> {
    const plan = this.plan as RunPlan;
    const kube = this.kube as KubePlatformSettings;
    const cluster = await this.opts.ensureCluster(plan, { signal: this.signal, log: this.log });
    this.notes.push(...(cluster.notes ?? []));
    const { kc, context } = await readKubeConfig({
      path: cluster.kubeconfig ?? kube.kubeconfig,
      context: cluster.context,
      env: this.opts.env,
    });
    this.client = new KubeClient(kc);
    const version = await this.client.version();
    this.versions.kubernetes = version.gitVersion;
    this.versions.context = context;
  }

  /** Installs Istio when absent (kind: always; cluster: only when asked), else checks what is there. */
  private async ensureIstio(): Promise<void> {
    const client = this.connected();
    const istio = this.kube?.istioVersion ?? '';
    const context = this.versions.context ?? '';
    const present = await readIstioVersion(client);
    // Before 1.26 the waypoint's limits are install values: a reused cluster keeps its install's.
    const installed =
      present && !supportsGatewayParameters(present)
        ? installedWaypointResources(
            // Not allowed to read it (403) is "could not be read", noted below, never a failed run.
            await client
              .get('v1', 'ConfigMap', 'istio-system', 'istio-sidecar-injector')
              .catch(() => undefined),
          )
        : undefined;
    if (present && !supportsGatewayParameters(present) && !installed)
      this.notes.push(
        `Istio ${present}: the installed waypoint resources could not be read; the suite's are assumed`,
      );
    const envelope = planEnvelope(this.plan as RunPlan);
    const drift = installed && envelope ? waypointResourceDrift(installed, envelope) : [];
    if (drift.length > 0 && !this.opts.installIstio)
      throw new MeshbenchError(
        'PLATFORM_UNAVAILABLE',
        `the installed Istio ${present} sets waypoint resources other than the suite's, and only an install changes them`,
        {
          details: drift,
          fix: 'run with --install-istio to re-apply the install values, or set the suite to what is installed',
        },
      );
    if (drift.length > 0) this.log(`re-applying Istio's install values: ${drift.join('; ')}`);
    if (
      !present ||
      drift.length > 0 ||
      (this.opts.installIstio && this.name === 'kind' && present !== istio)
    ) {
      if (!this.opts.installIstio) {
        throw new MeshbenchError('PLATFORM_UNAVAILABLE', `Istio is not installed in context ${context}`, {
          fix: `install Istio ambient ${istio} yourself, or let meshbench do it: --install-istio (see \`meshbench doctor --platform cluster\`)`,
        });
      }
      this.log(`installing Istio ${istio} (ambient)`);
      await installIstio(this.installInput());
    }
    this.versions.istio = (await readIstioVersion(client)) ?? istio;
    if (this.versions.istio !== istio)
      this.notes.push(`the suite pins Istio ${istio}; the cluster runs ${this.versions.istio}`);
  }

  private async waitFor(w: WaitTarget, intervalMs: number): Promise<void> {
    const client = this.connected();
    const opts = { signal: this.signal, intervalMs };
    if (w.kind === 'Gateway')
      return waitForGatewayProgrammed(client, w.namespace, w.name, {
        ...opts,
        timeoutMs: this.timeout('gateway'),
      });
    if (w.kind === 'DaemonSet')
      return waitForDaemonSetReady(client, w.namespace, w.name, {
        ...opts,
        timeoutMs: this.timeout('istio'),
      });
    // istiod is Istio's, a waypoint's Deployment its variant's, the rest Bookinfo's.
    const waypoint = this.plan?.variants.some((v) =>
      v.topology.waypoints.some((x) => x.namespace === w.namespace && x.name === w.name),
    );
    const timeoutMs =
      w.namespace === 'istio-system'
        ? this.timeout('istio')
        : waypoint
          ? this.timeout('gateway')
          : this.timeout('deployments');
    return waitForDeploymentAvailable(client, w.namespace, w.name, { ...opts, timeoutMs });
  }

  /** The same probe Jobs `meshbench plan` prints for the variant, run in the mesh (see ./preflight.ts). */
  async preflight(expected: Topology): Promise<PreflightReport> {
    const { client, plan } = this.need();
    // The variant apply() just set up (the orchestrator probes right after applying it).
    const tag = this.tag ?? expected.variant;
    for (const step of this.stepsOf(tag, 'preflight')) this.executed.push(step.id);
    return runKubePreflight({
      client,
      expected,
      tenants: plan.tenants,
      placement: this.placement,
      timeoutMs: this.timeout('gateway'),
      signal: this.signal,
    });
  }

  targets(): TenantTarget[] {
    const { plan } = this.need();
    return plan.tenants.map((t) => ({ tenant: t.name, url: serviceUrl(t), headers: {} }));
  }

  sampler(): Sampler {
    const { client, plan } = this.need();
    return new KubeSampler(
      client,
      {
        waypoints: this.topology?.waypoints ?? [],
        services: plan.tenants.map((t) => ({ namespace: t.namespace, service: t.service })),
      },
      this.opts.cgroupReader,
    );
  }

  loadDriver(): LoadDriver {
    const { client, kube } = this.need();
    const driver = createKubeLoadDriver({
      client,
      driver: this.opts.driver ?? kube.driver,
      placement: this.placement,
      bundle: () => {
        this.bundle ??= bundleAgent();
        return this.bundle;
      },
      startLeadMs: this.opts.startLeadMs,
      graceMs: this.timeout('load'),
      log: this.log,
    });
    // The variant's load and collect steps: Jobs built with the run's start time and bundle, same names.
    return {
      run: async (input) => {
        const tag = this.tag ?? '';
        for (const step of this.stepsOf(tag, 'load')) this.executed.push(step.id);
        const results = await driver.run(input);
        for (const step of this.stepsOf(tag, 'collect')) this.executed.push(step.id);
        return results;
      },
    };
  }

  info(): PlatformInfo {
    return { name: this.name, versions: { ...this.versions }, notes: [...this.notes] };
  }

  async down(): Promise<void> {
    for (const step of this.kp?.steps.filter((x) => x.phase === 'teardown') ?? []) await this.run(step);
  }
}

const UP_PHASES: KubeStep['phase'][] = ['preflight', 'cluster', 'istio', 'workloads'];
