/** Version-dependent facts about Istio (pure); see shared/reference/istio-ambient-kind.md. */
import {
  behaviourOfIstio,
  type IstioVersion,
  istioAtLeast,
  parseIstioVersion,
} from '../../topology/istio-release.ts';
import type { KubeJson } from './client.ts';

function must(text: string): IstioVersion {
  const v = parseIstioVersion(text);
  if (!v) throw new Error(`not an Istio version: ${text}`);
  return v;
}

/** Per-Gateway ConfigMap (spec.infrastructure.parametersRef) exists from 1.26; older: install values. */
export function supportsGatewayParameters(istio: string): boolean {
  return istioAtLeast(must(istio), 1, 26);
}

/** Up to 1.24 the waypoint's internal clusters keep Envoy's 1024 defaults (fixed in 1.25). */
export function hasInternalConnectionLimit(istio: string): boolean {
  must(istio);
  return behaviourOfIstio(istio) === '1.24';
}

/** Bookinfo image tag matching the Istio release's samples. */
export function bookinfoTag(istio: string): string {
  return istioAtLeast(must(istio), 1, 26) ? '1.20.3' : '1.20.2';
}

/** Gateway API standard-channel release Istio builds against. */
export function gatewayApiVersion(istio: string): string {
  const v = must(istio);
  if (istioAtLeast(v, 1, 28)) return 'v1.4.1';
  if (istioAtLeast(v, 1, 26)) return 'v1.3.0';
  return 'v1.2.1';
}

export function gatewayApiInstallUrl(istio: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${gatewayApiVersion(istio)}/standard-install.yaml`;
}

/** Pinned images (digest-free tags, kept in one place). */
export const IMAGES = {
  node: 'docker.io/library/node:20.19.5-alpine3.22',
  fortio: 'docker.io/fortio/fortio:1.69.5',
  bookinfo: (service: string, version: string, istio: string) =>
    `docker.io/istio/examples-bookinfo-${service}-${version}:${bookinfoTag(istio)}`,
} as const;

/** The tag of istiod's image (the Istio version it runs), or undefined when the Deployment has no image. */
export function istiodTag(istiod: KubeJson | undefined): string | undefined {
  const spec = istiod?.spec as
    | { template?: { spec?: { containers?: Array<{ image?: string }> } } }
    | undefined;
  const image = spec?.template?.spec?.containers?.[0]?.image;
  return image ? image.split(':').pop() : undefined;
}
