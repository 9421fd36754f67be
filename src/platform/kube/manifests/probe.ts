/**
 * The preflight probe Jobs (pure): a stock Node pod in the mesh sends each probe request once and prints
 * the answers between markers; one Job per source namespace (the load's own, and an outsider no policy
 * allows). Credential headers travel in a Secret, as the load's do.
 */
import { Job } from 'kubernetes-models/batch/v1';
import { Namespace } from 'kubernetes-models/v1';
import { jsonBetweenMarkers } from '../../../load/agent/protocol.ts';
import { OUTSIDER_NAMESPACE } from '../../../topology/preflight.ts';
import { IMAGES } from '../istio-version.ts';
import { buildHeaderSecret, splitHeaders } from './load.ts';
import { AMBIENT_LABEL } from './namespaces.ts';
import { type KubeObject, type Placement, managedLabels, nodeSelectorOf } from './types.ts';

export const PROBE_RESULT_BEGIN = '----- meshbench-probe-result-begin -----';
export const PROBE_RESULT_END = '----- meshbench-probe-result-end -----';
export const PROBE_JOB = 'meshbench-preflight';
export const PROBE_ROLE_LABEL = 'meshbench.io/preflight';

/** One request a probe pod sends. */
export interface ProbeRequest {
  id: string;
  url: string;
  method: string;
  headers: Record<string, string>;
}

/** What the pod saw for one request: the status, Envoy's server header and the body's first bytes. */
export interface ProbeAnswer {
  id: string;
  status: number | null;
  server?: string;
  body?: string;
  error?: string;
}

/**
 * Runs in the pod (`node -e`): Node 20's fetch, 5 s per request, one at a time. Secret headers arrive as
 * JSON in MESHBENCH_PROBE_SECRETS ({id: {name: value}}), the rest in MESHBENCH_PROBES.
 */
export const PROBE_SCRIPT = [
  'const probes = JSON.parse(process.env.MESHBENCH_PROBES);',
  "const secrets = JSON.parse(process.env.MESHBENCH_PROBE_SECRETS || '{}');",
  'const out = [];',
  '(async () => {',
  '  for (const p of probes) {',
  '    try {',
  "      const body = p.method === 'GET' || p.method === 'HEAD' ? undefined : 'meshbench preflight';",
  '      const r = await fetch(p.url, { method: p.method, headers: { ...p.headers, ...(secrets[p.id] || {}) }, body, signal: AbortSignal.timeout(5000) });',
  "      out.push({ id: p.id, status: r.status, server: r.headers.get('server') || undefined, body: (await r.text()).slice(0, 64) });",
  '    } catch (e) {',
  '      out.push({ id: p.id, status: null, error: String((e && e.cause && e.cause.code) || (e && e.message) || e) });',
  '    }',
  '  }',
  `  console.log(${JSON.stringify(PROBE_RESULT_BEGIN)});`,
  '  console.log(JSON.stringify(out));',
  `  console.log(${JSON.stringify(PROBE_RESULT_END)});`,
  '})();',
].join('\n');

/** The outsider namespace: in the mesh (so its identity is known) and in no policy's allowed sources. */
export function buildOutsiderNamespace(): Namespace {
  return new Namespace({
    metadata: { name: OUTSIDER_NAMESPACE, labels: managedLabels({ [AMBIENT_LABEL]: 'ambient' }) },
  });
}

/** A probe Job in `namespace` sending `requests`, and the Secret of their credential headers if any. */
export function buildProbeObjects(input: {
  namespace: string;
  requests: readonly ProbeRequest[];
  placement: Placement;
}): KubeObject[] {
  const secrets: Record<string, Record<string, string>> = {};
  const plain = input.requests.map((r) => {
    const { plain, sensitive } = splitHeaders(r.headers);
    if (Object.keys(sensitive).length) secrets[r.id] = sensitive;
    return { ...r, headers: plain };
  });
  const hasSecrets = Object.keys(secrets).length > 0;
  const labels = { [PROBE_ROLE_LABEL]: 'probe' };
  const secret = buildHeaderSecret({
    name: PROBE_JOB,
    namespace: input.namespace,
    labels,
    data: hasSecrets ? { 'headers.json': JSON.stringify(secrets) } : {},
  });
  const job = new Job({
    metadata: { name: PROBE_JOB, namespace: input.namespace, labels: managedLabels(labels) },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          ...nodeSelectorOf(input.placement.load),
          containers: [
            {
              name: 'probe',
              image: IMAGES.node,
              imagePullPolicy: 'IfNotPresent',
              command: ['node', '-e', PROBE_SCRIPT],
              env: [
                { name: 'MESHBENCH_PROBES', value: JSON.stringify(plain) },
                ...(hasSecrets
                  ? [
                      {
                        name: 'MESHBENCH_PROBE_SECRETS',
                        valueFrom: { secretKeyRef: { name: PROBE_JOB, key: 'headers.json' } },
                      },
                    ]
                  : []),
              ],
              resources: { requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  });
  return [...secret, job];
}

/** The answers between the markers of a probe pod's log; undefined when they are missing or cut off. */
export function parseProbeAnswers(log: string): ProbeAnswer[] | undefined {
  const parsed = jsonBetweenMarkers(log, PROBE_RESULT_BEGIN, PROBE_RESULT_END);
  return Array.isArray(parsed) ? (parsed as ProbeAnswer[]) : undefined;
}
