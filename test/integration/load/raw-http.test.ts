import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildRequestBytes, rawTransportFactory } from '../../../src/load/raw-http.ts';
import { expectClosed, listen, liveHandles, schedule, settleHandles } from './helpers.ts';

/** A TCP server answering each request (one per "\r\n\r\n") with the next scripted reply, written in pieces. */
async function scripted(replies: string[][]) {
  let n = 0;
  const server = createServer((s) => {
    s.on('error', () => {});
    s.on('data', async (d) => {
      const count = d.toString().split('\r\n\r\n').length - 1;
      for (let i = 0; i < count; i++) {
        const pieces = replies[n++ % replies.length];
        for (const p of pieces) {
          if (p === '<close>') {
            s.end();
            continue;
          }
          s.write(p);
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    });
  });
  return listen(server);
}

/** Sends `times` requests one after another on one raw connection; returns statuses and errors. */
async function exchange(url: string, times: number, method = 'GET') {
  const out: { status: number; err?: string }[] = [];
  let status = 0;
  let resolveOne!: (e: Error | undefined) => void;
  const t = rawTransportFactory(schedule({ url, method }))({
    onStatus: (s) => {
      status = s;
    },
    onDone: (e) => resolveOne(e),
  });
  for (let i = 0; i < times; i++) {
    status = 0;
    const err = await new Promise<Error | undefined>((r) => {
      resolveOne = r;
      t.send();
    });
    out.push({ status, err: (err as { code?: string } | undefined)?.code });
  }
  await t.close();
  return out;
}

describe('raw HTTP/1.1 client framing', () => {
  let before = 0;
  beforeEach(() => {
    before = liveHandles();
  });
  afterEach(async () => {
    expect(await settleHandles(before)).toBeLessThanOrEqual(before);
  });

  it('encodes the request once with host, user-agent, headers and body length', () => {
    const b = buildRequestBytes(
      schedule({
        url: 'http://127.0.0.1:8080/p?q=1',
        method: 'POST',
        headers: { 'x-t': 'ns-1' },
        body: 'héllo',
      }),
    ).toString('latin1');
    expect(
      b.startsWith('POST /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nuser-agent: meshbench\r\nx-t: ns-1\r\n'),
    ).toBe(true);
    expect(b).toContain('content-length: 6\r\n\r\n');
  });

  it('frames Content-Length bodies split across packets, chunked bodies with trailers, and 1xx interim replies', async () => {
    const srv = await scripted([
      ['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 10\r\n\r\n01234', '56789'],
      [
        'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nab',
        'cd\r\n3;x=1\r\nefg\r\n0\r\nX-T: 1\r\n\r\n',
      ],
      ['HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 204 No Content\r\n\r\n'],
      ['HTTP/1.1 503 Busy\r\ncontent-length: 0\r\n\r\n'],
    ]);
    try {
      expect(await exchange(srv.url, 4)).toEqual([
        { status: 200, err: undefined },
        { status: 201, err: undefined },
        { status: 204, err: undefined },
        { status: 503, err: undefined },
      ]);
    } finally {
      await srv.close();
    }
    expect(await expectClosed(srv.port)).toBe(true);
  });

  it('reads a body without length until close, then reconnects for the next request', async () => {
    const srv = await scripted([['HTTP/1.1 200 OK\r\n\r\nstream', ' more', '<close>']]);
    try {
      expect(await exchange(srv.url, 2)).toEqual([
        { status: 200, err: undefined },
        { status: 200, err: undefined },
      ]);
    } finally {
      await srv.close();
    }
  });

  it('honours Connection: close and HEAD (no body despite Content-Length)', async () => {
    const srv = await scripted([
      ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n', 'hello'],
    ]);
    const head = await scripted([['HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n']]);
    try {
      expect((await exchange(srv.url, 3)).map((r) => r.status)).toEqual([200, 200, 200]);
      expect((await exchange(head.url, 2, 'HEAD')).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await srv.close();
      await head.close();
    }
  });

  it('reads the framing headers whatever their case and place among other headers', async () => {
    const srv = await scripted([
      [
        'HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nCONTENT-LENGTH:   3\r\nTrailer: x\r\nX-A: content-length: 99\r\n\r\n',
        'abc',
      ],
      [
        'HTTP/1.1 202 Accepted\r\ntransfer-ENCODING: Chunked\r\nContent-Type: text/plain\r\n\r\n2\r\nhi\r\n0\r\n\r\n',
      ],
      ['HTTP/1.1 203 OK\r\nContent-Length: 2\r\nConnection: Close\r\n\r\n', 'ok'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ]);
    try {
      expect(await exchange(srv.url, 4)).toEqual([
        { status: 200, err: undefined },
        { status: 202, err: undefined },
        { status: 203, err: undefined },
        { status: 0, err: 'HPE_INVALID_CONTENT_LENGTH' },
      ]);
    } finally {
      await srv.close();
    }
  });

  it('reports a close mid-response as a reset and bad framing as HPE_* codes', async () => {
    const cut = await scripted([['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial', '<close>']]);
    const badStatus = await scripted([['HTTP/1.1 2x0 OK\r\n\r\n']]);
    const badChunk = await scripted([['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n']]);
    const notHttp = await scripted([['SSH-2.0-OpenSSH\r\n\r\n']]);
    try {
      expect((await exchange(cut.url, 1))[0].err).toBe('UND_ERR_SOCKET');
      expect((await exchange(badStatus.url, 1))[0].err).toBe('HPE_INVALID_STATUS');
      expect((await exchange(badChunk.url, 1))[0].err).toBe('HPE_INVALID_CHUNK_SIZE');
      expect((await exchange(notHttp.url, 1))[0].err).toBe('HPE_INVALID_CONSTANT');
    } finally {
      await Promise.all([cut.close(), badStatus.close(), badChunk.close(), notHttp.close()]);
    }
  });

  it("keeps a partial head intact while another connection's read reuses the shared read buffer", async () => {
    // The server holds each connection's socket so the test decides who is answered when.
    const sockets: import('node:net').Socket[] = [];
    let arrived: () => void = () => {};
    const server = createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => {
        sockets.push(s);
        arrived();
      });
    });
    const srv = await listen(server);
    const factory = rawTransportFactory(schedule({ url: srv.url }));
    const results: { status: number; err?: string }[] = [{ status: 0 }, { status: 0 }];
    const finished: Promise<void>[] = [];
    const conns = results.map((r) => {
      let done!: () => void;
      finished.push(new Promise<void>((res) => (done = res)));
      return factory({
        onStatus: (st) => {
          r.status = st;
        },
        onDone: (e) => {
          r.err = (e as { code?: string } | undefined)?.code;
          done();
        },
      });
    });
    const nextArrival = () => new Promise<void>((res) => (arrived = res));
    try {
      let a = nextArrival();
      conns[0].send();
      await a;
      // An interim 100 first: the partial head that follows starts mid-buffer, not at the read's start.
      sockets[0].write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Le');
      await new Promise((r) => setTimeout(r, 30));
      a = nextArrival();
      conns[1].send();
      await a;
      sockets[1].write('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n');
      await finished[1];
      sockets[0].write('ngth: 2\r\n\r\nok');
      await finished[0];
      expect(results).toEqual([
        { status: 201, err: undefined },
        { status: 503, err: undefined },
      ]);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      await srv.close();
    }
  });
});
