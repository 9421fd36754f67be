/**
 * Platform factory and teardown: the orchestrator and the commands never ask which platform they have
 * beyond this point.
 */
import type { RunPlan } from '../suite/plan.ts';
import type { PlatformName } from '../suite/schema.ts';
import type { Platform, TeardownOptions } from '../platform/types.ts';

export async function createPlatform(
  name: PlatformName,
  opts: { log?: (line: string) => void } = {},
): Promise<Platform> {
  switch (name) {
    case 'local':
      return (await import('../platform/local/platform.ts')).createLocalPlatform(opts);
    case 'kind':
      return (await import('../platform/kind/platform.ts')).createKindPlatform(opts);
    case 'cluster':
      return (await import('../platform/cluster/platform.ts')).createClusterPlatform(opts);
  }
}

/** `meshbench down`: each platform's own teardown (local: the recorded `up`; kind: the cluster; cluster: its namespaces). */
export async function teardownPlatform(
  name: PlatformName,
  opts: TeardownOptions,
  io: { log: (line: string) => void; env: NodeJS.ProcessEnv },
): Promise<string> {
  switch (name) {
    case 'local':
      return (await import('../platform/local/up-hold.ts')).teardownLocal(opts, io);
    case 'kind':
      return (await import('../platform/kind/teardown.ts')).teardownKind(opts, io);
    case 'cluster':
      return (await import('../platform/cluster/teardown.ts')).teardownCluster(opts, io);
  }
}

/** `meshbench plan`: the Kubernetes platforms' printed plan (steps, schema-valid manifests, one file each). */
export async function printedPlan(
  plan: RunPlan,
  opts: {
    platform: 'kind' | 'cluster';
    driver?: 'agent' | 'fortio';
    installIstio?: boolean;
    bundle?: boolean;
  },
): Promise<{
  text: string;
  files: Array<{ path: string; content: string }>;
  steps: number;
  manifests: number;
}> {
  const { buildKubePlan } = await import('../platform/kube/plan.ts');
  const { buildPlanFiles, renderKubePlan } = await import('../platform/kube/render-plan.ts');
  const { bundleAgent } = await import('../load/agent/bundle.ts');
  const kp = buildKubePlan(plan, {
    agentBundle: opts.bundle ? await bundleAgent() : undefined,
    platform: opts.platform,
    driver: opts.driver,
    installIstio: opts.installIstio,
  });
  // Every manifest is checked against its schema before anything is printed.
  for (const s of kp.steps) for (const m of s.manifests) m.validate();
  return {
    text: renderKubePlan(kp),
    files: buildPlanFiles(kp),
    steps: kp.steps.length,
    manifests: kp.steps.reduce((n, s) => n + s.manifests.length, 0),
  };
}

/** `meshbench doctor`: the Kubernetes platforms' checks, as text and data. */
export async function doctorFor(opts: {
  platform: 'kind' | 'cluster';
  istioVersion: string;
  clusterName: string;
  context?: string;
  kubeconfig?: string;
  env: NodeJS.ProcessEnv;
  installIstio: boolean;
  /** The suite's plan: its CPU demand is checked against the nodes. */
  plan: RunPlan;
}): Promise<{ ok: boolean; checks: unknown[]; text: string; missing: string[] }> {
  const { runDoctor } = await import('../platform/kube/doctor.ts');
  const { checkFails, doctorPassed, formatChecks } = await import('../platform/kube/doctor-checks.ts');
  const { estimateCpuDemand } = await import('../platform/kube/capacity.ts');
  const { buildKubePlan } = await import('../platform/kube/plan.ts');
  const demand = estimateCpuDemand(
    opts.plan,
    buildKubePlan(opts.plan, { platform: opts.platform, installIstio: opts.installIstio }),
  );
  const checks = await runDoctor({ ...opts, demand });
  return {
    ok: doctorPassed(checks),
    checks,
    text: formatChecks(checks),
    missing: checks.filter(checkFails).map((c) => c.name),
  };
}
