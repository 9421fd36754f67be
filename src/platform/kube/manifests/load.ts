/**
 * In-mesh load: agent Jobs (our engine, bundled into one .mjs delivered by ConfigMap into a stock
 * pinned Node image) or Fortio Jobs, on the load node, in the ambient-enrolled load namespace.
 */
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { isSensitiveHeader } from '../../../load/redact.ts';
import type { AgentBundle } from '../../../load/agent/bundle.ts';
import { AGENT_SECRET_HEADERS, type AgentConfig } from '../../../load/agent/protocol.ts';
import type { LoadSchedule } from '../../../load/types.ts';
import { IMAGES } from '../istio-version.ts';
import { type KubeObject, LOAD_NAMESPACE, type Placement, managedLabels, nodeSelectorOf } from './types.ts';

export type { AgentConfig };

/** The parts of an agent bundle a ConfigMap carries. */
export type AgentBundleData = Pick<AgentBundle, 'files' | 'gzipped'>;

export const AGENT_MOUNT = '/etc/meshbench';
export const AGENT_ROLE_LABEL = 'meshbench.io/load';

export function loadJobName(driver: 'agent' | 'fortio', tenant: string): string {
  return `${driver}-${tenant}`.slice(0, 63);
}

/** An init container that sleeps until the coordinated start (used by Fortio, which has no start time). */
function waitUntilStart(startAt: number) {
  return {
    name: 'wait-for-start',
    image: IMAGES.node,
    command: ['node', '-e', 'setTimeout(() => {}, Math.max(0, Number(process.env.START_AT) - Date.now()))'],
    env: [{ name: 'START_AT', value: String(startAt) }],
  };
}

/**
 * A schedule's headers split by sensitivity: credentials (authorization, cookies, tokens…) travel in a
 * Secret, never in a ConfigMap, a Job's arguments or the printed plan.
 */
export function splitHeaders(headers: Readonly<Record<string, string>>): {
  plain: Record<string, string>;
  sensitive: Record<string, string>;
} {
  const plain: Record<string, string> = {};
  const sensitive: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) (isSensitiveHeader(k) ? sensitive : plain)[k] = v;
  return { plain, sensitive };
}

/** The Secret of a Job's credential headers (named like the Job), or none when it has none. */
export function buildHeaderSecret(input: {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  data: Record<string, string>;
}): Secret[] {
  if (Object.keys(input.data).length === 0) return [];
  return [
    new Secret({
      metadata: { name: input.name, namespace: input.namespace, labels: managedLabels(input.labels) },
      type: 'Opaque',
      stringData: input.data,
    }),
  ];
}

function buildLoadSecret(input: {
  driver: 'agent' | 'fortio';
  tenant: string;
  data: Record<string, string>;
}) {
  return buildHeaderSecret({
    name: loadJobName(input.driver, input.tenant),
    namespace: LOAD_NAMESPACE,
    labels: { [AGENT_ROLE_LABEL]: input.tenant },
    data: input.data,
  });
}

export function buildAgentConfigMap(input: {
  tenant: string;
  bundle: AgentBundleData;
  config: AgentConfig;
}): ConfigMap {
  const { plain } = splitHeaders(input.config.schedule.headers);
  const config = { ...input.config, schedule: { ...input.config.schedule, headers: plain } };
  return new ConfigMap({
    metadata: {
      name: loadJobName('agent', input.tenant),
      namespace: LOAD_NAMESPACE,
      labels: managedLabels({ [AGENT_ROLE_LABEL]: input.tenant }),
    },
    data: { ...input.bundle.files, 'config.json': JSON.stringify(config, null, 2) },
    ...(Object.keys(input.bundle.gzipped).length ? { binaryData: { ...input.bundle.gzipped } } : {}),
  });
}

/** A run-once load Job in the load namespace: one per tenant and driver, on the load node. */
function buildLoadJob(input: {
  driver: 'agent' | 'fortio';
  tenant: string;
  placement: Placement;
  pod: Pick<
    NonNullable<NonNullable<Job['spec']>['template']['spec']>,
    'containers' | 'initContainers' | 'volumes'
  >;
  /** Pods sharing the tenant's load (an Indexed Job past one). */
  agents?: number;
}): Job {
  const name = loadJobName(input.driver, input.tenant);
  const labels = { [AGENT_ROLE_LABEL]: input.tenant, 'meshbench.io/driver': input.driver };
  const agents = input.agents ?? 1;
  // Past one agent: an Indexed Job, pod k driving share k (JOB_COMPLETION_INDEX). Each index fails on its own
  // (backoffLimitPerIndex, Kubernetes ≥ 1.29), so one failed agent does not stop the others; nothing retries.
  const runs =
    agents > 1
      ? {
          completionMode: 'Indexed' as const,
          completions: agents,
          parallelism: agents,
          backoffLimitPerIndex: 0,
          maxFailedIndexes: agents,
        }
      : { backoffLimit: 0 };
  return new Job({
    metadata: { name, namespace: LOAD_NAMESPACE, labels: managedLabels(labels) },
    spec: {
      ...runs,
      template: {
        metadata: { labels },
        spec: { restartPolicy: 'Never', ...nodeSelectorOf(input.placement.load), ...input.pod },
      },
    },
  });
}

export function buildAgentJob(input: {
  tenant: string;
  placement: Placement;
  cpu?: string;
  agents?: number;
}): Job {
  const name = loadJobName('agent', input.tenant);
  return buildLoadJob({
    driver: 'agent',
    tenant: input.tenant,
    placement: input.placement,
    agents: input.agents,
    pod: {
      containers: [
        {
          name: 'agent',
          image: IMAGES.node,
          imagePullPolicy: 'IfNotPresent',
          command: ['node', `${AGENT_MOUNT}/boot.cjs`, `${AGENT_MOUNT}/config.json`],
          resources: { requests: { cpu: input.cpu ?? '1', memory: '512Mi' } },
          volumeMounts: [{ name: 'agent', mountPath: AGENT_MOUNT, readOnly: true }],
        },
      ],
      // config.json and the bundle from the ConfigMap; headers.json from the Secret, when there is one.
      volumes: [
        {
          name: 'agent',
          projected: {
            sources: [{ configMap: { name } }, { secret: { name, optional: true } }],
          },
        },
      ],
    },
  });
}

/** Fortio's own command line (the seed's): -qps is the total across -c connections. */
export function fortioArgs(schedule: LoadSchedule): string[] {
  const seconds = Math.max(1, Math.round(schedule.durationMs / 1000));
  const args = ['load', '-qps', String(schedule.model === 'open' ? (schedule.rate ?? 0) : 0)];
  args.push('-c', String(schedule.connections), '-t', `${seconds}s`, '-uniform');
  if (schedule.jitter > 0) args.push('-jitter');
  if (schedule.behindSchedule === 'skip') args.push('-nocatchup');
  args.push('-timeout', `${schedule.timeoutMs}ms`, '-json', '-', '-allow-initial-errors');
  // Credential headers come from the Secret through the environment: Kubernetes expands $(VAR) in args.
  const { plain, sensitive } = splitHeaders(schedule.headers);
  for (const [k, v] of Object.entries(plain)) args.push('-H', `${k}: ${v}`);
  for (const [i, k] of Object.keys(sensitive).entries()) args.push('-H', `${k}: $(${fortioHeaderEnv(i)})`);
  args.push(schedule.url);
  return args;
}

const fortioHeaderEnv = (i: number) => `MESHBENCH_HEADER_${i}`;

/** A Fortio Job and, when its schedule has credential headers, their Secret. */
export function buildFortioObjects(input: {
  tenant: string;
  schedule: LoadSchedule;
  startAt: number;
  placement: Placement;
}): KubeObject[] {
  const { sensitive } = splitHeaders(input.schedule.headers);
  const data = Object.fromEntries(Object.values(sensitive).map((v, i) => [`h${i}`, v]));
  return [...buildLoadSecret({ driver: 'fortio', tenant: input.tenant, data }), buildFortioJob(input)];
}

export function buildFortioJob(input: {
  tenant: string;
  schedule: LoadSchedule;
  startAt: number;
  placement: Placement;
}): Job {
  const secret = loadJobName('fortio', input.tenant);
  const { sensitive } = splitHeaders(input.schedule.headers);
  const env = Object.keys(sensitive).map((_k, i) => ({
    name: fortioHeaderEnv(i),
    valueFrom: { secretKeyRef: { name: secret, key: `h${i}` } },
  }));
  return buildLoadJob({
    driver: 'fortio',
    tenant: input.tenant,
    placement: input.placement,
    pod: {
      // Fortio has no start time: the init container holds it until startAt + the tenant's offset.
      initContainers: [waitUntilStart(input.startAt + input.schedule.startOffsetMs)],
      containers: [
        {
          name: 'fortio',
          image: IMAGES.fortio,
          imagePullPolicy: 'IfNotPresent',
          args: fortioArgs(input.schedule),
          ...(env.length ? { env } : {}),
          resources: { requests: { cpu: '1', memory: '256Mi' } },
        },
      ],
    },
  });
}

export function buildAgentObjects(input: {
  tenant: string;
  bundle: AgentBundleData;
  config: AgentConfig;
  placement: Placement;
}): KubeObject[] {
  const { sensitive } = splitHeaders(input.config.schedule.headers);
  const data: Record<string, string> = Object.keys(sensitive).length
    ? { [AGENT_SECRET_HEADERS]: JSON.stringify(sensitive) }
    : {};
  return [
    buildAgentConfigMap(input),
    ...buildLoadSecret({ driver: 'agent', tenant: input.tenant, data }),
    buildAgentJob({ ...input, agents: input.config.schedule.agents }),
  ];
}
