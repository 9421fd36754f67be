/** One-line facts about a run for report headers (pure). */
import { describeCalibration } from '../result/calibration.ts';
import type { RunResult } from '../result/types.ts';
import { planEnvelope } from '../suite/plan.ts';

export interface RunFacts {
  suite: string;
  description: string;
  id: string;
  platform: string;
  startedAt: string;
  endedAt?: string;
  complete: boolean;
  abort?: string;
  git?: string;
  machine: string;
  load: string;
  stagger: string;
  waypoint: string;
  /** Local platform: how the waypoint CPU quota was derived (one sentence), when recorded. */
  calibration?: string;
  repeats: number;
  notes: string[];
  versions: string;
}

export function runFacts(result: RunResult): RunFacts {
  const { meta, plan } = result;
  const l = plan.load;
  const w = planEnvelope(plan);
  return {
    suite: meta.suite.name,
    description: meta.suite.description,
    id: meta.id,
    platform: meta.platform,
    startedAt: meta.startedAt,
    endedAt: meta.endedAt,
    complete: meta.complete,
    abort: meta.abort ? `${meta.abort.code}: ${meta.abort.reason}` : undefined,
    git: meta.git ? `${meta.git.revision.slice(0, 12)}${meta.git.dirty ? ' (dirty)' : ''}` : undefined,
    machine: `${meta.machine.cpus} × ${meta.machine.cpuModel}, ${Math.round(meta.machine.memoryBytes / 1024 ** 3)} GiB, ${meta.machine.os}, node ${meta.machine.node}`,
    load:
      `${l.model === 'open' ? `${l.rate ?? '?'} req/s per tenant` : 'closed loop'} over ${l.connections} connections, ` +
      `${l.durationMs / 1000} s (${l.warmupMs / 1000} s warm-up), timeout ${l.timeoutMs / 1000} s` +
      (plan.scale !== 1 ? `, scale ${plan.scale}` : ''),
    stagger: plan.tenants.map((t) => `${t.name} +${t.startOffsetMs / 1000} s`).join(', '),
    waypoint: w
      ? `${w.cpuLimit} cores, max connections ${w.maxConnections}, pending ${w.maxPendingRequests}, ` +
        `requests ${w.maxRequests}, Istio behaviour ${w.istioBehaviour}`
      : 'none (no variant has a waypoint)',
    calibration: meta.calibration ? describeCalibration(meta.calibration) : undefined,
    repeats: Math.max(1, ...result.variants.map((v) => v.repeat)),
    notes: meta.notes,
    versions: Object.entries(meta.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  };
}
