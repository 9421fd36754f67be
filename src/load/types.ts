/** The LoadDriver seam: every driver (paced engine, autocannon, in-cluster agent, Fortio) returns a LoadResult. */
import type { EncodedHistogram } from '../metrics/histogram.ts';

/** One tenant's schedule: what to send, how fast, for how long. Times in ms. */
export interface LoadSchedule {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  model: 'open' | 'closed';
  /** Total requests per second across all connections (open model). */
  rate?: number;
  connections: number;
  durationMs: number;
  /** Delay from the driver's common start before this schedule begins (the stagger). */
  startOffsetMs: number;
  /** Leading part excluded from the histograms (still counted in `warmup`). */
  warmupMs: number;
  timeoutMs: number;
  behindSchedule: 'catch-up' | 'skip';
  /** Random jitter as a fraction of the per-connection interval (0 = none). */
  jitter: number;
  /** Worker threads; 'auto' picks from the rate. */
  workers?: number | 'auto';
  /** HTTP client of the paced engine: 'raw' (default; lean raw-socket HTTP/1.1) or 'undici'. */
  client?: 'raw' | 'undici';
  /**
   * Run the engine in a worker thread even when one worker suffices, so the caller's own work (sampling,
   * the live display, its garbage collection) never delays a send. The local platform sets it; a local load
   * agent process, which has no such work, ignores it.
   */
  thread?: boolean;
  /**
   * Load agents sharing this tenant's schedule (default 1): separate processes, or pods on Kubernetes, each
   * driving every agents-th connection with the connection's global phase, so together they send exactly the
   * one-agent schedule. Their results merge exactly (merge-agents.ts).
   */
  agents?: number;
  /** Set in an agent's copy of the schedule: it drives connections i with i mod `of` = `index`. */
  shard?: { index: number; of: number };
}

/** One agent's share of a tenant's run, as result.json keeps it beside the merged figures. */
export interface AgentFacts {
  index: number;
  connections: number;
  /** Its share of the offered rate (req/s). */
  rate?: number;
  achievedRps: number;
  completed: number;
  errors: number;
  /** When its first request was due (epoch ms): the agents' start spread shows here. */
  startedAt: number;
  /** Schedule lag p99 and max, ms. */
  lagP99Ms: number;
  maxLagMs: number;
  /** Why it left no result (the tenant's result is then incomplete). */
  failed?: string;
}

/** Counts by outcome class. `status` holds every non-2xx HTTP status by code. */
export interface OutcomeCounts {
  ok: number;
  status: Record<string, number>;
  timeout: number;
  reset: number;
  refused: number;
  /** Requests the skip policy dropped because their connection was behind. */
  skipped: number;
  /**
   * Requests sent but cut off unanswered because the run was stopped (abort signal, or the engine's backstop);
   * measured window only. Absent when none. intended = completed + skipped + aborted (+ unsent on a failure).
   */
  aborted?: number;
  /** Socket errors that are none of the above (DNS, malformed HTTP, …), by error code. */
  other: Record<string, number>;
  /** The 2xx successes by status code (e.g. {"200": n}); optional for drivers that cannot tell. */
  okByStatus?: Record<string, number>;
}

/** One second of a tenant's run (time relative to the tenant's own start). */
export interface SecondSample {
  /** Seconds since this tenant started (0-based, the second's start). */
  t: number;
  /** Requests whose intended start fell in this second and that completed. */
  completed: number;
  /**
   * Of `completed`, those in the measured window (after the warm-up): equal to `completed` in measured seconds,
   * 0 in warm-up seconds, in between in the second the warm-up ends in. They add up to requests.completed.
   * Optional: drivers that cannot tell leave it out.
   */
  measured?: number;
  ok: number;
  errors: number;
  /** Intended-start latency of successes this second. */
  histogram: EncodedHistogram;
  /** True for seconds that lie wholly inside the warm-up (a second the warm-up ends in is not warm-up). */
  warmup: boolean;
}

/** Late and unsent requests by cause, measured window only. */
export interface Lateness {
  /** A request is late when sent more than this many ms after its intended start, or never sent. */
  lateMs: number;
  /** Late or never-sent requests whose connection was still busy (backpressure part ≥ generator part). */
  backpressure: number;
  /** Late or never-sent requests whose connection was free while the engine was late. */
  generator: number;
  /** Bound on a sent request's generator part for `generatorLate`, ms. */
  generatorLateMs: number;
  /** Sent requests whose generator part exceeded generatorLateMs, plus never-sent requests blamed on the generator. */
  generatorLate: number;
  /** Of `generatorLate`, the never-sent ones (skipped or unsent at the end); 0 when absent. */
  generatorUnsent?: number;
  /** Generator part of each sent request's lag, µs. */
  generatorLag: EncodedHistogram;
}

export interface LoadResult {
  schedule: LoadSchedule;
  driver: 'paced' | 'autocannon' | 'agent' | 'fortio';
  /** Epoch ms when the schedule's first request was due (after the start offset). */
  startedAt: number;
  endedAt: number;
  /** Measured window (after warm-up) length in ms. */
  measuredMs: number;
  requests: {
    /** Requests due in the measured window (open model). */
    intended: number;
    /** Requests written to a socket in the measured window. */
    sent: number;
    /** Requests that got an answer or an error in the measured window. */
    completed: number;
    /** Requests in the warm-up, excluded from everything below. */
    warmup: number;
  };
  outcomes: OutcomeCounts;
  /** Completed requests per second over the measured window. */
  achievedRps: number;
  latency: {
    /** Successes, from the intended start (the honest figure). */
    intended: EncodedHistogram;
    /** Successes, from the actual start (for comparison: hides stalls). */
    actual: EncodedHistogram;
    /** Error responses and socket errors, from the intended start. */
    errors: EncodedHistogram;
  };
  /** Actual start minus intended start, in µs. */
  scheduleLag: EncodedHistogram;
  /**
   * Requests not sent on schedule, split by cause (open model, paced engine; other drivers leave it out).
   * A request's lag (actual minus intended start) has a backpressure part — its connection was still busy with an
   * earlier request, the system under test's doing — and a generator part — the connection was free but the
   * engine was late, the harness's doing. See TallyRecorder.sent for the exact split.
   */
  lateness?: Lateness;
  series: SecondSample[];
  /** Engine facts: worker count, whether it held the schedule. */
  engine: { workers: number; maxLagMs: number; notes: string[] };
  /** True when the run was cut short (abort signal), or a load agent failed. */
  incomplete?: boolean;
  /** Per-agent facts when the tenant's load was spread over several agents. */
  agents?: AgentFacts[];
}

export interface LoadProgress {
  tenant: string;
  /** Seconds since the tenant started. */
  t: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Runs tenant schedules together (common start; each honours its own startOffsetMs). */
export interface LoadDriver {
  run(input: {
    schedules: Record<string, LoadSchedule>;
    signal?: AbortSignal;
    onProgress?: (p: LoadProgress) => void;
  }): Promise<Record<string, LoadResult>>;
}
