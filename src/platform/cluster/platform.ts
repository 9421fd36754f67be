/**
 * The cluster platform: an existing cluster from a kubeconfig context. It creates only namespaces it labels
 * as its own, deletes only those, and leaves the Istio installation alone unless asked (installIstio).
 */
import { KubePlatform, type KubePlatformOptions } from '../kube/platform.ts';
import type { Platform } from '../types.ts';

export interface ClusterPlatformOptions {
  log?: (line: string) => void;
  /** kubeconfig context; default: the suite's `platforms.cluster.context`, else the current context. */
  context?: string;
  /** kubeconfig path; default: the suite's, else $KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
  /** Install Istio (at the suite's version) when it is absent. */
  installIstio?: boolean;
  driver?: 'agent' | 'fortio';
  kube?: Partial<Pick<KubePlatformOptions, 'skipPreflight' | 'startLeadMs' | 'timeouts' | 'env'>>;
}

export function createClusterPlatform(opts: ClusterPlatformOptions = {}): Platform {
  return new KubePlatform({
    name: 'cluster',
    log: opts.log,
    driver: opts.driver,
    installIstio: opts.installIstio ?? false,
    ...opts.kube,
    async ensureCluster(plan) {
      return {
        context: opts.context ?? plan.kube?.context,
        kubeconfig: opts.kubeconfig ?? plan.kube?.kubeconfig,
      };
    },
  });
}
