/** The kind platform: a local kind cluster (created or reused by name), Istio ambient installed at the suite's version. */
import { kindCgroupReader } from '../kube/cgroup-reader.ts';
import { KubePlatform, type KubePlatformOptions } from '../kube/platform.ts';
import { IMAGES } from '../kube/istio-version.ts';
import { kubeSettings } from '../kube/placement.ts';
import type { Platform } from '../types.ts';
import { KIND_CONFIG, ensureKindCluster, preloadImage } from './cluster.ts';

export interface KindPlatformOptions {
  log?: (line: string) => void;
  /** kind cluster config (default fixtures/kind/cluster.yaml). */
  config?: string;
  driver?: 'agent' | 'fortio';
  /** Internal/testing knobs shared with the cluster platform. */
  kube?: Partial<Pick<KubePlatformOptions, 'skipPreflight' | 'startLeadMs' | 'timeouts' | 'env'>>;
}

export function createKindPlatform(opts: KindPlatformOptions = {}): Platform {
  return new KubePlatform({
    name: 'kind',
    log: opts.log,
    driver: opts.driver,
    installIstio: true,
    cgroupReader: kindCgroupReader,
    ...opts.kube,
    async ensureCluster(plan, io) {
      const { clusterName: name, driver: suiteDriver } = kubeSettings(plan);
      const { context, created } = await ensureKindCluster({
        name,
        config: opts.config ?? KIND_CONFIG,
        signal: io.signal,
        log: io.log,
      });
      const driver = opts.driver ?? suiteDriver;
      // The load image must be on the load node before the coordinated start.
      await preloadImage({ name, image: driver === 'fortio' ? IMAGES.fortio : IMAGES.node, log: io.log });
      if (driver === 'fortio') await preloadImage({ name, image: IMAGES.node, log: io.log });
      return { context, notes: [`kind cluster ${name} ${created ? 'created' : 'reused'}`] };
    },
  });
}
