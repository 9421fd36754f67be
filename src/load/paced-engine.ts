/**
 * The open-loop paced engine: a fixed pool of keep-alive HTTP/1.1 connections (one request in flight each),
 * each sending at rate/C with its phase offset by i/C of its interval; latency measured from the intended
 * start. Lean hot path: the request encoded once, one pacing timer per engine (idle connections wait in a
 * min-heap by due time, so a wake-up sends every request due in that millisecond), one timeout sweep per
 * engine, no per-request logging or allocation.
 */
import { performance } from 'node:perf_hooks';
import { ABORTED_CODE, codedError, TIMEOUT_CODE } from './classify-error.ts';
import { rawTransportFactory } from './raw-http.ts';
import { type EngineTally, TallyRecorder, type WindowSnapshot } from './tally.ts';
import { type Transport, type TransportFactory, undiciTransportFactory } from './transport.ts';
import type { LoadSchedule } from './types.ts';

/** Epoch ms with sub-ms resolution; comparable across worker threads. */
export const clock = (): number => performance.timeOrigin + performance.now();

/**
 * When each connection's warm-up request goes: connection i at `at + i × spacingMs` (clock time), so
 * tenants that start together open their connections interleaved, as simultaneous generators race.
 */
export interface WarmupTiming {
  at: number;
  spacingMs: number;
}

/** Longest wait for the per-connection warm-up requests before the schedule starts. */
const WARMUP_REQUEST_MAX_MS = 2000;
/** A request due before the end may still be sent this long after it (a timer firing late at the edge). */
const END_GRACE_MS = 250;
/** Grace for in-flight requests after an abort signal. */
const ABORT_GRACE_MS = 500;

const TIMEOUT_ERROR = codedError(TIMEOUT_CODE, 'request timed out');
const ABORTED_ERROR = codedError(ABORTED_CODE, 'run aborted');

interface Conn {
  index: number;
  transport: Transport;
  /** Where this connection's request ends go: the warm-up, or the run's completion. */
  onDone: (err: Error | undefined) => void;
  /** Phase of this connection's first request after the start, ms. */
  phase: number;
  /** Index of the next request of this connection. */
  k: number;
  intendedAt: number;
  sentAt: number;
  /**
   * When this connection became free for its next request: the completion of its previous one (-Infinity before
   * its first request of the run: ready from the start). Splits a request's lag into backpressure and generator lag.
   */
  freeAt: number;
  status: number;
  inFlight: boolean;
  finished: boolean;
  /** When this idle connection's next request is due (its key in the wake heap). */
  wakeAt: number;
}

/** Binary min-heap of idle connections by wakeAt. Finished connections are skipped when popped (lazy delete). */
export class WakeHeap {
  private readonly items: { wakeAt: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): number {
    return this.items.length > 0 ? this.items[0].wakeAt : Number.POSITIVE_INFINITY;
  }

  push<T extends { wakeAt: number }>(item: T): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent].wakeAt <= item.wakeAt) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = item;
  }

  pop<T extends { wakeAt: number }>(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r].wakeAt < a[l].wakeAt ? r : l;
        if (a[c].wakeAt >= last.wakeAt) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top as T | undefined;
  }
}

export interface EngineRunInput {
  /** Epoch ms of the schedule's start (its first request's phase 0). */
  startAt: number;
  signal?: AbortSignal;
  /** Called about once a second with the last second's completions. */
  onSecond?: (t: number, w: WindowSnapshot) => void;
}

/** The raw-socket client unless the schedule asks for undici. */
function transportFactory(schedule: LoadSchedule): TransportFactory {
  return schedule.client === 'undici' ? undiciTransportFactory(schedule) : rawTransportFactory(schedule);
}

/** A uniform value in [-1, 1) that depends only on (seed, connection, k): a murmur3-style integer mix. */
export function jitterUnit(seed: number, index: number, k: number): number {
  let h = Math.imul(index ^ seed, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return ((h >>> 0) / 0x100000000) * 2 - 1;
}

/** A schedule's pacing: each connection sends every `interval` ms; connection i starts i/C into it. */
export function pacing(schedule: LoadSchedule): { interval: number; phase: (index: number) => number } {
  const rate = schedule.rate ?? 0;
  return { interval: (schedule.connections * 1000) / rate, phase: (index) => (index * 1000) / rate };
}

/** When request k of a connection is nominally due (epoch ms); it belongs to the schedule if before the end. */
export function nominalAt(startAt: number, phase: number, interval: number, k: number): number {
  return startAt + phase + k * interval;
}

/** Owns the connections of one event loop (the whole schedule, or one worker's share of it). */
export class PacedEngine {
  private readonly conns: Conn[] = [];
  private readonly interval: number;
  private readonly notes: string[] = [];

  constructor(
    private readonly schedule: LoadSchedule,
    /** Global indices (0..C-1) of the connections this engine drives. */
    indices: readonly number[],
  ) {
    const { interval, phase } = pacing(schedule);
    this.interval = interval;
    const factory = transportFactory(schedule);
    for (const index of indices) {
      const conn = {
        index,
        onDone: () => {},
        phase: phase(index),
        k: 0,
        intendedAt: 0,
        sentAt: 0,
        freeAt: Number.NEGATIVE_INFINITY,
        status: 0,
        inFlight: false,
        finished: false,
        wakeAt: 0,
      } as unknown as Conn;
      conn.transport = factory({
        onStatus(status) {
          conn.status = status;
        },
        onDone(err) {
          conn.onDone(err);
        },
      });
      this.conns.push(conn);
    }
  }

  /** One unrecorded request per connection (as Fortio does) so connection set-up is not measured. */
  async prepare(warmup?: WarmupTiming): Promise<void> {
    const limit = Math.min(this.schedule.timeoutMs, WARMUP_REQUEST_MAX_MS);
    let failed = 0;
    await Promise.all(
      this.conns.map(
        (c) =>
          new Promise<void>((resolve) => {
            const send = () => {
              const timer = setTimeout(() => c.transport.abort(TIMEOUT_ERROR), limit);
              c.onDone = (err) => {
                clearTimeout(timer);
                c.status = 0;
                if (err) failed++;
                // Let the transport finish its own clean-up before the run's first send.
                setImmediate(resolve);
              };
              c.transport.send();
            };
            if (!warmup) return send();
            setTimeout(send, Math.max(0, warmup.at + c.index * warmup.spacingMs - clock()));
          }),
      ),
    );
    if (failed > 0) this.notes.push(`${failed} of ${this.conns.length} warm-up requests failed`);
  }

  run(input: EngineRunInput): Promise<EngineTally> {
    const { schedule, notes } = this;
    const { startAt, signal, onSecond } = input;
    const endAt = startAt + schedule.durationMs;
    const rec = new TallyRecorder(startAt, schedule.warmupMs, onSecond !== undefined);
    const interval = this.interval;
    const jitter = schedule.jitter * interval;
    const skip = schedule.behindSchedule === 'skip';
    const timeoutMs = schedule.timeoutMs;
    let stopped = false;
    /** The run stopped before carrying out its schedule: a due request left unsent, or one cut off in flight. */
    let cutShort = false;
    let open = this.conns.length;
    let resolveRun!: (t: EngineTally) => void;
    const done = new Promise<EngineTally>((r) => {
      resolveRun = r;
    });

    // Request k of a connection belongs to the schedule when its nominal time falls before the end; jitter
    // only moves when it is due. The jitter is a pure function of (run, connection, k), so the timer, the
    // send and every count see the same due time for a request (one draw per request, not one per look).
    const seed = (Math.random() * 0x100000000) >>> 0;
    const nominal = (c: Conn, k: number): number => nominalAt(startAt, c.phase, interval, k);
    const dueAt = (c: Conn, k: number): number => {
      const t = nominal(c, k);
      if (jitter <= 0) return t;
      return Math.min(endAt - 0.001, Math.max(startAt, t + jitterUnit(seed, c.index, k) * jitter));
    };

    const finishConn = (c: Conn): void => {
      if (c.finished) return;
      c.finished = true;
      if (--open === 0) finishRun();
    };

    // One timer for the engine: idle connections wait in the heap; a wake-up sends all that are due.
    const heap = new WakeHeap();
    let wakeTimer: NodeJS.Timeout | null = null;
    let wakeArmedFor = Number.POSITIVE_INFINITY;
    const arm = (): void => {
      const at = heap.peek();
      if (at >= wakeArmedFor) return;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeArmedFor = at;
      // Whole milliseconds (Node's timer resolution); a wake up to 1 ms early sends what is due by then.
      wakeTimer = setTimeout(wake, Math.max(0, Math.round(at - clock())));
    };
    const wake = (): void => {
      wakeTimer = null;
      wakeArmedFor = Number.POSITIVE_INFINITY;
      let now = clock();
      while (heap.peek() <= now + 1) {
        const c = heap.pop<Conn>() as Conn;
        if (c.finished) continue;
        next(c, now);
        now = clock();
      }
      if (heap.size > 0 && open > 0) arm();
    };

    /** `now`: the caller's clock reading, microseconds before the write (one clock() call fewer per request). */
    const send = (c: Conn, intendedAt: number, now: number): void => {
      c.intendedAt = intendedAt;
      c.status = 0;
      c.inFlight = true;
      c.sentAt = now;
      rec.sent(intendedAt, now, c.freeAt);
      c.transport.send();
    };

    /** `now` defaults to a fresh clock reading; complete() passes its own so a request costs two reads, not three. */
    const next = (c: Conn, now = clock()): void => {
      const scheduled = nominal(c, c.k) < endAt;
      if (stopped || !scheduled) {
        if (scheduled) cutShort = true;
        finishConn(c);
        return;
      }
      let intendedAt = dueAt(c, c.k);
      if (now >= endAt + Math.min(END_GRACE_MS, timeoutMs)) {
        // Never send well after the schedule's end: what catch-up still owed is dropped, counted as skipped; each
        // is blamed on backpressure when its connection was still busy at its due time.
        for (let k = c.k; nominal(c, k) < endAt; k++) {
          const t = dueAt(c, k);
          rec.unsent(t, t < c.freeAt);
        }
        finishConn(c);
        return;
      }
      // Up to 1 ms early is sent now (timers have ms granularity); latency then counts from the real send.
      if (intendedAt > now + 1) {
        c.wakeAt = intendedAt;
        heap.push(c);
        arm();
        return;
      }
      if (skip && intendedAt < now) {
        // Send only the latest due request; the earlier ones are skipped.
        while (nominal(c, c.k + 1) < endAt) {
          const t = dueAt(c, c.k + 1);
          if (t > now) break;
          rec.skipped(intendedAt, intendedAt < c.freeAt);
          c.k++;
          intendedAt = t;
        }
      }
      send(c, intendedAt, now);
    };

    const complete = (c: Conn, err: unknown): void => {
      if (!c.inFlight) return;
      c.inFlight = false;
      const endAtReq = clock();
      c.freeAt = endAtReq;
      if ((err as { code?: string } | undefined)?.code !== ABORTED_CODE)
        rec.complete(c.intendedAt, c.sentAt, endAtReq, c.status, err);
      else {
        rec.aborted(c.intendedAt);
        cutShort = true;
      }
      c.k++;
      // After an error undici is still inside its own clean-up loop: dispatching from here would re-enter it.
      if (err === undefined) next(c, endAtReq);
      else setImmediate(next, c);
    };

    for (const c of this.conns) {
      c.freeAt = Number.NEGATIVE_INFINITY;
      c.onDone = (err) => complete(c, err);
    }

    const abortInFlight = (reason: Error): void => {
      for (const c of this.conns) {
        if (c.inFlight) c.transport.abort(reason);
      }
    };

    // One sweep per engine enforces every request's deadline (timers coalesced, not one per request).
    const sweepMs = Math.max(5, Math.min(50, Math.floor(timeoutMs / 20)));
    const sweep = setInterval(() => {
      const now = clock();
      for (const c of this.conns) {
        if (c.inFlight && now - c.sentAt >= timeoutMs) c.transport.abort(TIMEOUT_ERROR);
      }
    }, sweepMs);

    let progressTimer: NodeJS.Timeout | null = null;
    let progressT = 0;
    const tick = () => {
      onSecond?.(progressT++, rec.takeWindow());
      progressTimer = setTimeout(tick, startAt + progressT * 1000 + 1000 - clock());
    };
    if (onSecond) progressTimer = setTimeout(tick, Math.max(0, startAt + 1000 - clock()));

    // Backstop: whatever happens, the run ends by duration + timeout (+ slack).
    const hardStop = setTimeout(
      () => {
        stopped = true;
        abortInFlight(TIMEOUT_ERROR);
        setTimeout(() => {
          for (const c of this.conns) {
            // Still in flight after the abort: its transport never reported back; count it, not lose it.
            if (c.inFlight) {
              rec.aborted(c.intendedAt);
              cutShort = true;
            }
            c.inFlight = false;
            finishConn(c);
          }
        }, 200);
      },
      Math.max(0, endAt + Math.min(END_GRACE_MS, timeoutMs) + timeoutMs + 100 - clock()),
    );

    let graceTimer: NodeJS.Timeout | null = null;
    const onAbort = () => {
      stopped = true;
      this.notes.push('aborted by signal: stopped sending');
      // Idle connections end now (next() sees `stopped`); those in flight end when their request does.
      for (const c of this.conns) if (!c.inFlight && !c.finished) next(c);
      graceTimer = setTimeout(() => abortInFlight(ABORTED_ERROR), Math.min(timeoutMs, ABORT_GRACE_MS));
    };

    function finishRun() {
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = null;
      // Every request settled before the grace ran out: nothing is left to cut off, and no timer holds the process.
      if (graceTimer) clearTimeout(graceTimer);
      clearInterval(sweep);
      clearTimeout(hardStop);
      if (progressTimer) clearTimeout(progressTimer);
      signal?.removeEventListener('abort', onAbort);
      resolveRun({ ...rec.toTally(1, notes), incomplete: cutShort });
    }

    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    for (const c of this.conns) if (!c.finished) next(c);
    if (this.conns.length === 0) finishRun();
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.transport.close()));
  }
}
