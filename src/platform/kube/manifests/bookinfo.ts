/**
 * Bookinfo from the project's own typed manifests (pinned images; not the upstream YAML): Services on
 * 9080, ServiceAccounts bookinfo-<svc>, Deployments details-v1, ratings-v1, reviews-v1..v3, productpage-v1.
 */
import { Deployment } from 'kubernetes-models/apps/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';
import { BOOKINFO_PORT, BOOKINFO_SERVICES, type Topology } from '../../../topology/model.ts';
import { IMAGES } from '../istio-version.ts';
import { USE_WAYPOINT_LABEL, namespaceWaypoint, useWaypointLabels } from './namespaces.ts';
import { type KubeObject, type Placement, managedLabels, nodeSelectorOf } from './types.ts';

const VERSIONS: Record<string, string[]> = {
  productpage: ['v1'],
  details: ['v1'],
  reviews: ['v1', 'v2', 'v3'],
  ratings: ['v1'],
};

/**
 * Service-level use-waypoint labels where a service differs from its namespace (per-service variant):
 * its own waypoint, or `none` to opt out.
 */
export function serviceWaypointLabels(
  topology: Topology | undefined,
  namespace: string,
  service: string,
): Record<string, string> {
  if (!topology) return {};
  const nsRef = namespaceWaypoint(topology, namespace);
  const binding = topology.bindings.find((b) => b.namespace === namespace && b.service === service);
  const ref = binding?.waypoint ?? null;
  const same = ref && nsRef ? ref.namespace === nsRef.namespace && ref.name === nsRef.name : ref === nsRef;
  if (same) return {};
  if (!ref) return { [USE_WAYPOINT_LABEL]: 'none' };
  return useWaypointLabels(namespace, ref);
}

export function buildBookinfoService(namespace: string, service: string, topology?: Topology): Service {
  return new Service({
    metadata: {
      name: service,
      namespace,
      labels: managedLabels({
        app: service,
        service,
        ...serviceWaypointLabels(topology, namespace, service),
      }),
    },
    spec: {
      selector: { app: service },
      ports: [{ name: 'http', port: BOOKINFO_PORT, targetPort: BOOKINFO_PORT, protocol: 'TCP' }],
    },
  });
}

function buildDeployment(
  namespace: string,
  service: string,
  version: string,
  istioVersion: string,
  placement: Placement,
): Deployment {
  const labels = { app: service, version };
  const reviews = service === 'reviews';
  const volumes = [{ name: 'tmp', emptyDir: {} }, ...(reviews ? [{ name: 'wlp-output', emptyDir: {} }] : [])];
  const mounts = [
    { name: 'tmp', mountPath: '/tmp' },
    ...(reviews ? [{ name: 'wlp-output', mountPath: '/opt/ibm/wlp/output' }] : []),
  ];
  // productpage sits on the waypoint node, co-located as in the article.
  const nodeSelector = service === 'productpage' ? placement.waypoints : undefined;
  return new Deployment({
    metadata: { name: `${service}-${version}`, namespace, labels: managedLabels(labels) },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: `bookinfo-${service}`,
          ...nodeSelectorOf(nodeSelector),
          containers: [
            {
              name: service,
              image: IMAGES.bookinfo(service, version, istioVersion),
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: BOOKINFO_PORT }],
              ...(reviews ? { env: [{ name: 'LOG_DIR', value: '/tmp/logs' }] } : {}),
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
              readinessProbe: { tcpSocket: { port: BOOKINFO_PORT }, periodSeconds: 2 },
              securityContext: { runAsUser: 1000 },
              volumeMounts: mounts,
            },
          ],
          volumes,
        },
      },
    },
  });
}

/** Every Bookinfo object of one namespace; with a topology, Services carry its per-service labels. */
export function buildBookinfo(input: {
  namespace: string;
  istioVersion: string;
  placement: Placement;
  topology?: Topology;
}): KubeObject[] {
  const { namespace, istioVersion, placement, topology } = input;
  const out: KubeObject[] = [];
  for (const service of BOOKINFO_SERVICES) {
    out.push(
      new ServiceAccount({
        metadata: { name: `bookinfo-${service}`, namespace, labels: managedLabels({ account: service }) },
      }),
    );
    out.push(buildBookinfoService(namespace, service, topology));
    for (const version of VERSIONS[service])
      out.push(buildDeployment(namespace, service, version, istioVersion, placement));
  }
  return out;
}

/** Deployment names of Bookinfo (what readiness waits on). */
export function bookinfoDeployments(): string[] {
  return BOOKINFO_SERVICES.flatMap((s) => VERSIONS[s].map((v) => `${s}-${v}`));
}
