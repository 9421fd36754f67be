import { describe, expect, it } from 'vitest';
import {
  cgroupCandidates,
  parseCgroupSections,
  parseCpuStat,
} from '../../../../src/platform/kube/parse-cgroup.ts';

describe('cgroup files of a kind node', () => {
  it('lists the kubelet layouts for a container (systemd and cgroupfs drivers, by QoS class)', () => {
    const paths = cgroupCandidates({
      podUid: '0f6a4bd5-3a0e',
      qosClass: 'Burstable',
      containerId: 'containerd://5b1f',
    });
    expect(paths[0]).toBe(
      '/sys/fs/cgroup/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod0f6a4bd5_3a0e.slice/cri-containerd-5b1f.scope/cpu.stat',
    );
    expect(paths).toContain('/sys/fs/cgroup/kubelet/kubepods/burstable/pod0f6a4bd5-3a0e/5b1f/cpu.stat');
    const g = cgroupCandidates({ podUid: 'u-1', qosClass: 'Guaranteed', containerId: 'abc' });
    expect(g[0]).toBe(
      '/sys/fs/cgroup/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-podu_1.slice/cri-containerd-abc.scope/cpu.stat',
    );
  });

  it('reads cgroup v2 cpu.stat', () => {
    const s = parseCpuStat(
      'usage_usec 812441298\nuser_usec 700000000\nsystem_usec 112441298\nnr_periods 12887\nnr_throttled 4121\nthrottled_usec 311927000\n',
    );
    expect(s).toEqual({
      cpuSeconds: 812.441298,
      periods: 12887,
      throttledPeriods: 4121,
      throttledSeconds: 311.927,
    });
    expect(parseCpuStat('')).toEqual({});
  });

  it('splits the reader output by file', () => {
    const m = parseCgroupSections('== /a/cpu.stat\nusage_usec 1\n== /b/cpu.stat\nusage_usec 2\n');
    expect([...m.keys()]).toEqual(['/a/cpu.stat', '/b/cpu.stat']);
    expect(parseCpuStat(m.get('/b/cpu.stat')!).cpuSeconds).toBe(0.000002);
  });
});
