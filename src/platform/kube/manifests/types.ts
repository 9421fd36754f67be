/** What every typed manifest is: a kubernetes-models class instance (validates against the real schema). */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: IObjectMeta;
  /** Throws when the object does not match its OpenAPI/CRD schema. */
  validate(): void;
  toJSON(): unknown;
}

/** Labels every object meshbench creates carries; cleanup selects on MANAGED_BY only. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'meshbench';
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

/** Node role label written by the kind config and used for placement. */
export const ROLE_LABEL = 'meshbench.io/role';

/** The namespace of the in-mesh load agents. */
export const LOAD_NAMESPACE = 'meshbench-load';

/** Where things run: nodeSelectors for the waypoints (and productpage) and the load agents. */
export interface Placement {
  waypoints?: Record<string, string>;
  load?: Record<string, string>;
}

export function managedLabels(extra: Record<string, string> = {}): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [PART_OF_LABEL]: 'meshbench', ...extra };
}

/** `{ nodeSelector }` to spread into a pod spec, or nothing when the selector is absent or empty. */
export function nodeSelectorOf(selector: Record<string, string> | undefined): {
  nodeSelector?: Record<string, string>;
} {
  return selector && Object.keys(selector).length ? { nodeSelector: selector } : {};
}

/** The plain JSON of a manifest (what is applied and printed). */
export function manifestJson(o: KubeObject): Record<string, unknown> {
  return JSON.parse(JSON.stringify(o.toJSON())) as Record<string, unknown>;
}
