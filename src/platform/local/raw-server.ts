/**
 * A minimal HTTP/1.1 server on raw sockets for the waypoint's data path: keep-alive, requests
 * handled one at a time per connection (pipelined ones queue), content-length bodies only (chunked
 * request bodies get 501). With raw-pool.ts it cut the stand-in's CPU per proxied request by ~15%
 * (bench/local-mesh-cost.ts), which matters because that cost is what the CPU quota meets.
 */
import { createServer, type Server, type Socket } from 'node:net';

export interface RawIncoming {
  method: string;
  path: string;
  /** Flat [name, value, …] list as received. */
  rawHeaders: string[];
  /** Lower-cased header lookup (last value wins). */
  headers: Map<string, string>;
  body: Buffer;
  connection: RawServerConnection;
}

export interface RawOutgoing {
  status: number;
  /** Flat [name, value, …]; content-length and connection are added. */
  headers: string[];
  body: Buffer | string;
}

export type RawHandler = (req: RawIncoming) => Promise<RawOutgoing> | RawOutgoing;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;
const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  411: 'Length Required',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** One downstream connection; `data` lets the handler keep per-connection state (e.g. a slot). */
export class RawServerConnection {
  private buf: Buffer = Buffer.alloc(0);
  private busy = false;
  private closing = false;
  /** Per-connection state owned by the handler. */
  readonly data: Record<string, unknown> = {};

  constructor(
    readonly socket: Socket,
    private readonly handler: RawHandler,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.next();
    });
    socket.on('error', () => socket.destroy());
  }

  private next(): void {
    if (this.busy || this.closing) return;
    const end = this.buf.indexOf(CRLFCRLF);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD) this.fail(400);
      return;
    }
    const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const [method, path, version] = lines[0].split(' ');
    if (!method || !path || !version?.startsWith('HTTP/1.')) {
      this.fail(400);
      return;
    }
    const rawHeaders: string[] = [];
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) continue;
      const name = lines[i].slice(0, colon);
      const value = lines[i].slice(colon + 1).trim();
      rawHeaders.push(name, value);
      headers.set(name.toLowerCase(), value);
    }
    if (headers.get('transfer-encoding')) {
      this.fail(501);
      return;
    }
    const length = Number(headers.get('content-length') ?? 0);
    if (!Number.isInteger(length) || length < 0) {
      this.fail(400);
      return;
    }
    if (this.buf.length < end + 4 + length) return;
    const body = this.buf.subarray(end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const close = version === 'HTTP/1.0' || headers.get('connection')?.toLowerCase() === 'close';
    this.busy = true;
    const req: RawIncoming = { method, path, rawHeaders, headers, body, connection: this };
    Promise.resolve()
      .then(() => this.handler(req))
      .catch((e: unknown) => ({ status: 500, headers: [], body: String(e) }))
      .then((res) => {
        this.write(res, close);
        this.busy = false;
        if (close) this.end();
        else if (this.buf.length) this.next();
      });
  }

  private write(res: RawOutgoing, close: boolean): void {
    if (this.socket.destroyed) return;
    const body = typeof res.body === 'string' ? Buffer.from(res.body) : res.body;
    let head = `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? 'Status'}\r\n`;
    for (let i = 0; i < res.headers.length; i += 2) head += `${res.headers[i]}: ${res.headers[i + 1]}\r\n`;
    head += `content-length: ${body.length}\r\n${close ? 'connection: close\r\n' : ''}\r\n`;
    this.socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  }

  private fail(status: number): void {
    this.write({ status, headers: ['content-type', 'text/plain'], body: `${status}\n` }, true);
    this.end();
  }

  private end(): void {
    this.closing = true;
    this.socket.end();
  }
}

export interface RawServer {
  server: Server;
  /** Open downstream connections. */
  readonly connections: number;
  onConnection(cb: (c: RawServerConnection) => void): void;
  close(): Promise<void>;
}

export function createRawHttpServer(handler: RawHandler): RawServer {
  const open = new Set<Socket>();
  const listeners: Array<(c: RawServerConnection) => void> = [];
  const server = createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    const conn = new RawServerConnection(socket, handler);
    for (const l of listeners) l(conn);
  });
  return {
    server,
    get connections() {
      return open.size;
    },
    onConnection(cb) {
      listeners.push(cb);
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
