/**
 * Envoy circuit breakers for one upstream cluster (pure state and decisions). HTTP/1.1 upstream:
 * one request per connection, so requests beyond max_connections wait as pending.
 */

export interface BreakerLimits {
  maxConnections: number;
  maxPendingRequests: number;
  maxRequests: number;
}

export interface BreakerState {
  /** Requests admitted and not finished (on a connection or pending for one). */
  inflight: number;
}

export type BreakerDecision =
  | {
      admit: true /** True when every connection is busy: Envoy counts upstream_cx_overflow. */;
      cxOverflow: boolean;
    }
  | { admit: false; counter: 'upstream_rq_pending_overflow'; cxOverflow: boolean };

/** Decides one new request; the caller increments `inflight` when admitted and decrements it when done. */
export function decideBreaker(state: BreakerState, limits: BreakerLimits): BreakerDecision {
  const cxOverflow = state.inflight >= limits.maxConnections;
  // max_requests overflow and pending overflow both fail as upstream_rq_pending_overflow in HTTP/1.
  if (state.inflight >= limits.maxRequests)
    return { admit: false, counter: 'upstream_rq_pending_overflow', cxOverflow };
  const pending = state.inflight - limits.maxConnections;
  if (cxOverflow && pending >= limits.maxPendingRequests)
    return { admit: false, counter: 'upstream_rq_pending_overflow', cxOverflow };
  return { admit: true, cxOverflow };
}

/**
 * Istio ≤ 1.24's `main_internal` cluster: every downstream connection holds one internal upstream
 * connection, at most `maxConnections` at once (Envoy's 1024 default, scaled).
 */
export class InternalClusterSlots {
  private held = 0;
  constructor(readonly max: number) {}
  get active(): number {
    return this.held;
  }
  tryAcquire(): boolean {
    if (this.held >= this.max) return false;
    this.held++;
    return true;
  }
  release(): void {
    if (this.held > 0) this.held--;
  }
}
