/**
 * What Envoy's worker threads share inside one proxy: the circuit-breaker counters of every upstream
 * cluster, Istio 1.24's internal-cluster connections and the CPU quota. One waypoint stand-in process
 * holds them (ProcessLimits); with several workers, each worker process reaches the primary's over IPC
 * (worker-ipc.ts), so a limit binds the waypoint as a whole, as in Envoy, not each worker.
 */
import { type BreakerDecision, type BreakerLimits, decideBreaker, InternalClusterSlots } from './breaker.ts';
import { CFS_PERIOD_MS } from './model-constants.ts';
import { ModelledCpu } from './modelled-cpu.ts';

/** What one request asks of the shared state, decided in this order (as the proxy does). */
export interface EnterRequest {
  /** Envoy's CPU for this request (modelled; 0 = none). Every request pays it, local replies included. */
  costMs: number;
  /** Istio 1.24: the request opens a load connection, which needs an internal-cluster connection. */
  internal: boolean;
  /** The upstream cluster the request goes to when routed and allowed; undefined for a local reply. */
  cluster?: string;
}

export interface EnterResult {
  /** False: no internal-cluster connection was free (overflow); nothing else was taken. */
  internal: boolean;
  /** The breaker's decision for `cluster`; an admitted request holds its place until finish(cluster). */
  breaker?: BreakerDecision;
}

export interface SharedLimits {
  /** Charges the CPU (waiting for the quota when it is spent), then takes what the request needs. */
  enter(request: EnterRequest): EnterResult | Promise<EnterResult>;
  releaseInternal(): void;
  finish(cluster: string): void;
}

export interface ProcessLimitsConfig {
  limits: BreakerLimits;
  istioBehaviour: '1.24' | 'current';
  modelledCpu?: { cores: number; wakeMs: number };
}

/** The shared state itself, in the process that owns it. */
export class ProcessLimits implements SharedLimits {
  private readonly internal: InternalClusterSlots | null;
  private readonly inflight = new Map<string, { inflight: number }>();
  /** Created by start(), after the warm-up, which is not billed to the quota (as with cgroups). */
  private modelled: ModelledCpu | null = null;

  constructor(private readonly config: ProcessLimitsConfig) {
    this.internal =
      config.istioBehaviour === '1.24' ? new InternalClusterSlots(config.limits.maxConnections) : null;
  }

  enter(request: EnterRequest): EnterResult | Promise<EnterResult> {
    const held = this.modelled?.charge(request.costMs);
    return held ? held.then(() => this.take(request)) : this.take(request);
  }

  /** Takes the internal connection, then the breaker's place, at one instant (nothing runs between). */
  private take(request: EnterRequest): EnterResult {
    if (request.internal && this.internal && !this.internal.tryAcquire()) return { internal: false };
    return request.cluster === undefined
      ? { internal: true }
      : { internal: true, breaker: this.admit(request.cluster) };
  }

  releaseInternal(): void {
    this.internal?.release();
  }

  private admit(cluster: string): BreakerDecision {
    let state = this.inflight.get(cluster);
    if (!state) {
      state = { inflight: 0 };
      this.inflight.set(cluster, state);
    }
    const decision = decideBreaker(state, this.config.limits);
    if (decision.admit) state.inflight++;
    return decision;
  }

  finish(cluster: string): void {
    const state = this.inflight.get(cluster);
    if (state && state.inflight > 0) state.inflight--;
  }

  /** Ends the warm-up: breaker counts forgotten, the modelled quota starts. */
  start(): void {
    this.inflight.clear();
    const m = this.config.modelledCpu;
    if (m) this.modelled = new ModelledCpu({ ...m, periodMs: CFS_PERIOD_MS });
  }

  /** Gauges of the shared state, in the stand-in's stat names. */
  gauges(): Record<string, number> {
    const g: Record<string, number> = {};
    if (this.internal) g.meshbench_internal_cluster_cx_active = this.internal.active;
    if (this.modelled) {
      const m = this.modelled.stats;
      g.meshbench_modelled_cpu_seconds = m.usageSeconds;
      g.meshbench_modelled_cpu_nr_periods = m.periods;
      g.meshbench_modelled_cpu_nr_throttled = m.throttledPeriods;
      g.meshbench_modelled_cpu_throttled_seconds = m.throttledSeconds;
    }
    return g;
  }

  close(): void {
    this.modelled?.close();
  }
}
