import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawHttpServer } from '../../../../src/platform/local/raw-server.ts';

const raw = createRawHttpServer(async (req) => ({
  status: req.path === '/missing' ? 404 : 200,
  headers: ['x-method', req.method, 'x-dest', req.headers.get('x-meshbench-destination') ?? ''],
  body: `${req.path}:${req.body.toString()}`,
}));
let port = 0;
beforeAll(async () => {
  await new Promise<void>((r) => raw.server.listen(0, '127.0.0.1', () => r()));
  port = (raw.server.address() as AddressInfo).port;
});
afterAll(() => raw.close());

/** Writes raw bytes, collects everything until the server closes or `ms` passes. */
function exchange(bytes: string, ms = 500): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => {
      out += d.toString('latin1');
    });
    const done = () => resolve(out);
    s.on('close', done);
    setTimeout(() => {
      s.destroy();
      done();
    }, ms);
    s.write(bytes);
  });
}

describe('createRawHttpServer', () => {
  it('answers pipelined keep-alive requests in order, with bodies and content-length', async () => {
    const out = await exchange(
      'POST /a HTTP/1.1\r\nHost: x\r\nX-Meshbench-Destination: d.ns\r\nContent-Length: 3\r\n\r\nabcGET /missing HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    const responses = out.split('HTTP/1.1 ').filter(Boolean);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^200 OK\r\n/);
    expect(responses[0]).toContain('x-method: POST');
    expect(responses[0]).toContain('x-dest: d.ns');
    expect(responses[0]).toContain('content-length: 6\r\n\r\n/a:abc');
    expect(responses[1]).toMatch(/^404 Not Found\r\n[\s\S]*\/missing:$/);
  });

  it('closes after Connection: close and after HTTP/1.0', async () => {
    const t0 = Date.now();
    const out = await exchange('GET /x HTTP/1.1\r\nConnection: close\r\n\r\n', 2000);
    expect(out).toContain('connection: close');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await exchange('GET /y HTTP/1.0\r\n\r\n', 2000)).toContain('/y:');
  });

  it('rejects malformed requests and chunked bodies', async () => {
    expect(await exchange('NONSENSE\r\n\r\n')).toMatch(/^HTTP\/1.1 400/);
    expect(await exchange('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')).toMatch(
      /^HTTP\/1.1 501/,
    );
  });
});
