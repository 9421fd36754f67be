/**
 * A minimal HTTP/1.1 keep-alive client pool on raw sockets, for loopback hops between meshbench's
 * own processes. It is cheaper per request than a general-purpose client (~20% less CPU for the
 * waypoint in bench/local-mesh-cost.ts), which matters because the stand-in's CPU per request is
 * what its quota meets.
 * Supports content-length and chunked responses; one request per connection at a time.
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  statusCode: number;
  /** Flat [name, value, …] list minus hop-by-hop headers and content-length. */
  headers: string[];
  body: Buffer;
}

export interface RawRequest {
  method: string;
  path: string;
  /** Flat [name, value, …] list; hop-by-hop headers must already be removed. */
  headers: string[];
  body?: Buffer;
  timeoutMs?: number;
}

const DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const CRLFCRLF = Buffer.from('\r\n\r\n');

interface Pending {
  req: RawRequest;
  resolve: (r: RawResponse) => void;
  reject: (e: Error) => void;
}

class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private current: Pending | null = null;
  private head: { statusCode: number; headers: string[]; length: number; chunked: boolean } | null = null;
  private timer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly socket: Socket,
    private readonly onIdle: (c: RawConnection) => void,
    private readonly onClose: (c: RawConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => this.onData(d));
    const close = (err?: Error) => {
      if (this.closed) return;
      this.closed = true;
      clearTimeout(this.timer);
      this.current?.reject(err ?? new Error('upstream connection closed'));
      this.current = null;
      this.onClose(this);
    };
    socket.on('error', (e) => close(e));
    socket.on('close', () => close());
  }

  get busy(): boolean {
    return this.current !== null;
  }

  send(p: Pending): void {
    this.current = p;
    this.head = null;
    const { req } = p;
    let text = `${req.method} ${req.path} HTTP/1.1\r\nhost: 127.0.0.1\r\n`;
    for (let i = 0; i < req.headers.length; i += 2) text += `${req.headers[i]}: ${req.headers[i + 1]}\r\n`;
    if (req.body?.length) text += `content-length: ${req.body.length}\r\n`;
    text += '\r\n';
    this.socket.write(
      req.body?.length ? Buffer.concat([Buffer.from(text, 'latin1'), req.body]) : text,
      'latin1',
    );
    if (req.timeoutMs) {
      this.timer = setTimeout(() => this.socket.destroy(new Error('upstream timeout')), req.timeoutMs);
    }
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    if (!this.current) {
      // Bytes nobody asked for: the upstream is confused; drop the connection.
      this.socket.destroy();
      return;
    }
    if (!this.head) {
      const end = this.buf.indexOf(CRLFCRLF);
      if (end < 0) return;
      const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
      const statusCode = Number(lines[0].split(' ')[1]);
      const headers: string[] = [];
      let length = -1;
      let chunked = false;
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        if (colon < 0) continue;
        const name = lines[i].slice(0, colon);
        const value = lines[i].slice(colon + 1).trim();
        const lower = name.toLowerCase();
        if (lower === 'content-length') length = Number(value);
        else if (lower === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
        if (!DROP.has(lower)) headers.push(name, value);
      }
      this.head = { statusCode, headers, length, chunked };
      this.buf = this.buf.subarray(end + 4);
    }
    const head = this.head;
    let body: Buffer | null = null;
    if (head.chunked) body = this.takeChunked();
    else if (head.length >= 0) {
      if (this.buf.length >= head.length) {
        body = this.buf.subarray(0, head.length);
        this.buf = this.buf.subarray(head.length);
      }
    } else {
      this.socket.destroy(new Error('upstream response without length'));
      return;
    }
    if (!body) return;
    const done = this.current;
    this.current = null;
    this.head = null;
    clearTimeout(this.timer);
    done.resolve({ statusCode: head.statusCode, headers: head.headers, body: Buffer.from(body) });
    this.onIdle(this);
  }

  /** Decodes a complete chunked body from the buffer, or returns null while incomplete. */
  private takeChunked(): Buffer | null {
    const parts: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const eol = this.buf.indexOf('\r\n', pos);
      if (eol < 0) return null;
      const size = Number.parseInt(this.buf.subarray(pos, eol).toString('latin1'), 16);
      if (size === 0) {
        const end = this.buf.indexOf(CRLFCRLF, Math.max(0, eol - 2));
        if (end < 0) return null;
        this.buf = this.buf.subarray(end + 4);
        return Buffer.concat(parts);
      }
      if (this.buf.length < eol + 2 + size + 2) return null;
      parts.push(this.buf.subarray(eol + 2, eol + 2 + size));
      pos = eol + 2 + size + 2;
    }
  }
}

export class RawPool {
  private readonly idle: RawConnection[] = [];
  private readonly all = new Set<RawConnection>();
  private readonly queue: Pending[] = [];
  private destroyed = false;

  constructor(
    readonly port: number,
    readonly maxConnections: number,
  ) {}

  /** Connections open now (busy or idle). */
  get size(): number {
    return this.all.size;
  }

  request(req: RawRequest): Promise<RawResponse> {
    if (this.destroyed) return Promise.reject(new Error('pool destroyed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      let conn = this.idle.pop();
      while (conn?.closed) conn = this.idle.pop();
      if (!conn) {
        if (this.all.size >= this.maxConnections) return;
        conn = this.open();
        if (!conn) return;
      }
      conn.send(this.queue.shift()!);
    }
  }

  private open(): RawConnection | undefined {
    const socket = connect(this.port, '127.0.0.1');
    const conn = new RawConnection(
      socket,
      (c) => {
        this.idle.push(c);
        this.pump();
      },
      (c) => {
        this.all.delete(c);
        const i = this.idle.indexOf(c);
        if (i >= 0) this.idle.splice(i, 1);
        if (!this.destroyed) this.pump();
      },
    );
    this.all.add(conn);
    return conn;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('pool destroyed'));
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }
}
