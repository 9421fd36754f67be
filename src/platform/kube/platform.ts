/**
 * The Kubernetes platform both kind and an existing cluster use (a lifecycle: it owns what it applied).
 * up: preflight (fail fast, PLATFORM_UNAVAILABLE) → cluster → Gateway API CRDs → Istio → namespaces and
 * Bookinfo; apply: a variant's waypoints, labels and policies, awaited; down: deletes only meshbench's
 * labelled namespaces. Every object comes from the same builders `meshbench plan` prints.
 */
import { MeshbenchError } from '../../errors.ts';
import { bundleAgent, type AgentBundle } from '../../load/agent/bundle.ts';
import type { LoadDriver } from '../../load/types.ts';
import type { RunPlan } from '../../suite/plan.ts';
import type { KubePlatformSettings } from '../../suite/schema.ts';
import type { Topology } from '../../topology/model.ts';
import type { Platform, PlatformInfo, Sampler, TenantTarget } from '../types.ts';
import type { CgroupReader } from './cgroup-reader.ts';
import { deleteManagedNamespaces, deleteStaleGateways } from './cleanup.ts';
import { KubeClient } from './client.ts';
import { type Check, checkFacts, formatChecks } from './doctor-checks.ts';
import { runDoctor } from './doctor.ts';
import { ensureGatewayApiCrds, installIstio, readIstioVersion, waitForIstio } from './istio-install.ts';
import { gatewayApiVersion } from './istio-version.ts';
import { readKubeConfig } from './kubeconfig.ts';
import { createKubeLoadDriver } from './load-driver.ts';
import { bookinfoDeployments, buildBookinfo } from './manifests/bookinfo.ts';
import { buildLoadNamespace, buildTenantNamespace } from './manifests/namespaces.ts';
import { buildAuthorizationPolicies } from './manifests/policies.ts';
import { LOAD_NAMESPACE, type Placement } from './manifests/types.ts';
import { buildWaypoints } from './manifests/waypoints.ts';
import { WAIT_TIMEOUTS } from './plan.ts';
import { buildOutsiderNamespace } from './manifests/probe.ts';
import { buildPlacement, kubeSettings } from './placement.ts';
import { runKubePreflight } from './preflight.ts';
import type { PreflightReport } from '../../topology/preflight.ts';
import { KubeSampler } from './sampler.ts';
import { serviceUrl } from './schedule.ts';
import { waitForDeploymentAvailable, waitForGatewayProgrammed } from './wait.ts';

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
  return c.name.startsWith('inotify');
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

  async up(
    plan: RunPlan,
    options: { signal?: AbortSignal; log?: (line: string) => void } = {},
  ): Promise<void> {
    if (options.log) this.log = options.log;
    const { signal } = options;
    const kube = kubeSettings(plan);
    const istio = kube.istioVersion;
    this.plan = plan;
    this.kube = kube;
    this.placement = buildPlacement(kube, this.name);
    if (!this.opts.skipPreflight) {
      const checks = await runDoctor({
        platform: this.name,
        istioVersion: istio,
        clusterName: kube.clusterName,
        context: kube.context,
        kubeconfig: kube.kubeconfig,
        installIstio: this.opts.installIstio,
        env: this.opts.env,
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
    const cluster = await this.opts.ensureCluster(plan, { signal, log: this.log });
    this.notes.push(...(cluster.notes ?? []));
    const { kc, context } = await readKubeConfig({
      path: cluster.kubeconfig ?? kube.kubeconfig,
      context: cluster.context,
      env: this.opts.env,
    });
    const client = new KubeClient(kc);
    this.client = client;
    const version = await client.version();
    this.versions.kubernetes = version.gitVersion;
    this.versions.context = context;

    const inst = {
      client,
      context,
      istioVersion: istio,
      envelope: plan.waypoint,
      placement: this.placement,
      signal,
      log: this.log,
    };
    // An existing cluster's CRDs are part of its installation: left alone unless asked.
    const crds = await ensureGatewayApiCrds({ ...inst, install: this.opts.installIstio });
    this.versions.gatewayApi = crds === 'installed' ? gatewayApiVersion(istio) : 'present';
    const present = await readIstioVersion(client);
    if (!present || (this.opts.installIstio && this.name === 'kind' && present !== istio)) {
      if (!this.opts.installIstio) {
        throw new MeshbenchError('PLATFORM_UNAVAILABLE', `Istio is not installed in context ${context}`, {
          fix: `install Istio ambient ${istio} yourself, or let meshbench do it: --install-istio (see \`meshbench doctor --platform cluster\`)`,
        });
      }
      this.log(`installing Istio ${istio} (ambient)`);
      await installIstio(inst);
    }
    await waitForIstio({ client, signal, timeoutMs: this.timeout('istio') });
    this.versions.istio = (await readIstioVersion(client)) ?? istio;
    if (this.versions.istio !== istio)
      this.notes.push(`the suite pins Istio ${istio}; the cluster runs ${this.versions.istio}`);

    this.touched = true;
    const namespaces = plan.tenants.map((t) => t.namespace);
    for (const ns of namespaces) await client.apply(buildTenantNamespace(ns));
    await client.apply(buildLoadNamespace());
    await client.apply(buildOutsiderNamespace());
    for (const ns of namespaces) {
      for (const o of buildBookinfo({ namespace: ns, istioVersion: istio, placement: this.placement }))
        await client.apply(o);
    }
    for (const ns of namespaces) {
      for (const d of bookinfoDeployments())
        await waitForDeploymentAvailable(client, ns, d, {
          timeoutMs: this.timeout('deployments'),
          signal,
          intervalMs: 2000,
        });
    }
    this.log(`Bookinfo ready in ${namespaces.join(', ')}`);
  }

  private need(): { client: KubeClient; plan: RunPlan; kube: KubePlatformSettings } {
    if (!this.client || !this.plan || !this.kube)
      throw new MeshbenchError('INTERNAL', `the ${this.name} platform is not up`);
    return { client: this.client, plan: this.plan, kube: this.kube };
  }

  async apply(topology: Topology): Promise<void> {
    const { client, plan, kube } = this.need();
    const istio = kube.istioVersion;
    const namespaces = plan.tenants.map((t) => t.namespace);
    for (const o of buildWaypoints({ topology, istioVersion: istio, placement: this.placement }))
      await client.apply(o);
    await deleteStaleGateways(client, { namespaces, keep: topology.waypoints, log: this.log });
    for (const ns of namespaces) {
      await client.apply(buildTenantNamespace(ns, topology));
      for (const o of buildBookinfo({
        namespace: ns,
        istioVersion: istio,
        placement: this.placement,
        topology,
      }))
        if (o.kind === 'Service') await client.apply(o);
    }
    for (const p of buildAuthorizationPolicies(topology, [LOAD_NAMESPACE])) await client.apply(p);
    for (const w of topology.waypoints) {
      await waitForGatewayProgrammed(client, w.namespace, w.name, {
        timeoutMs: this.timeout('gateway'),
        intervalMs: 1000,
      });
      await waitForDeploymentAvailable(client, w.namespace, w.name, {
        timeoutMs: this.timeout('gateway'),
        intervalMs: 1000,
      });
    }
    this.topology = topology;
    this.log(
      `variant ${topology.variant}: ${topology.waypoints.map((w) => `${w.namespace}/${w.name}`).join(', ') || 'no waypoints'}`,
    );
  }

  /** The same probe Jobs `meshbench plan` prints for the variant, run in the mesh (see ./preflight.ts). */
  async preflight(expected: Topology): Promise<PreflightReport> {
    const { client, plan } = this.need();
    return runKubePreflight({
      client,
      expected,
      tenants: plan.tenants,
      placement: this.placement,
      timeoutMs: this.timeout('gateway'),
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
    return createKubeLoadDriver({
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
  }

  info(): PlatformInfo {
    return { name: this.name, versions: { ...this.versions }, notes: [...this.notes] };
  }

  async down(): Promise<void> {
    if (!this.client || !this.touched) return;
    const deleted = await deleteManagedNamespaces(this.client, {
      waitMs: this.timeout('deployments'),
      log: this.log,
    });
    this.touched = false;
    if (deleted.length) this.log(`deleted namespaces ${deleted.join(', ')}`);
  }
}
