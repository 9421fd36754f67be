/**
 * A lean HTTP/1.1 client connection on a raw socket: the request is encoded once, responses are framed
 * (Content-Length, chunked, or until close) without building header objects. About half undici's CPU per
 * request, which is headroom the paced engine turns into smaller schedule lag. Errors carry the same codes
 * the classifier knows: socket codes as-is, early close → UND_ERR_SOCKET, bad framing → HPE_*.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { codedError } from './classify-error.ts';
import type { Transport, TransportEvents, TransportFactory } from './transport.ts';
import type { LoadSchedule } from './types.ts';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/** Host (IPv6 brackets removed) and port of an http(s) URL, the scheme's default port when none is given. */
export function targetAddress(url: string | URL): { host: string; port: number; tls: boolean } {
  const u = typeof url === 'string' ? new URL(url) : url;
  const tls = u.protocol === 'https:';
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (tls ? 443 : 80)), tls };
}

/** The request bytes, built once per schedule. */
export function buildRequestBytes(schedule: LoadSchedule): Buffer {
  const u = new URL(schedule.url);
  const lines = [`${schedule.method} ${u.pathname}${u.search} HTTP/1.1`];
  const names = new Set(Object.keys(schedule.headers).map((h) => h.toLowerCase()));
  if (!names.has('host')) lines.push(`host: ${u.host}`);
  if (!names.has('user-agent')) lines.push('user-agent: meshbench');
  for (const [k, v] of Object.entries(schedule.headers)) lines.push(`${k}: ${v}`);
  const body = schedule.body === undefined ? undefined : Buffer.from(schedule.body);
  if (body && !names.has('content-length')) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/** Where the response parser is. */
const Mode = { Idle: 0, Head: 1, Length: 2, ChunkSize: 3, ChunkData: 4, Trailers: 5, UntilClose: 6 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

export function rawTransportFactory(schedule: LoadSchedule): TransportFactory {
  const { host, port, tls } = targetAddress(schedule.url);
  const request = buildRequestBytes(schedule);
  const noBody = schedule.method === 'HEAD';
  const readBuffer = Buffer.allocUnsafe(64 * 1024);
  return (events) => new RawConnection(events, { host, port, tls, request, noBody, readBuffer });
}

class RawConnection implements Transport {
  private socket: Socket | null = null;
  private inFlight = false;
  private mode: Mode = Mode.Idle;
  private head: Buffer | null = null;
  private remaining = 0;
  private line = '';
  private keepAlive = true;

  constructor(
    private readonly events: TransportEvents,
    private readonly target: {
      host: string;
      port: number;
      tls: boolean;
      request: Buffer;
      noBody: boolean;
      readBuffer: Buffer;
    },
  ) {}

  private open(): Socket {
    const { host, port, tls } = this.target;
    // SNI takes host names only (Node refuses an IP address as servername).
    let s: Socket;
    if (tls) {
      s = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) });
      s.on('data', (chunk: Buffer) => {
        if (s === this.socket) this.onData(chunk);
      });
    } else {
      // Plain TCP reads into one buffer shared by the engine's connections (no allocation and no stream
      // machinery per read); onData copies the only bytes it keeps past the callback (a partial head).
      s = netConnect({
        host,
        port,
        onread: {
          buffer: this.target.readBuffer,
          callback: (n: number, buf: Uint8Array) => {
            if (s === this.socket) this.onData((buf as Buffer).subarray(0, n), true);
            return true;
          },
        },
      });
    }
    s.setNoDelay(true);
    s.on('error', (err) => {
      if (s === this.socket) this.fail(err);
    });
    s.on('close', () => {
      if (s !== this.socket) return;
      this.socket = null;
      if (this.inFlight && this.mode === Mode.UntilClose) this.finish();
      else this.fail(codedError('UND_ERR_SOCKET', 'other side closed'));
    });
    return s;
  }

  send(): void {
    this.inFlight = true;
    this.mode = Mode.Head;
    this.head = null;
    this.keepAlive = true;
    if (!this.socket || this.socket.destroyed) this.socket = this.open();
    this.socket.write(this.target.request);
  }

  abort(err: Error): void {
    if (!this.inFlight) return;
    this.drop();
    this.fail(err);
  }

  async close(): Promise<void> {
    this.inFlight = false;
    this.drop();
  }

  private drop(): void {
    const s = this.socket;
    this.socket = null;
    s?.destroy();
  }

  private fail(err: Error): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    this.mode = Mode.Idle;
    this.drop();
    this.events.onDone(err);
  }

  /** The response ended; bytes after it (`rest`) break the framing, so that connection is not reused. */
  private finish(rest?: Buffer): void {
    if (rest && rest.length > 0) this.keepAlive = false;
    this.inFlight = false;
    this.mode = Mode.Idle;
    if (!this.keepAlive) this.drop();
    this.events.onDone(undefined);
  }

  /** `shared`: chunk is a view of the shared read buffer, overwritten by the next read. */
  private onData(chunk: Buffer, shared = false): void {
    let buf = chunk;
    while (buf.length > 0) {
      switch (this.mode) {
        case Mode.Idle:
          // Bytes nobody asked for: the connection's framing is lost.
          this.drop();
          return;
        case Mode.Head: {
          const pending = this.head;
          const all = pending ? Buffer.concat([pending, buf]) : buf;
          const end = all.indexOf(CRLFCRLF);
          if (end < 0) {
            if (all.length > MAX_HEAD) {
              this.fail(codedError('HPE_HEADER_OVERFLOW', 'response head too large'));
              return;
            }
            // A view of the shared read buffer is overwritten by the next read: keep a copy (concat made one already).
            this.head = pending || !shared ? all : Buffer.from(all);
            return;
          }
          this.head = null;
          buf = all.subarray(end + 4);
          const next = this.parseHead(all.toString('latin1', 0, end));
          if (next === 'failed') return;
          if (next === 'done') {
            this.finish(buf);
            return;
          }
          break;
        }
        case Mode.Length: {
          const n = Math.min(this.remaining, buf.length);
          this.remaining -= n;
          buf = buf.subarray(n);
          if (this.remaining === 0) {
            this.finish(buf);
            return;
          }
          break;
        }
        case Mode.ChunkSize:
        case Mode.Trailers: {
          const nl = buf.indexOf(10);
          if (nl < 0) {
            this.line += buf.toString('latin1');
            if (this.line.length > MAX_HEAD) {
              this.fail(codedError('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'chunk line too long'));
              return;
            }
            return;
          }
          const text = (this.line + buf.toString('latin1', 0, nl)).replace(/\r$/, '');
          this.line = '';
          buf = buf.subarray(nl + 1);
          if (this.mode === Mode.Trailers) {
            if (text === '') {
              this.finish(buf);
              return;
            }
            break;
          }
          const size = Number.parseInt(text.split(';')[0], 16);
          if (!Number.isFinite(size) || size < 0) {
            this.fail(codedError('HPE_INVALID_CHUNK_SIZE', 'bad chunk size'));
            return;
          }
          if (size === 0) this.mode = Mode.Trailers;
          else {
            this.mode = Mode.ChunkData;
            this.remaining = size + 2;
          }
          break;
        }
        case Mode.ChunkData: {
          const n = Math.min(this.remaining, buf.length);
          this.remaining -= n;
          buf = buf.subarray(n);
          if (this.remaining === 0) this.mode = Mode.ChunkSize;
          break;
        }
        case Mode.UntilClose:
          return;
      }
    }
  }

  /** Parses the status line and the framing headers: the response failed, is done (no body), or has a body. */
  private parseHead(head: string): 'failed' | 'done' | 'body' {
    if (!head.startsWith('HTTP/1.')) {
      this.fail(codedError('HPE_INVALID_CONSTANT', 'response is not HTTP/1.x'));
      return 'failed';
    }
    const status = Number(head.slice(9, 12));
    if (!(status >= 100 && status <= 999) || (head.length > 12 && head[12] !== ' ' && head[12] !== '\r')) {
      this.fail(codedError('HPE_INVALID_STATUS', 'invalid status code'));
      return 'failed';
    }
    if (status < 200) {
      // 1xx interim response: the real one follows.
      this.mode = Mode.Head;
      return 'body';
    }
    let length = -1;
    let chunked = false;
    if (head[7] === '0') this.keepAlive = false; // HTTP/1.0 closes unless told otherwise
    // Only three headers matter for framing: skip every other line on its first character, and lowercase
    // just the names and values of the candidates (no whole-head copy, no regex per line).
    let i = head.indexOf('\n');
    while (i >= 0) {
      const start = i + 1;
      const next = head.indexOf('\n', start);
      const end = next < 0 ? head.length : next;
      i = next;
      const first = head.charCodeAt(start) | 0x20;
      if (first !== 0x63 /* c */ && first !== 0x74 /* t */) continue;
      const colon = head.indexOf(':', start);
      if (colon < 0 || colon > end) continue;
      const name = head.slice(start, colon).trim().toLowerCase();
      if (name === 'content-length') {
        length = Number(head.slice(colon + 1, end).trim());
        if (!Number.isInteger(length) || length < 0) {
          this.fail(codedError('HPE_INVALID_CONTENT_LENGTH', 'invalid content-length'));
          return 'failed';
        }
      } else if (name === 'transfer-encoding')
        chunked = head
          .slice(colon + 1, end)
          .toLowerCase()
          .includes('chunked');
      else if (name === 'connection') {
        const value = head.slice(colon + 1, end).toLowerCase();
        this.keepAlive = value.includes('keep-alive') || !value.includes('close');
      }
    }
    this.events.onStatus(status);
    if (this.target.noBody || status === 204 || status === 304 || length === 0) return 'done';
    if (chunked) {
      this.mode = Mode.ChunkSize;
      this.line = '';
    } else if (length > 0) {
      this.mode = Mode.Length;
      this.remaining = length;
    } else {
      this.keepAlive = false;
      this.mode = Mode.UntilClose;
    }
    return 'body';
  }
}
