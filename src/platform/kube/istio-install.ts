/**
 * Istio ambient and the Gateway API CRDs (effects): CRDs applied when absent, Istio installed with the
 * pinned istioctl (cache first, then $PATH) or Helm, then istiod and ztunnel awaited.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { MeshbenchError } from '../../errors.ts';
import type { WaypointEnvelope } from '../../suite/schema.ts';
import type { KubeClient } from './client.ts';
import { findIstioctl } from './doctor.ts';
import { gatewayApiInstallUrl, istiodTag } from './istio-version.ts';
import { buildInstallValues, buildIstioOperator } from './manifests/install.ts';
import { manifestJson, type Placement } from './manifests/types.ts';
import { probeTool, runTool } from './subprocess.ts';
import { waitForDaemonSetReady, waitForDeploymentAvailable } from './wait.ts';

export interface InstallInput {
  client: KubeClient;
  /** kubeconfig context the CLIs use. */
  context: string;
  istioVersion: string;
  envelope: WaypointEnvelope | undefined;
  placement: Placement;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function ensureGatewayApiCrds(
  input: InstallInput & { install?: boolean },
): Promise<'present' | 'installed'> {
  const crd = await input.client.get(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    undefined,
    'gateways.gateway.networking.k8s.io',
  );
  if (crd) return 'present';
  if (input.install === false) {
    throw new MeshbenchError(
      'PLATFORM_UNAVAILABLE',
      `the Gateway API CRDs are not installed in context ${input.context}`,
      {
        fix: `kubectl apply --server-side -f ${gatewayApiInstallUrl(input.istioVersion)} (or run with --install-istio)`,
      },
    );
  }
  await runTool(
    'kubectl',
    ['--context', input.context, 'apply', '--server-side', '-f', gatewayApiInstallUrl(input.istioVersion)],
    { signal: input.signal, log: input.log },
  );
  return 'installed';
}

/** The version istiod runs (its image tag), or undefined when Istio is not installed. */
export async function readIstioVersion(client: KubeClient): Promise<string | undefined> {
  return istiodTag(await client.get('apps/v1', 'Deployment', 'istio-system', 'istiod'));
}

export async function installIstio(input: InstallInput): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'meshbench-istio-'));
  try {
    const istioctl = await findIstioctl(input.istioVersion);
    const probe = await probeTool(istioctl, ['version', '--remote=false', '--short']);
    if (!probe.missing && probe.exitCode === 0) {
      const file = join(dir, 'istio-operator.yaml');
      await writeFile(file, stringify(manifestJson(buildIstioOperator(input))));
      await runTool(istioctl, ['install', '--skip-confirmation', '--context', input.context, '-f', file], {
        signal: input.signal,
        log: input.log,
        timeoutMs: 900_000,
      });
    } else {
      const values = join(dir, 'values.yaml');
      await writeFile(values, stringify(buildInstallValues(input)));
      const helm = (args: string[]) =>
        runTool('helm', [...args, '--kube-context', input.context], {
          signal: input.signal,
          log: input.log,
          timeoutMs: 900_000,
        });
      await runTool(
        'helm',
        ['repo', 'add', 'istio', 'https://istio-release.storage.googleapis.com/charts', '--force-update'],
        { signal: input.signal, log: input.log },
      );
      const common = ['-n', 'istio-system', '--version', input.istioVersion, '--wait'];
      await helm(['upgrade', '--install', 'istio-base', 'istio/base', '--create-namespace', ...common]);
      await helm([
        'upgrade',
        '--install',
        'istiod',
        'istio/istiod',
        '--set',
        'profile=ambient',
        '-f',
        values,
        ...common,
      ]);
      await helm(['upgrade', '--install', 'istio-cni', 'istio/cni', '--set', 'profile=ambient', ...common]);
      await helm(['upgrade', '--install', 'ztunnel', 'istio/ztunnel', ...common]);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function waitForIstio(
  input: Pick<InstallInput, 'client' | 'signal'> & { timeoutMs: number },
): Promise<void> {
  await waitForDeploymentAvailable(input.client, 'istio-system', 'istiod', input);
  await waitForDaemonSetReady(input.client, 'istio-system', 'ztunnel', input);
}
