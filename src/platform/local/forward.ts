/** One proxied HTTP/1.1 exchange over an undici Pool, buffered (bodies are small) without stream objects. */
import type { IncomingMessage } from 'node:http';
import type { Dispatcher, Pool } from 'undici';

export interface ForwardedResponse {
  statusCode: number;
  /** Flat [name, value, …] list minus hop-by-hop headers, content-length set. */
  headers: string[];
  body: Buffer;
}

const DROP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export function forward(
  pool: Pool,
  req: { path: string; method: string; headers: string[]; body: IncomingMessage | null },
): Promise<ForwardedResponse> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    const headers: string[] = [];
    const chunks: Buffer[] = [];
    const handler: Dispatcher.DispatchHandler = {
      onConnect() {},
      onError: reject,
      onHeaders(status, raw) {
        statusCode = status;
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i].toString();
          if (!DROP.has(name.toLowerCase())) headers.push(name, raw[i + 1].toString());
        }
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        headers.push('content-length', String(body.length));
        resolve({ statusCode, headers, body });
      },
    };
    pool.dispatch(
      {
        path: req.path,
        method: req.method as Dispatcher.HttpMethod,
        headers: req.headers,
        body: req.body ?? null,
      },
      handler,
    );
  });
}
