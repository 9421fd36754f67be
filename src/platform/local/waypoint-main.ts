/**
 * Child entry: one waypoint process (`node --import tsx waypoint-main.ts '<json WaypointConfig>'`). With
 * more than one worker it is the primary of that many worker processes (waypoint-workers.ts), which
 * re-enter here.
 */
import cluster from 'node:cluster';
import { announceReady, exitWithParent, raiseComponentPriority, readConfigArg } from './child-entry.ts';
import { startWaypointServer, type WaypointConfig } from './waypoint-server.ts';
import { runWaypointWorker, startWaypointPrimary } from './waypoint-workers.ts';

raiseComponentPriority();
const config = readConfigArg<WaypointConfig>();
if (config.workers > 1 && cluster.isWorker) {
  await runWaypointWorker(config);
} else if (config.workers > 1) {
  const running = await startWaypointPrimary(config);
  exitWithParent(() => running.close());
  announceReady({
    port: running.port,
    adminPort: running.adminPort,
    pid: process.pid,
    workerPids: running.workerPids,
  });
} else {
  const running = await startWaypointServer(config);
  exitWithParent(() => running.close());
  announceReady({ port: running.port, adminPort: running.adminPort, pid: process.pid, workerPids: [] });
}
