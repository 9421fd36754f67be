/**
 * Cleanup that only ever touches meshbench's own objects: namespaces labelled
 * app.kubernetes.io/managed-by=meshbench (checked again on each object, not only by the server's
 * filter), and stale meshbench Gateways when a variant changes.
 */
import type { KubeClient } from './client.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, MANAGED_SELECTOR } from './manifests/types.ts';
import { waitUntil } from './wait.ts';

function isManaged(o: { metadata?: { labels?: Record<string, string> } }): boolean {
  return o.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

/** Deletes every meshbench namespace (optionally waits until they are gone); returns their names. */
export async function deleteManagedNamespaces(
  client: KubeClient,
  opts: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<string[]> {
  const list = await client.list('v1', 'Namespace', { labelSelector: MANAGED_SELECTOR });
  const names = list.filter(isManaged).map((n) => n.metadata?.name as string);
  for (const name of names) {
    opts.log?.(`deleting namespace ${name}`);
    await client.delete('v1', 'Namespace', undefined, name);
  }
  if (opts.waitMs && names.length) {
    await waitUntil(
      `namespaces ${names.join(', ')} to be deleted`,
      async () => {
        const left = (await client.list('v1', 'Namespace', { labelSelector: MANAGED_SELECTOR })).filter(
          isManaged,
        );
        return { done: left.length === 0, detail: `${left.length} left` };
      },
      {
        timeoutMs: opts.waitMs,
        fix: 'kubectl get ns -l app.kubernetes.io/managed-by=meshbench; look for stuck finalizers',
      },
    );
  }
  return names;
}

/** Deletes meshbench Gateways in `namespaces` that the current variant does not have. */
export async function deleteStaleGateways(
  client: KubeClient,
  input: {
    namespaces: string[];
    keep: Array<{ namespace: string; name: string }>;
    log?: (line: string) => void;
  },
): Promise<string[]> {
  const keep = new Set(input.keep.map((w) => `${w.namespace}/${w.name}`));
  const deleted: string[] = [];
  for (const ns of input.namespaces) {
    const gws = await client.list('gateway.networking.k8s.io/v1', 'Gateway', {
      namespace: ns,
      labelSelector: MANAGED_SELECTOR,
    });
    for (const gw of gws.filter(isManaged)) {
      const key = `${ns}/${gw.metadata?.name}`;
      if (keep.has(key)) continue;
      input.log?.(`deleting waypoint ${key} (not in this variant)`);
      await client.delete('gateway.networking.k8s.io/v1', 'Gateway', ns, gw.metadata?.name as string);
      deleted.push(key);
    }
  }
  return deleted;
}
