/**
 * One keep-alive HTTP/1.1 connection that sends the schedule's one request, one at a time. Two
 * implementations: undici (a Client per connection, pipelining 1) and a lean raw-socket client (raw-http.ts).
 */
import { Client, type Dispatcher } from 'undici';
import type { LoadSchedule } from './types.ts';

/** What a transport reports for each request: the status when headers arrive, then the end (error or not). */
export interface TransportEvents {
  onStatus(status: number): void;
  onDone(err: Error | undefined): void;
}

export interface Transport {
  /** Sends the request; exactly one onDone follows (unless closed). */
  send(): void;
  /** Ends the request in flight with `err` (its socket is dropped; the next send reconnects). */
  abort(err: Error): void;
  close(): Promise<void>;
}

export type TransportFactory = (events: TransportEvents) => Transport;

/** undici: a Client per connection with its legacy handler shape (the newer one is wrapped per request). */
export function undiciTransportFactory(schedule: LoadSchedule): TransportFactory {
  const u = new URL(schedule.url);
  const opts = {
    origin: u.origin,
    path: `${u.pathname}${u.search}`,
    method: schedule.method,
    headers: schedule.headers,
    body: schedule.body ?? null,
  } as Dispatcher.DispatchOptions;
  const newClient = () =>
    new Client(u.origin, {
      pipelining: 1,
      keepAliveTimeout: 60_000,
      keepAliveMaxTimeout: 600_000,
      // The engine's own sweep enforces deadlines precisely; undici's coarse timers are off.
      headersTimeout: 0,
      bodyTimeout: 0,
      connectTimeout: schedule.timeoutMs,
    });
  return (events) => {
    let client = newClient();
    let abortFn: ((err?: Error) => void) | null = null;
    let inFlight = false;
    const done = (err: Error | undefined) => {
      if (!inFlight) return;
      inFlight = false;
      abortFn = null;
      if (client.destroyed || client.closed) client = newClient();
      events.onDone(err);
    };
    const handler = {
      onConnect(abort: (err?: Error) => void) {
        abortFn = abort;
      },
      onHeaders(statusCode: number) {
        events.onStatus(statusCode);
        return true;
      },
      onData() {
        return true;
      },
      onComplete() {
        done(undefined);
      },
      onError(err: Error) {
        done(err);
      },
    } as unknown as Dispatcher.DispatchHandler;
    return {
      send() {
        inFlight = true;
        try {
          client.dispatch(opts, handler);
        } catch (err) {
          done(err as Error);
        }
      },
      abort(err) {
        if (!inFlight) return;
        if (abortFn) abortFn(err);
        else client.destroy(err).catch(() => {});
      },
      async close() {
        inFlight = false;
        await client.destroy().catch(() => {});
      },
    };
  };
}
