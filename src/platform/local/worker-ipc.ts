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

/** The worker's side of the shared limits: every decision is the primary's. */
export class IpcLimits implements SharedLimits {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: EnterResult) => void>();

  constructor(private readonly send: Send<WorkerMessage>) {}

  enter(request: EnterRequest): Promise<EnterResult> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ t: 'enter', id, request });
    });
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
    const resolve = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    resolve?.(m.result);
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
  private nextId = 1;
  private readonly waiting = new Map<number, (m: Extract<WorkerMessage, { t: 'reply' }>) => void>();

  constructor(private readonly send: Send<PrimaryMessage>) {}

  ask(
    m:
      | { t: 'stats' }
      | { t: 'warmup-begin'; echoPort: number }
      | { t: 'warmup-end' }
      | { t: 'quota'; cores: number },
  ): Promise<Extract<WorkerMessage, { t: 'reply' }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.send({ ...m, id });
    });
  }

  receive(m: WorkerMessage): boolean {
    if (m.t !== 'reply') return false;
    const resolve = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    resolve?.(m);
    return true;
  }
}
