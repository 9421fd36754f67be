/**
 * The messages between a multi-worker waypoint's primary (which owns the shared limits and the admin
 * endpoint) and its workers (which serve the data path). One round trip per request (`enter`), one
 * message back when it ends (`finish`) — the primary decides in arrival order, as Envoy's atomics do.
 */
import type { EnterRequest, EnterResult, SharedLimits } from './shared-limits.ts';
import type { StatsSnapshot } from './waypoint-stats.ts';

/** Worker → primary. */
export type WorkerMessage =
  | { t: 'enter'; id: number; request: EnterRequest }
  | { t: 'release' }
  | { t: 'finish'; cluster: string }
  | { t: 'reply'; id: number; stats?: StatsSnapshot };

/** Primary → worker. */
export type PrimaryMessage =
  | { t: 'entered'; id: number; result: EnterResult }
  | { t: 'stats'; id: number }
  | { t: 'warmup-begin'; id: number; echoPort: number }
  | { t: 'warmup-end'; id: number }
  | { t: 'quota'; id: number; cores: number };

type Send<M> = (message: M) => void;

/** Requests the primary sends a worker that expect a `reply`: every primary message but `entered`, unnumbered. */
type Question =
  Exclude<PrimaryMessage, { t: 'entered' }> extends infer Q
    ? Q extends { id: number }
      ? Omit<Q, 'id'>
      : never
    : never;
type Reply = Extract<WorkerMessage, { t: 'reply' }>;

/** Matches answers to the requests that wait for them, by a number each request carries. */
class Pending<T> {
  private nextId = 1;
  private readonly waiting = new Map<number, (value: T) => void>();

  /** Sends a request numbered `id` (by `send`) and resolves with its answer. */
  ask(send: (id: number) => void): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      send(id);
    });
  }

  answer(id: number, value: T): void {
    const resolve = this.waiting.get(id);
    this.waiting.delete(id);
    resolve?.(value);
  }
}

/** The worker's side of the shared limits: every decision is the primary's. */
export class IpcLimits implements SharedLimits {
  private readonly pending = new Pending<EnterResult>();

  constructor(private readonly send: Send<WorkerMessage>) {}

  enter(request: EnterRequest): Promise<EnterResult> {
    return this.pending.ask((id) => this.send({ t: 'enter', id, request }));
  }

  releaseInternal(): void {
    this.send({ t: 'release' });
  }

  finish(cluster: string): void {
    this.send({ t: 'finish', cluster });
  }

  /** Delivers the primary's answer; true when the message was one. */
  receive(m: PrimaryMessage): boolean {
    if (m.t !== 'entered') return false;
    this.pending.answer(m.id, m.result);
    return true;
  }
}

/** The primary's side: answers one worker's messages from the shared limits. */
export function serveLimits(limits: SharedLimits, send: Send<PrimaryMessage>): (m: WorkerMessage) => boolean {
  return (m) => {
    switch (m.t) {
      case 'enter': {
        const r = limits.enter(m.request);
        if ('then' in r) void r.then((result) => send({ t: 'entered', id: m.id, result }));
        else send({ t: 'entered', id: m.id, result: r });
        return true;
      }
      case 'release':
        limits.releaseInternal();
        return true;
      case 'finish':
        limits.finish(m.cluster);
        return true;
      default:
        return false;
    }
  };
}

/** Requests from the primary to one worker that expect a reply (stats, warm-up, quota). */
export class WorkerRequests {
  private readonly pending = new Pending<Reply>();

  constructor(private readonly send: Send<PrimaryMessage>) {}

  ask(m: Question): Promise<Reply> {
    return this.pending.ask((id) => this.send({ ...m, id } as PrimaryMessage));
  }

  receive(m: WorkerMessage): boolean {
    if (m.t !== 'reply') return false;
    this.pending.answer(m.id, m);
    return true;
  }
}
