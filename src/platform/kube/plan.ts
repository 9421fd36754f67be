/**
 * The Kubernetes plan (pure): every step a kind or cluster run takes, in order, with the command or API
 * call and the typed manifests it applies. `meshbench plan` prints it; the platforms follow the same
 * builders, so what is printed is what is applied.
 */
import { planEnvelope, type RunPlan } from '../../suite/plan.ts';
import { bookinfoDeployments, buildBookinfo } from './manifests/bookinfo.ts';
import { buildIstioOperator } from './manifests/install.ts';
import {
  type AgentBundleData,
  type AgentConfig,
  buildAgentObjects,
  buildFortioObjects,
} from './manifests/load.ts';
import { buildLoadNamespace, buildTenantNamespace } from './manifests/namespaces.ts';
import { buildAuthorizationPolicies } from './manifests/policies.ts';
import { type KubeObject, LOAD_NAMESPACE, MANAGED_SELECTOR } from './manifests/types.ts';
import { buildWaypoints } from './manifests/waypoints.ts';
import { buildConnectionPools } from './manifests/connection-pool.ts';
import { gatewayApiInstallUrl, gatewayApiVersion, hasInternalConnectionLimit } from './istio-version.ts';
import { buildOutsiderNamespace } from './manifests/probe.ts';
import { buildPlacement, kubeSettings } from './placement.ts';
import { buildPreflightObjects } from './preflight-plan.ts';
import { OUTSIDER_NAMESPACE } from '../../topology/preflight.ts';
import { buildTenantSchedule } from './schedule.ts';

export type KubeAction =
  | { type: 'command'; argv: string[] }
  | { type: 'apply'; fieldManager: 'meshbench'; force: true }
  | { type: 'wait'; condition: string; timeoutMs: number }
  | { type: 'api'; method: 'GET' | 'DELETE' | 'POST'; path: string };

/** One readiness condition a wait step holds for. */
export interface WaitTarget {
  kind: 'Deployment' | 'DaemonSet' | 'Gateway';
  namespace: string;
  name: string;
  condition: 'Available' | 'Ready' | 'Programmed';
}

/**
 * What the interpreter (KubePlatform) does for a step: the plan is the program. Each value has one
 * handler in platform.ts; a step the interpreter cannot run does not exist.
 */
export type StepRun =
  | 'doctor'
  | 'ensure-cluster'
  | 'gateway-api-crds'
  | 'istio'
  | 'apply'
  | 'wait'
  | 'preflight'
  | 'load'
  | 'collect'
  | 'cleanup'
  | 'delete-cluster';

export interface KubeStep {
  id: string;
  phase: 'preflight' | 'cluster' | 'istio' | 'workloads' | 'variant' | 'load' | 'teardown';
  /** The interpreter's handler for this step. */
  run: StepRun;
  /** wait steps: what they wait for. */
  waits?: WaitTarget[];
  /** apply steps that also delete the meshbench Gateways in `gatewaysIn` that are not in `keep`. */
  prune?: { gatewaysIn: string[]; keep: Array<{ namespace: string; name: string }> };
  /** The variant (and repeat) this step belongs to, for variant and load steps. */
  variant?: string;
  description: string;
  action: KubeAction;
  manifests: KubeObject[];
}

export interface KubePlan {
  platform: 'kind' | 'cluster';
  suite: string;
  istioVersion: string;
  gatewayApiVersion: string;
  clusterName?: string;
  context?: string;
  driver: 'agent' | 'fortio';
  notes: string[];
  steps: KubeStep[];
}

export interface KubePlanOptions {
  platform: 'kind' | 'cluster';
  /** The bundled agent; a placeholder when the plan is only printed. */
  agentBundle?: AgentBundleData;
  /** Path of the kind cluster config. */
  kindConfig?: string;
  /** Overrides the suite's `platforms.<name>.driver`. */
  driver?: 'agent' | 'fortio';
  /** Install Istio on an existing cluster (the cluster platform leaves it alone by default). */
  installIstio?: boolean;
  /** Coordinated start written into agent configs; 0 in printed plans (set at run time). */
  startAt?: number;
}

export const WAIT_TIMEOUTS = {
  istio: 300_000,
  deployments: 300_000,
  gateway: 180_000,
  /** Extra time past the schedules' end before a load Job counts as stuck. */
  load: 120_000,
};
/** Printed plans show where the bundle goes; `meshbench run` fills in the esbuild output. */
export const AGENT_BUNDLE_PLACEHOLDER: AgentBundleData = {
  files: {
    'boot.cjs':
      '// unpacks agent.mjs.gz and engine-worker.js.gz (binaryData, built by esbuild at run time) and runs agentMain\n',
    'package.json': '{"type":"module"}\n',
  },
  gzipped: {},
};

/** A variant's steps are tagged by its name, and by its repeat when the suite repeats (`name#N`). */
export function variantTag(plan: Pick<RunPlan, 'repeats'>, name: string, repeat: number): string {
  return plan.repeats > 1 ? `${name}#${repeat}` : name;
}

export function buildKubePlan(plan: RunPlan, opts: KubePlanOptions): KubePlan {
  const platform = opts.platform;
  const kube = kubeSettings(plan);
  const istio = kube.istioVersion;
  const placement = buildPlacement(kube, platform);
  const driver = opts.driver ?? kube.driver;
  const namespaces = plan.tenants.map((t) => t.namespace);
  const clusterName = kube.clusterName;
  const kubectl = (...args: string[]) =>
    platform === 'kind'
      ? ['kubectl', '--context', `kind-${clusterName}`, ...args]
      : ['kubectl', ...(kube.context ? ['--context', kube.context] : []), ...args];
  const steps: KubeStep[] = [];
  const step = (s: Omit<KubeStep, 'manifests'> & { manifests?: KubeObject[] }) =>
    steps.push({ ...s, manifests: s.manifests ?? [] });
  const apply = { type: 'apply', fieldManager: 'meshbench', force: true } as const;

  step({
    id: 'preflight',
    phase: 'preflight',
    run: 'doctor',
    description: 'Check tools, versions, inotify limits, cluster reachability and permissions',
    action: { type: 'command', argv: ['meshbench', 'doctor', '--platform', platform] },
  });
  if (platform === 'kind') {
    step({
      id: 'kind-cluster',
      phase: 'cluster',
      run: 'ensure-cluster',
      description: `Create kind cluster ${clusterName} (reused when \`kind get clusters\` lists it)`,
      action: {
        type: 'command',
        argv: [
          'kind',
          'create',
          'cluster',
          '--name',
          clusterName,
          '--config',
          opts.kindConfig ?? 'fixtures/kind/cluster.yaml',
          '--wait',
          '120s',
        ],
      },
    });
  } else {
    step({
      id: 'cluster-context',
      phase: 'cluster',
      run: 'ensure-cluster',
      description: `Use the existing cluster${kube.context ? ` (context ${kube.context})` : ' (current context)'}; check /version`,
      action: { type: 'api', method: 'GET', path: '/version' },
    });
  }
  step({
    id: 'gateway-api-crds',
    phase: 'istio',
    run: 'gateway-api-crds',
    description:
      platform === 'kind' || opts.installIstio
        ? `Install Gateway API CRDs ${gatewayApiVersion(istio)} (standard channel) when gateways.gateway.networking.k8s.io is absent`
        : `Check the Gateway API CRDs are installed (an existing cluster's are left alone; this is the fix when absent)`,
    action: { type: 'command', argv: kubectl('apply', '--server-side', '-f', gatewayApiInstallUrl(istio)) },
  });
  if (platform === 'kind' || opts.installIstio) {
    step({
      id: 'istio-install',
      phase: 'istio',
      run: 'istio',
      description: `Install Istio ${istio} when istiod is absent${platform === 'kind' ? ' or another version' : ''}, or when the installed Istio is older than 1.26 and its waypoint resources (istio-sidecar-injector's install values) differ from the suite's envelope (ambient profile, stats inclusion for overflow counters${hasInternalConnectionLimit(istio) ? ', waypoint resources as install values' : ''}) with the pinned istioctl; without it, the same values through Helm (base, istiod, cni, ztunnel charts)`,
      action: {
        type: 'command',
        argv: [
          'istioctl',
          'install',
          '--skip-confirmation',
          '-f',
          'istio-operator.yaml',
          ...(platform === 'kind' ? ['--context', `kind-${clusterName}`] : []),
        ],
      },
      manifests: [buildIstioOperator({ istioVersion: istio, envelope: planEnvelope(plan), placement })],
    });
  } else {
    step({
      id: 'istio-check',
      phase: 'istio',
      run: 'istio',
      description:
        "Check the installed Istio (istiod in istio-system, ambient ztunnel); left alone unless --install-istio, and refused when it is older than 1.26 and its waypoint resources (install values) differ from the suite's envelope",
      action: {
        type: 'api',
        method: 'GET',
        path: '/apis/apps/v1/namespaces/istio-system/deployments/istiod',
      },
    });
  }
  step({
    id: 'istio-ready',
    phase: 'istio',
    run: 'wait',
    waits: [
      { kind: 'Deployment', namespace: 'istio-system', name: 'istiod', condition: 'Available' },
      { kind: 'DaemonSet', namespace: 'istio-system', name: 'ztunnel', condition: 'Ready' },
    ],
    description: 'Wait for istiod Available and the ztunnel DaemonSet ready',
    action: {
      type: 'wait',
      condition: 'deployment istio-system/istiod Available; daemonset istio-system/ztunnel ready',
      timeoutMs: WAIT_TIMEOUTS.istio,
    },
  });
  step({
    id: 'namespaces',
    phase: 'workloads',
    run: 'apply',
    description: `Create the tenant namespaces (${namespaces.join(', ')}), ${LOAD_NAMESPACE} and the preflight's ${OUTSIDER_NAMESPACE}, ambient-enrolled and labelled ${MANAGED_SELECTOR}`,
    action: apply,
    manifests: [
      ...namespaces.map((ns) => buildTenantNamespace(ns)),
      buildLoadNamespace(),
      buildOutsiderNamespace(),
    ],
  });
  for (const ns of namespaces) {
    step({
      id: `bookinfo-${ns}`,
      phase: 'workloads',
      run: 'apply',
      description: `Deploy Bookinfo in ${ns} (pinned images)`,
      action: apply,
      manifests: buildBookinfo({ namespace: ns, istioVersion: istio, placement }),
    });
  }
  step({
    id: 'bookinfo-ready',
    phase: 'workloads',
    run: 'wait',
    waits: namespaces.flatMap((ns) =>
      bookinfoDeployments().map((name) => ({
        kind: 'Deployment' as const,
        namespace: ns,
        name,
        condition: 'Available' as const,
      })),
    ),
    description: 'Wait for the Bookinfo deployments to be Available',
    action: {
      type: 'wait',
      condition: namespaces
        .flatMap((ns) => bookinfoDeployments().map((d) => `deployment ${ns}/${d} Available`))
        .join('; '),
      timeoutMs: WAIT_TIMEOUTS.deployments,
    },
  });

  for (const v of plan.variants) {
    const tag = variantTag(plan, v.name, v.repeat);
    const t = v.topology;
    const gateways = t.waypoints.map((w) => `${w.namespace}/${w.name}`);
    step({
      id: `${tag}-waypoints`,
      phase: 'variant',
      run: 'apply',
      prune: {
        gatewaysIn: namespaces,
        keep: t.waypoints.map((w) => ({ namespace: w.namespace, name: w.name })),
      },
      variant: tag,
      description: gateways.length
        ? `Apply waypoints ${gateways.join(', ')} and delete meshbench Gateways not in this variant`
        : 'No waypoints: delete meshbench Gateways',
      action: apply,
      manifests: buildWaypoints({ topology: t, istioVersion: istio, placement }),
    });
    step({
      id: `${tag}-labels`,
      phase: 'variant',
      run: 'apply',
      variant: tag,
      description:
        'Label namespaces and Services with the waypoints they use (istio.io/use-waypoint[-namespace], none to opt out)',
      action: apply,
      manifests: namespaces.flatMap((ns) => [
        buildTenantNamespace(ns, t),
        ...buildBookinfo({ namespace: ns, istioVersion: istio, placement, topology: t }).filter(
          (o) => o.kind === 'Service',
        ),
      ]),
    });
    step({
      id: `${tag}-policies`,
      phase: 'variant',
      run: 'apply',
      variant: tag,
      description: `AuthorizationPolicies (ALLOW ${plan.policy.methods.join(', ')} from ${[...plan.policy.sourceNamespaces, LOAD_NAMESPACE].join(', ')}) attached to the target Services${t.waypoints.length ? '' : ' (not enforced: no waypoint)'}`,
      action: apply,
      manifests: buildAuthorizationPolicies(t, [LOAD_NAMESPACE]),
    });
    const pools = buildConnectionPools(t);
    if (pools.length) {
      const e = t.waypoints[0].envelope;
      step({
        id: `${tag}-connection-pools`,
        phase: 'variant',
        run: 'apply',
        variant: tag,
        description: `Circuit breakers of the waypoints' upstream clusters: a DestinationRule per waypoint-served service (maxConnections ${e.maxConnections}, http1MaxPendingRequests ${e.maxPendingRequests}, http2MaxRequests ${e.maxRequests})${hasInternalConnectionLimit(istio) ? `; Istio ${istio}'s internal cluster keeps its own 1024` : ''}`,
        action: apply,
        manifests: pools,
      });
    }
    if (gateways.length) {
      step({
        id: `${tag}-waypoints-ready`,
        phase: 'variant',
        run: 'wait',
        waits: t.waypoints.flatMap((w) => [
          {
            kind: 'Gateway' as const,
            namespace: w.namespace,
            name: w.name,
            condition: 'Programmed' as const,
          },
          {
            kind: 'Deployment' as const,
            namespace: w.namespace,
            name: w.name,
            condition: 'Available' as const,
          },
        ]),
        variant: tag,
        description: 'Wait for each waypoint Gateway Programmed and its Deployment Available',
        action: {
          type: 'wait',
          condition: gateways.map((g) => `gateway ${g} Programmed; deployment ${g} Available`).join('; '),
          timeoutMs: WAIT_TIMEOUTS.gateway,
        },
      });
    }
    step({
      id: `${tag}-preflight`,
      phase: 'variant',
      run: 'preflight',
      variant: tag,
      description: `Probe the variant before its load (skipped with --skip-preflight): from ${LOAD_NAMESPACE}, an allowed request answers 200 and a denied method 403 from the waypoint's RBAC; from ${OUTSIDER_NAMESPACE}, a denied source 403; each waypoint's istio_requests_total (pod proxy :15020) grows by the probes it carried. The Jobs are deleted after`,
      action: apply,
      manifests: buildPreflightObjects(t, plan.tenants, placement),
    });
    const loadObjects: KubeObject[] = plan.tenants.flatMap((tenant) => {
      const schedule = buildTenantSchedule(tenant, plan.load);
      const startAt = opts.startAt ?? 0;
      if (driver === 'fortio')
        return buildFortioObjects({ tenant: tenant.name, schedule, startAt, placement });
      const config: AgentConfig = { tenant: tenant.name, startAt, schedule };
      return buildAgentObjects({
        tenant: tenant.name,
        bundle: opts.agentBundle ?? AGENT_BUNDLE_PLACEHOLDER,
        config,
        placement,
      });
    });
    step({
      id: `${tag}-load`,
      phase: 'load',
      run: 'load',
      variant: tag,
      description: `Start ${driver === 'fortio' ? 'Fortio Jobs' : plan.load.agents > 1 ? `agent Jobs (Indexed: ${plan.load.agents} agent pods per tenant, each driving every ${plan.load.agents}th connection; results merged exactly)` : 'agent Jobs'} in ${LOAD_NAMESPACE} at a coordinated start (startAt set at run time; tenants offset ${plan.tenants.map((x) => `${x.name} +${x.startOffsetMs}ms`).join(', ')}); sample CPU and waypoint stats each second`,
      action: apply,
      manifests: loadObjects,
    });
    step({
      id: `${tag}-collect`,
      phase: 'load',
      run: 'collect',
      variant: tag,
      description:
        'Wait for the Jobs to complete, read each pod log (result between markers), convert to LoadResults, delete the Jobs',
      action: { type: 'api', method: 'GET', path: `/api/v1/namespaces/${LOAD_NAMESPACE}/pods/{pod}/log` },
    });
  }
  step({
    id: 'cleanup',
    phase: 'teardown',
    run: 'cleanup',
    description: `Delete only namespaces labelled ${MANAGED_SELECTOR} (on success, failure and Ctrl-C)`,
    action: { type: 'api', method: 'DELETE', path: `/api/v1/namespaces?labelSelector=${MANAGED_SELECTOR}` },
  });
  if (platform === 'kind') {
    step({
      id: 'kind-delete',
      phase: 'teardown',
      run: 'delete-cluster',
      description: 'Only with `meshbench down --platform kind`: delete the kind cluster',
      action: { type: 'command', argv: ['kind', 'delete', 'cluster', '--name', clusterName] },
    });
  }
  const notes = [
    hasInternalConnectionLimit(istio)
      ? `Istio ${istio} keeps the waypoint's 1024-connection internal cluster limit (fixed in 1.25)`
      : `Istio ${istio}: the waypoint's internal cluster has no 1024-connection limit; only CPU is shared`,
    `Load namespace ${LOAD_NAMESPACE} is added to the policy's allowed sources so the in-mesh agents are admitted`,
    ...scaleNotes(plan, istio),
  ];
  return {
    platform,
    suite: plan.suite.name,
    istioVersion: istio,
    gatewayApiVersion: gatewayApiVersion(istio),
    clusterName: platform === 'kind' ? clusterName : undefined,
    context: kube.context,
    driver,
    notes,
    steps,
  };
}

/** Internal cluster connection limit of an Istio ≤ 1.24 waypoint (Envoy's default, not the suite's). */
const INTERNAL_CONNECTION_LIMIT = 1024;

/**
 * What a scale changes, and what it cannot: the agents' and Bookinfo's requests stay, and Istio 1.24's
 * internal connection limit is Istio's own, so a scaled shared waypoint may never reach it.
 */
export function scaleNotes(plan: RunPlan, istio: string): string[] {
  if (plan.scale === 1) return [];
  const w = planEnvelope(plan);
  const notes = [
    `Scale ${plan.scale}: each tenant ${plan.load.rate ?? 'closed-loop'} req/s over ${plan.load.connections} connections` +
      (w
        ? `; each waypoint ${w.cpuLimit} cores and ${w.memoryLimit}, connection limits ${w.maxConnections}/${w.maxPendingRequests}/${w.maxRequests}`
        : ''),
    "Not scaled: the load agents' CPU requests (1 core each), Bookinfo (its replicas and requests)",
  ];
  if (hasInternalConnectionLimit(istio)) {
    const shared = plan.load.connections * plan.tenants.length;
    notes.push(
      shared < INTERNAL_CONNECTION_LIMIT
        ? `Not scaled: Istio ${istio}'s ${INTERNAL_CONNECTION_LIMIT}-connection internal cluster of each waypoint. A waypoint shared by all tenants carries ${shared} connections at this scale, below it: the connection-limit errors the article saw for the second tenant will not appear, only the CPU limit is shared`
        : `Not scaled: Istio ${istio}'s ${INTERNAL_CONNECTION_LIMIT}-connection internal cluster of each waypoint; a waypoint shared by all tenants carries ${shared} connections at this scale, so it still binds`,
    );
  }
  return notes;
}
