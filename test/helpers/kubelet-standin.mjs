// A stand-in kubelet (and a waypoint pod's Envoy stats port) inside a network namespace, for the real
// API server's node and pod proxies, which refuse loopback addresses. It serves the recorded payloads of
// fixtures/kube/: the Summary API and cAdvisor on :10250 (HTTPS, as a kubelet), Envoy's Prometheus stats
// on :15020. Plain Node (no tsx): it runs under `ip netns exec`. Args: address, key, cert, fixtures dir.
import { readFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { join } from 'node:path';

const [address, key, cert, fixtures] = process.argv.slice(2);
const file = (name) => readFileSync(join(fixtures, name));
const routes = {
  '/stats/summary': ['application/json', file('summary-mesh-node.json')],
  '/metrics/cadvisor': ['text/plain; version=0.0.4', file('cadvisor-mesh-node.txt')],
  '/stats/prometheus': ['text/plain; version=0.0.4', file('envoy-waypoint-stats.txt')],
};
const handler = (req, res) => {
  const hit = routes[new URL(req.url, 'http://x').pathname];
  if (!hit) {
    res.writeHead(404);
    return res.end('not found');
  }
  res.writeHead(200, { 'content-type': hit[0] });
  res.end(hit[1]);
};
const kubelet = createHttps({ key: readFileSync(key), cert: readFileSync(cert) }, handler);
const envoy = createHttp(handler);
let up = 0;
const ready = () => {
  if (++up === 2) process.stdout.write('ready\n');
};
kubelet.listen(10250, address, ready);
envoy.listen(15020, address, ready);
// Gone with the test: its stdin closes when the parent ends.
process.stdin.on('end', () => process.exit(0)).resume();
