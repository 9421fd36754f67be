/**
 * The preflight probe pod's script, run as the pod runs it (`node -e`, env from the Job) against a real
 * loopback server standing in for the waypoint: answers parsed from its log, judged as the platform does.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'kubernetes-models/batch/v1';
import type { Secret } from 'kubernetes-models/v1';
import { buildProbeObjects, parseProbeAnswers } from '../../../../src/platform/kube/manifests/probe.ts';
import { judgeKubeProbes, planKubeProbes } from '../../../../src/platform/kube/preflight-plan.ts';
import { twoTenantTopology } from '../../../helpers/topology.ts';
import { listen, type TestTarget } from '../../load/helpers.ts';

let server: Server;
let target: TestTarget;
const seen: Array<{ method: string; authorization?: string }> = [];

beforeAll(async () => {
  // The waypoint's RBAC: GET passes, anything else gets Envoy's local reply.
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', authorization: req.headers.authorization });
    req.resume();
    if (req.method === 'GET') res.end('<html>productpage</html>');
    else {
      res.writeHead(403, { server: 'istio-envoy' });
      res.end('RBAC: access denied');
    }
  });
  target = await listen(server);
});
afterAll(async () => {
  await target.close();
  expect(server.listening).toBe(false);
});

/** Runs the Job's container command with its environment (secretKeyRef resolved from the Secret). */
function runProbePod(job: Job, secret?: Secret): Promise<string> {
  const c = job.spec!.template.spec!.containers[0];
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env[e.name] = secret?.stringData?.[ref.key] ?? '';
  }
  const [cmd, ...args] = c.command ?? [];
  expect(cmd).toBe('node');
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      args,
      { env: { ...env, PATH: process.env.PATH ?? '' }, timeout: 20_000 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
}

describe('the preflight probe pod (issue 11: the Kubernetes platforms probe through the same step)', () => {
  it('sends each probe once with its Secret header, and its answers are judged by status and RBAC body', async () => {
    const topology = twoTenantTopology({ name: 'dedicated', waypoints: 'dedicated' });
    const port = Number(new URL(target.url).port);
    // The probe URL is the in-cluster service name; point it at the loopback stand-in instead.
    const tenants = ['ns-1', 'ns-2'].map((ns) => ({
      name: ns,
      namespace: ns,
      service: 'productpage',
      port,
      path: '/productpage',
      method: 'GET',
      headers: { authorization: 'Bearer s3cret', 'x-trace': 'p' },
      startOffsetMs: 0,
    }));
    const plan = planKubeProbes(topology, tenants);
    const answers = [];
    for (const [namespace, requests] of plan.byNamespace) {
      const local = requests.map((r) => ({
        ...r,
        url: r.url.replace(/^http:\/\/[^/]+/, target.url.replace(/\/$/, '')),
      }));
      const objs = buildProbeObjects({ namespace, requests: local, placement: {} });
      for (const o of objs) o.validate();
      const job = objs.find((o) => o.kind === 'Job') as Job;
      expect(JSON.stringify(job)).not.toContain('s3cret');
      const log = await runProbePod(job, objs.find((o) => o.kind === 'Secret') as Secret | undefined);
      expect(log).not.toContain('s3cret');
      answers.push(...(parseProbeAnswers(`pod started\n${log}`) ?? []));
    }
    expect(seen.map((s) => s.method).sort()).toEqual(['GET', 'GET', 'GET', 'GET', 'POST', 'POST']);
    expect(seen.every((s) => s.authorization === 'Bearer s3cret')).toBe(true);
    // The stand-in cannot tell the outsider apart (one server): its denied-source probes get 200 and fail.
    const outcomes = judgeKubeProbes(plan, answers);
    expect(outcomes.map((o) => `${o.tenant} ${o.name} ${o.status} ${o.ok}`)).toEqual([
      'ns-1 allowed 200 true',
      'ns-1 denied-method 403 true',
      'ns-1 denied-source 200 false',
      'ns-2 allowed 200 true',
      'ns-2 denied-method 403 true',
      'ns-2 denied-source 200 false',
    ]);
  });

  it('judges an application 403 (no RBAC body) as not the waypoint, and a missing answer as a failure', () => {
    const plan = planKubeProbes(twoTenantTopology({ name: 'dedicated', waypoints: 'dedicated' }), [
      {
        name: 'ns-1',
        namespace: 'ns-1',
        service: 'productpage',
        port: 9080,
        path: '/',
        method: 'GET',
        headers: {},
        startOffsetMs: 0,
      },
    ]);
    const outcomes = judgeKubeProbes(plan, [
      { id: 'ns-1:allowed', status: 200 },
      { id: 'ns-1:denied-method', status: 403, body: 'Forbidden by the app' },
    ]);
    expect(outcomes.map((o) => [o.name, o.ok, o.error])).toEqual([
      ['allowed', true, undefined],
      ['denied-method', false, undefined],
      ['denied-source', false, 'the probe pod gave no answer for it'],
    ]);
    expect(parseProbeAnswers('no markers')).toBeUndefined();
  });
});
