/** Child entry: one waypoint process (`node --import tsx waypoint-main.ts '<json WaypointConfig>'`). */
import { announceReady, exitWithParent, raiseComponentPriority, readConfigArg } from './child-entry.ts';
import { startWaypointServer, type WaypointConfig } from './waypoint-server.ts';

raiseComponentPriority();
const config = readConfigArg<WaypointConfig>();
const running = await startWaypointServer(config);
exitWithParent(() => running.close());
announceReady({ port: running.port, adminPort: running.adminPort, pid: process.pid });
