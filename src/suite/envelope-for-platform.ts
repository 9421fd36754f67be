/**
 * The waypoint envelope for one platform (pure): every field the suite sets is either honoured by that
 * platform or refused here, naming the field and the platform — never ignored in silence.
 *
 * local: cpuLimit (modelled or cgroup quota, and the stand-in's workers), memoryLimit (the stand-in's
 *   heap), the three circuit-breaker limits and istioBehaviour (modelled in the stand-in).
 *   cpuRequest/memoryRequest are Kubernetes scheduling reservations: refused.
 * kind/cluster: resources on the waypoint Deployment (Istio derives Envoy's workers from the CPU
 *   limit), the breaker limits as a DestinationRule connectionPool; istioBehaviour follows the Istio version,
 *   so a suite naming the other behaviour is refused.
 */
import type { Issue } from './validate.ts';
import type { PlatformName } from './schema.ts';
import { behaviourOfIstio } from '../topology/istio-release.ts';
import {
  type IstioBehaviour,
  quantityValue,
  type WaypointEnvelope,
  type WaypointEnvelopeSpec,
} from '../topology/schema.ts';

/** The article's Istio: its shared waypoint ran into the 1.24 internal cluster's connection limit. */
export const LOCAL_DEFAULT_ISTIO_BEHAVIOUR: IstioBehaviour = '1.24';
/** Kubernetes requests when the suite gives none (Istio's waypoint template defaults). */
export const KUBE_DEFAULT_REQUESTS = { cpu: '100m', memory: '128Mi' } as const;
/** Least heap the local stand-in starts and runs its warm-up with. */
export const LOCAL_MIN_MEMORY_MI = 128;

const FIELD = 'topology.waypoint';

export function envelopeForPlatform(
  spec: WaypointEnvelopeSpec,
  platform: PlatformName,
  kube?: { istioVersion: string },
): { envelope: WaypointEnvelope; issues: Issue[] } {
  const issues: Issue[] = [];
  if (platform === 'local') {
    for (const field of ['cpuRequest', 'memoryRequest'] as const) {
      if (spec[field] === undefined) continue;
      issues.push({
        path: `${FIELD}.${field}`,
        message:
          'is a Kubernetes scheduling reservation, which the local platform cannot honour (its processes have no scheduler)',
        value: spec[field],
        fix: 'remove it for local runs, or run with --platform kind or cluster',
      });
    }
    if (quantityValue(spec.memoryLimit) < LOCAL_MIN_MEMORY_MI * 2 ** 20)
      issues.push({
        path: `${FIELD}.memoryLimit`,
        message: `is below the ${LOCAL_MIN_MEMORY_MI}Mi the local waypoint stand-in (a Node.js process) needs to run`,
        value: spec.memoryLimit,
        fix: `give at least '${LOCAL_MIN_MEMORY_MI}Mi' (the local platform caps the stand-in's heap at it, unscaled)`,
      });
    const { cpuRequest: _c, memoryRequest: _m, ...honoured } = spec;
    return {
      envelope: { ...honoured, istioBehaviour: spec.istioBehaviour ?? LOCAL_DEFAULT_ISTIO_BEHAVIOUR },
      issues,
    };
  }
  const version = kube?.istioVersion ?? '';
  const follows = behaviourOfIstio(version);
  if (spec.istioBehaviour !== undefined && spec.istioBehaviour !== follows)
    issues.push({
      path: `${FIELD}.istioBehaviour`,
      message: `cannot be honoured on ${platform}: Istio ${version} (platforms.${platform}.istioVersion) behaves as '${follows}'`,
      value: spec.istioBehaviour,
      fix:
        follows === 'current'
          ? `remove it, or pin platforms.${platform}.istioVersion to a 1.24 release (e.g. '1.24.6') to reproduce the internal connection limit`
          : `remove it, or pin platforms.${platform}.istioVersion to 1.25 or later`,
    });
  return {
    envelope: {
      ...spec,
      cpuRequest: spec.cpuRequest ?? KUBE_DEFAULT_REQUESTS.cpu,
      memoryRequest: spec.memoryRequest ?? KUBE_DEFAULT_REQUESTS.memory,
      istioBehaviour: follows,
    },
    issues,
  };
}
