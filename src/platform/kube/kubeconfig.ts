/**
 * Reading a kubeconfig (effect: file system). Problems become MeshbenchError KUBECONFIG naming the path,
 * the problem and the fix; no message ever carries a credential (only names and line numbers).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { MeshbenchError } from '../../errors.ts';

export interface KubeConfigSource {
  /** Explicit path (suite `kubeconfig` or flag); else $KUBECONFIG's first entry, else ~/.kube/config. */
  path?: string;
  /** Context to use; else the file's current-context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
}

export function resolveKubeconfigPath(src: KubeConfigSource): string {
  if (src.path) return src.path;
  const env = src.env?.KUBECONFIG ?? process.env.KUBECONFIG;
  const first = env?.split(delimiter).find((p) => p.trim() !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

const FIX_CREATE =
  "create a cluster (`kind create cluster`), or point KUBECONFIG / the suite's kubeconfig at a valid file";

export async function readKubeConfig(
  src: KubeConfigSource = {},
): Promise<{ kc: KubeConfig; path: string; context: string }> {
  const path = resolveKubeconfigPath(src);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new MeshbenchError(
      'KUBECONFIG',
      `kubeconfig ${path} cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        input: 'kubeconfig',
        value: path,
        fix: FIX_CREATE,
      },
    );
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (cause) {
    const line = (cause as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new MeshbenchError(
      'KUBECONFIG',
      `kubeconfig ${path} is not valid YAML${line ? ` (line ${line})` : ''}`,
      {
        input: 'kubeconfig',
        value: path,
        fix: 'repair the file (`kubectl config view` shows what kubectl can read) or regenerate it',
      },
    );
  }
  if (!doc || typeof doc !== 'object') {
    throw new MeshbenchError('KUBECONFIG', `kubeconfig ${path} is empty`, {
      input: 'kubeconfig',
      value: path,
      fix: FIX_CREATE,
    });
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (cause) {
    // client-node's message names fields only, but keep just its first line to be safe.
    const first = String((cause as Error).message ?? cause)
      .split('\n')[0]
      .replace(/(token|password|key-data)[^,;]*/gi, '$1 …');
    throw new MeshbenchError('KUBECONFIG', `kubeconfig ${path} is not a valid kubeconfig: ${first}`, {
      input: 'kubeconfig',
      value: path,
      fix: 'check it with `kubectl config view`; each context needs a cluster and a user',
    });
  }
  const names = kc.getContexts().map((c) => c.name);
  const context = src.context ?? kc.getCurrentContext();
  if (!context) {
    throw new MeshbenchError('KUBECONFIG', `kubeconfig ${path} has no current context`, {
      input: 'kubeconfig',
      value: path,
      fix: names.length
        ? `pick one: kubectl config use-context ${names[0]} (contexts: ${names.join(', ')})`
        : FIX_CREATE,
    });
  }
  if (!names.includes(context)) {
    throw new MeshbenchError('KUBECONFIG', `kubeconfig ${path} has no context "${context}"`, {
      input: 'context',
      value: context,
      fix: names.length ? `use one of: ${names.join(', ')}` : FIX_CREATE,
    });
  }
  kc.setCurrentContext(context);
  if (!kc.getCurrentCluster()) {
    throw new MeshbenchError(
      'KUBECONFIG',
      `kubeconfig ${path}: context "${context}" names a cluster that is not defined`,
      {
        input: 'context',
        value: context,
        fix: 'add the cluster entry or fix the context (`kubectl config view`)',
      },
    );
  }
  return { kc, path, context };
}
