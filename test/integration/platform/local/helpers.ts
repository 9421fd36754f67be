/** Shared set-up for the local platform's integration tests: plans from inline suites, HTTP calls, leak checks. */
import { existsSync, readdirSync } from 'node:fs';
import { request } from 'undici';
import { expect } from 'vitest';
import { expandSuite } from '../../../../src/suite/expand.ts';
import type { RunPlan } from '../../../../src/suite/plan.ts';
import type { SuiteInput } from '../../../../src/suite/schema.ts';
import { validateSuite } from '../../../../src/suite/validate.ts';
import { taggedProcesses, waitForNoTagged } from '../../../helpers/leaks.ts';
import { expectClosed } from '../../load/helpers.ts';

export function buildPlan(
  overrides: Partial<SuiteInput> = {},
  waypoint: Record<string, unknown> = {},
): RunPlan {
  const raw: SuiteInput = {
    name: 'local-it',
    tenants: [
      { name: 'ns-1', startOffset: '0s' },
      { name: 'ns-2', startOffset: '0s' },
    ],
    load: { model: 'open', rate: 50, connections: 5, duration: '2s' },
    topology: {
      variants: [
        { name: 'dedicated', waypoints: 'dedicated' },
        { name: 'shared', waypoints: 'shared', host: 'ns-1' },
        { name: 'none', waypoints: 'none' },
        { name: 'ps', waypoints: 'per-service', services: { ratings: 'none', productpage: 'waypoint' } },
      ],
      waypoint: { cpuLimit: 0.5, maxConnections: 50, maxPendingRequests: 50, maxRequests: 50, ...waypoint },
    },
    policy: { methods: ['GET'], sourceNamespaces: ['ns-1', 'ns-2'] },
    // These tests exercise the host envelope as given (a real or emulated quota of cpuLimit); calibration
    // and the modelled CPU have their own tests.
    platforms: { local: { cpu: 'host', calibrate: false } },
    ...overrides,
  };
  const valid = validateSuite(raw, 'inline');
  if (!valid.ok) throw valid.error;
  return expandSuite(valid.value, { platform: 'local', source: 'inline', scale: 1 });
}

export async function get(
  url: string,
  headers: Record<string, string>,
  method: 'GET' | 'POST' = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const r = await request(url, { method, headers, body: method === 'POST' ? 'x' : undefined });
  return { status: r.statusCode, body: await r.body.text(), headers: r.headers };
}

/** Whether a port accepts connections (the inverse of expectClosed). */
export async function listening(port: number): Promise<boolean> {
  return !(await expectClosed(port));
}

export function meshbenchCgroups(pid = process.pid): string[] {
  const root = '/sys/fs/cgroup/cpu';
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => n.startsWith(`meshbench-${pid}-`));
}

/** The leak guard: no tagged process, none of the ports listening, no cgroup of this test process. */
export async function expectNothingLeft(tag: string, ports: number[]): Promise<void> {
  expect(await waitForNoTagged(tag, 5000)).toEqual([]);
  for (const p of ports) expect(await listening(p)).toBe(false);
  expect(meshbenchCgroups()).toEqual([]);
  expect(taggedProcesses(tag)).toEqual([]);
}
