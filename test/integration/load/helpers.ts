/** Test targets (real sockets on 127.0.0.1) and a leak guard for the load integration tests. */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer as createNetServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';

export { schedule } from '../../helpers/schedule.ts';

export interface TestTarget {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port; close() also destroys open connections. */
export async function listen(server: Server): Promise<TestTarget> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Raw TCP behaviours: 'reset' destroys each connection on its first bytes, 'silent' never answers, 'malformed' sends garbage. */
export function startRawServer(kind: 'reset' | 'silent' | 'malformed'): Promise<TestTarget> {
  const server = createNetServer((socket) => {
    socket.on('error', () => {});
    socket.on('data', () => {
      if (kind === 'reset') socket.resetAndDestroy();
      else if (kind === 'malformed') socket.write('HTTP/1.1 ??? nonsense\r\n\u0000\u0001garbage\r\n\r\n');
    });
  });
  return listen(server);
}

/** HTTP server answering with `status(n)` for the n-th request (0-based) after delayMs. */
export function startStatusServer(status: (n: number) => number, delayMs = 1): Promise<TestTarget> {
  let n = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    const code = status(n++);
    setTimeout(() => {
      res.statusCode = code;
      res.end('x');
    }, delayMs);
  });
  server.keepAliveTimeout = 60_000;
  return listen(server);
}

/** A port nothing listens on (bound then released). */
export async function freePort(): Promise<number> {
  const t = await listen(createNetServer());
  await t.close();
  return t.port;
}

/** Proves a port no longer accepts connections. */
export function expectClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

const LEAKY = ['TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP', 'MessagePort', 'Worker'];

/** Count of live sockets, servers and worker ports in this process. */
export function liveHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => LEAKY.includes(r)).length;
}

/** Waits (briefly) for live handles to fall back to `before`; returns the final count. */
export async function settleHandles(before: number, waitMs = 2000): Promise<number> {
  const until = Date.now() + waitMs;
  while (liveHandles() > before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return liveHandles();
}
