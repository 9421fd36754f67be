import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawPool } from '../../../../src/platform/local/raw-pool.ts';
import { listen, type TestTarget } from '../../load/helpers.ts';

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (d) => parts.push(d));
  req.on('end', () => {
    if (req.url === '/chunked') {
      res.writeHead(201, { 'x-kind': 'chunked' });
      res.write('hello ');
      setTimeout(() => res.end('world'), 20);
      return;
    }
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 300);
    const body = JSON.stringify({
      method: req.method,
      url: req.url,
      h: req.headers['x-a'],
      body: Buffer.concat(parts).toString(),
      port: req.socket.remotePort,
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
let port = 0;
let target: TestTarget;
beforeAll(async () => {
  target = await listen(server);
  port = target.port;
});
afterAll(() => target.close());

describe('RawPool', () => {
  it('sends method, path, headers and body; parses content-length and chunked responses', async () => {
    const pool = new RawPool(port, 2);
    try {
      const r = await pool.request({
        method: 'POST',
        path: '/x?y=1',
        headers: ['x-a', 'b'],
        body: Buffer.from('payload'),
      });
      expect(r.statusCode).toBe(200);
      expect(JSON.parse(r.body.toString())).toMatchObject({
        method: 'POST',
        url: '/x?y=1',
        h: 'b',
        body: 'payload',
      });
      expect(r.headers).toContain('content-type');
      expect(r.headers).not.toContain('content-length');
      const c = await pool.request({ method: 'GET', path: '/chunked', headers: [] });
      expect(c.statusCode).toBe(201);
      expect(c.body.toString()).toBe('hello world');
      expect(c.headers).toEqual(expect.arrayContaining(['x-kind', 'chunked']));
    } finally {
      await pool.destroy();
    }
  });

  it('reuses keep-alive connections and never opens more than its limit', async () => {
    const pool = new RawPool(port, 2);
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => pool.request({ method: 'GET', path: '/', headers: [] })),
      );
      const sourcePorts = new Set(results.map((r) => JSON.parse(r.body.toString()).port));
      expect(sourcePorts.size).toBeLessThanOrEqual(2);
      expect(pool.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.destroy();
    }
  });

  it('fails a request on timeout or a refused connection instead of hanging', async () => {
    const pool = new RawPool(port, 1);
    await expect(pool.request({ method: 'GET', path: '/slow', headers: [], timeoutMs: 50 })).rejects.toThrow(
      /timeout/,
    );
    await pool.destroy();
    const dead = new RawPool(1, 1);
    await expect(dead.request({ method: 'GET', path: '/', headers: [] })).rejects.toThrow();
    await dead.destroy();
  });
});
