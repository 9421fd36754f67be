/** Up-front reachability check for `meshbench load`: DNS, then a TCP connect, with a deadline. */
import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { MeshbenchError } from '../errors.ts';
import { errorCode } from './classify-error.ts';
import { targetAddress } from './raw-http.ts';

/** Throws MeshbenchError TARGET_UNREACHABLE when the host does not resolve or refuses/ignores a connection. */
export async function probeTarget(url: string, timeoutMs: number): Promise<void> {
  const { host, port } = targetAddress(url);
  let address: string;
  try {
    address = (await lookup(host)).address;
  } catch (cause) {
    throw new MeshbenchError(
      'TARGET_UNREACHABLE',
      `cannot resolve host "${host}" of ${url} (${errorCode(cause)})`,
      {
        input: 'url',
        value: url,
        fix: 'check the host name, or use an IP address',
        cause,
      },
    );
  }
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: address, port });
    const fail = (why: string, cause?: unknown) => {
      socket.destroy();
      reject(
        new MeshbenchError('TARGET_UNREACHABLE', `cannot connect to ${host}:${port} for ${url} (${why})`, {
          input: 'url',
          value: url,
          fix: 'start the server or correct the host and port',
          cause,
        }),
      );
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (err) => fail(errorCode(err), err));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}
