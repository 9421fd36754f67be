/**
 * Per-container cgroup files on a kind node (pure): where a container's cpu.stat lives and what it says.
 * The kubelet's Summary API refreshes only every ~10 s; the node's cgroup files give second-level CPU.
 * Paths follow the kubelet's layouts (systemd and cgroupfs drivers, cgroup v2, kind's /kubelet root);
 * UNVERIFIED on a live kind node: the sampler falls back to the Summary API when none is found.
 */

export interface CgroupTarget {
  podUid: string;
  /** Guaranteed, Burstable or BestEffort (pod.status.qosClass). */
  qosClass?: string;
  /** containerd://<id> or <id>. */
  containerId: string;
}

export function cgroupCandidates(t: CgroupTarget): string[] {
  const id = t.containerId.replace(/^[a-z]+:\/\//, '');
  const qos = (t.qosClass ?? 'Burstable').toLowerCase();
  const uid = t.podUid.replace(/-/g, '_');
  const base = '/sys/fs/cgroup';
  const systemdPod =
    qos === 'guaranteed'
      ? `kubelet-kubepods-pod${uid}.slice`
      : `kubelet-kubepods-${qos}.slice/kubelet-kubepods-${qos}-pod${uid}.slice`;
  const cgroupfsPod = qos === 'guaranteed' ? `pod${t.podUid}` : `${qos}/pod${t.podUid}`;
  return [
    `${base}/kubelet.slice/kubelet-kubepods.slice/${systemdPod}/cri-containerd-${id}.scope/cpu.stat`,
    `${base}/kubepods.slice/${systemdPod.replace(/kubelet-kubepods/g, 'kubepods')}/cri-containerd-${id}.scope/cpu.stat`,
    `${base}/kubelet/kubepods/${cgroupfsPod}/${id}/cpu.stat`,
    `${base}/kubepods/${cgroupfsPod}/${id}/cpu.stat`,
  ];
}

export interface CpuStat {
  cpuSeconds?: number;
  periods?: number;
  throttledPeriods?: number;
  throttledSeconds?: number;
}

/** cgroup v2 cpu.stat (usage_usec, nr_periods, nr_throttled, throttled_usec). */
export function parseCpuStat(text: string): CpuStat {
  const kv = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) kv.set(k, Number(v));
  }
  const out: CpuStat = {};
  if (kv.has('usage_usec')) out.cpuSeconds = kv.get('usage_usec')! / 1e6;
  if (kv.has('nr_periods')) out.periods = kv.get('nr_periods');
  if (kv.has('nr_throttled')) out.throttledPeriods = kv.get('nr_throttled');
  if (kv.has('throttled_usec')) out.throttledSeconds = kv.get('throttled_usec')! / 1e6;
  return out;
}

/** Output of the reader script: `== <path>` then the file, per readable path. */
export function parseCgroupSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  let body: string[] = [];
  const flush = () => {
    if (current) out.set(current, body.join('\n'));
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('== ')) {
      flush();
      current = line.slice(3);
      body = [];
    } else body.push(line);
  }
  flush();
  return out;
}

/** A constant script; the paths travel as its arguments (never spliced into the script). */
export const CGROUP_READER_SCRIPT = 'for f in "$@"; do if [ -r "$f" ]; then echo "== $f"; cat "$f"; fi; done';
