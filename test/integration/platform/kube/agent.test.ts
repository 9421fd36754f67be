import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent, bootScript, unpackedFiles } from '../../../../src/load/agent/bundle.ts';
import { type AgentConfig, parseAgentResult } from '../../../../src/load/agent/protocol.ts';
import type { ConfigMap, Secret } from 'kubernetes-models/v1';
import type { Job } from 'kubernetes-models/batch/v1';
import { mergeAgentResults } from '../../../../src/load/merge-agents.ts';
import { manifestJson } from '../../../../src/platform/kube/manifests/types.ts';
import { buildAgentObjects } from '../../../../src/platform/kube/manifests/load.ts';
import { listen, schedule as loadSchedule, type TestTarget } from '../../load/helpers.ts';

let server: Server;
let target: TestTarget;
let url: string;
let dir: string;
let requests = 0;
const seen = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    if (req.headers.authorization) seen.add(req.headers.authorization);
    res.end('ok');
  });
  target = await listen(server);
  url = `${target.url}productpage`;
  dir = await mkdtemp(join(tmpdir(), 'mb-agent-'));
});
afterAll(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
  expect(server.listening).toBe(false);
});

const schedule = () =>
  loadSchedule({ url, rate: 200, connections: 4, durationMs: 2000, startOffsetMs: 500, workers: 'auto' });

/** Lays out the ConfigMap as the pod sees it (data + binaryData files) and runs `node boot.cjs`. */
async function runPod(mount: string, config: AgentConfig, env: Record<string, string> = {}) {
  const bundle = await bundleAgent({ mount });
  const objs = buildAgentObjects({ tenant: config.tenant, bundle, config, placement: {} });
  const cm = objs.find((o) => o.kind === 'ConfigMap') as ConfigMap;
  const secret = objs.find((o) => o.kind === 'Secret') as Secret | undefined;
  for (const o of objs) o.validate();
  for (const [k, v] of Object.entries(unpackedFiles(bundle))) await writeFile(join(mount, k), v);
  await writeFile(join(mount, 'config.json'), cm.data!['config.json']);
  // The projected volume: the Secret's files next to the ConfigMap's.
  for (const [k, v] of Object.entries(secret?.stringData ?? {})) await writeFile(join(mount, k), v);
  return await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(mount, 'boot.cjs'), join(mount, 'config.json')],
      { env: { ...process.env, ...env, MESHBENCH_AGENT_UNPACK: join(mount, 'unpacked') }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the in-cluster agent, bundled and delivered as a ConfigMap', () => {
  it('fits a ConfigMap (gzipped binaryData), boots in plain Node, waits for the coordinated start, prints its LoadResult', async () => {
    const mount = await mkdtemp(join(dir, 'pod-'));
    const bundle = await bundleAgent({ mount });
    expect(bundle.configMapBytes).toBeLessThan(1024 * 1024);
    expect(bootScript(mount)).toContain('agentMain');
    const startAt = Date.now() + 4000;
    requests = 0;
    const r = await runPod(mount, { tenant: 'ns-2', startAt, schedule: schedule() });
    expect(r.stderr).not.toContain('failed');
    expect(r.code).toBe(0);
    const result = parseAgentResult(`some log line\n${r.stdout}`);
    expect(result).toBeDefined();
    expect(result!.schedule.startOffsetMs).toBe(500);
    // The first request was due at the coordinated start plus the tenant's offset, not when the pod came up.
    expect(Math.abs(result!.startedAt - (startAt + 500))).toBeLessThan(400);
    expect(result!.outcomes.ok).toBeGreaterThan(300);
    expect(requests).toBeGreaterThan(300);
  });

  it('several agents: an Indexed Job whose pods each drive their share, merged into the one-agent schedule', async () => {
    const config = { tenant: 'ns-1', startAt: 0, schedule: { ...schedule(), agents: 3 } };
    const job = buildAgentObjects({
      tenant: 'ns-1',
      bundle: await bundleAgent({ mount: dir }),
      config,
      placement: {},
    })
      .map(manifestJson)
      .find((o) => o?.kind === 'Job') as unknown as Job;
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 3,
      backoffLimitPerIndex: 0,
      maxFailedIndexes: 3,
    });
    expect(job.spec?.backoffLimit).toBeUndefined();
    const startAt = Date.now() + 5000;
    requests = 0;
    // Three "pods" at once, each told its completion index as Kubernetes tells an Indexed Job's pods.
    const runs = await Promise.all(
      [0, 1, 2].map(async (index) =>
        runPod(
          await mkdtemp(join(dir, `pod-${index}-`)),
          { ...config, startAt },
          {
            JOB_COMPLETION_INDEX: String(index),
          },
        ),
      ),
    );
    const outcomes = runs.map((r, index) => {
      expect(r.code, r.stderr).toBe(0);
      return { index, result: parseAgentResult(r.stdout)! };
    });
    expect(outcomes.map((o) => o.result.schedule.shard)).toEqual(
      [0, 1, 2].map((index) => ({ index, of: 3 })),
    );
    const merged = mergeAgentResults(config.schedule, outcomes, startAt + 500);
    // 200 req/s for 2 s over 4 connections: agent 0 drives connections 0 and 3, agents 1 and 2 one each.
    expect(merged.requests.intended).toBe(400);
    expect(merged.outcomes.ok).toBe(400);
    expect(requests).toBe(404); // and one warm-up request per connection
    expect(merged.agents?.map((a) => a.connections)).toEqual([2, 1, 1]);
  });

  it('one of several agents without its completion index refuses to guess its share', async () => {
    const mount = await mkdtemp(join(dir, 'pod-'));
    const r = await runPod(mount, { tenant: 'ns-1', startAt: 0, schedule: { ...schedule(), agents: 3 } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/one of 3 but JOB_COMPLETION_INDEX is undefined; run it as an Indexed Job/);
  });

  it('runs worker threads from the unpacked engine-worker.js (rates past one core)', async () => {
    const mount = await mkdtemp(join(dir, 'pod-'));
    const r = await runPod(mount, {
      tenant: 'ns-1',
      startAt: 0,
      schedule: { ...schedule(), startOffsetMs: 0, durationMs: 1500, workers: 2 },
    });
    expect(r.code).toBe(0);
    const result = parseAgentResult(r.stdout);
    expect(result?.engine.workers).toBe(2);
    expect(result?.outcomes.ok).toBeGreaterThan(200);
  });

  it('sends the credential header from its Secret, and its pod log never shows it (issue 11)', async () => {
    const mount = await mkdtemp(join(dir, 'pod-'));
    seen.clear();
    const r = await runPod(mount, {
      tenant: 'ns-1',
      startAt: 0,
      schedule: {
        ...schedule(),
        startOffsetMs: 0,
        durationMs: 500,
        headers: { authorization: 'Bearer s3cret' },
      },
    });
    expect(r.code, r.stderr).toBe(0);
    expect([...seen]).toEqual(['Bearer s3cret']);
    expect(r.stdout + r.stderr).not.toContain('s3cret');
    expect(parseAgentResult(r.stdout)?.schedule.headers).toEqual({ authorization: '[redacted]' });
  });

  it('refuses to run when it comes up after the coordinated start (the stagger would not hold)', async () => {
    const mount = await mkdtemp(join(dir, 'pod-'));
    const r = await runPod(mount, { tenant: 'ns-1', startAt: Date.now() - 5000, schedule: schedule() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/agent ns-1 started \d+ ms after the coordinated start/);
    expect(parseAgentResult(r.stdout)).toBeUndefined();
  });
});

describe('parseAgentResult', () => {
  it('finds the result between markers and rejects a cut-off log', () => {
    expect(parseAgentResult('no markers')).toBeUndefined();
    expect(parseAgentResult('----- meshbench-agent-result-begin -----\n{"a":1')).toBeUndefined();
  });
});
