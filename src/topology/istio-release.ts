/**
 * Istio release arithmetic (pure), shared by the suite (which behaviour a pinned Istio has) and the
 * Kubernetes platform (which manifests and install path it needs).
 */
import type { IstioBehaviour } from './schema.ts';

export interface IstioVersion {
  major: number;
  minor: number;
  patch: number;
}

export function parseIstioVersion(text: string): IstioVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/** True when `v` is at least major.minor. */
export function istioAtLeast(v: IstioVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Istio 1.25 gave the waypoint's internal clusters unlimited circuit breakers (istio/istio#55083); up to
 * 1.24 they keep Envoy's 1024. An unparsable version counts as current.
 */
export function behaviourOfIstio(version: string): IstioBehaviour {
  const v = parseIstioVersion(version);
  return v && !istioAtLeast(v, 1, 25) ? '1.24' : 'current';
}
