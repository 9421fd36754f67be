/**
 * Child entry: Bookinfo for one namespace (`node --import tsx bookinfo-main.ts '{"namespace":"ns-1"}'`).
 * Routes arrive as JSON lines on stdin (`{"seq":1,"routes":{…}}`) and are acknowledged on stdout.
 */
import { createInterface } from 'node:readline';
import { type BookinfoConfig, startBookinfo } from './bookinfo-server.ts';
import { announceReady, exitWithParent, raiseComponentPriority, readConfigArg } from './child-entry.ts';

import { ROUTES_ACK_PREFIX } from './bookinfo-protocol.ts';

raiseComponentPriority();
const config = readConfigArg<BookinfoConfig>();
const running = await startBookinfo(config);
exitWithParent(() => running.close());
createInterface({ input: process.stdin }).on('line', (line) => {
  try {
    const msg = JSON.parse(line) as { seq: number; routes: Parameters<typeof running.setRoutes>[0] };
    void running.setRoutes(msg.routes).then(() => process.stdout.write(`${ROUTES_ACK_PREFIX}${msg.seq}\n`));
  } catch (e) {
    process.stderr.write(`bad control line: ${(e as Error).message}\n`);
  }
});
announceReady({ ports: running.ports, pid: process.pid });
