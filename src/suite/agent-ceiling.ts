/**
 * How many load agents a tenant gets with `load.agents: 'auto'` (pure). On Kubernetes, one per
 * AGENT_RATE_CEILING of the tenant's rate: the highest rate one meshbench process held with its fidelity intact
 * in the capacity sweep (`npm run bench:engine -- --capacity`, all cores), so no agent is asked for more than
 * one was measured to carry. Locally, one: agents on one machine share its cores, and one process already
 * uses all of them through worker threads — more processes add coordination, not capacity.
 */
import type { PlatformName } from './schema.ts';

export const AGENT_RATE_CEILING = {
  /** Requests per second one agent carries faithfully. */
  rps: 9000,
  /** Where the figure comes from (README "Engine capacity"). */
  source:
    'npm run bench:engine -- --capacity on the 2-core reference machine, 2026-12-01: meshbench with one worker (its 2-worker figure was lower here: the worker threads share two cores with the truth server)',
} as const;

export function resolveAgents(
  agents: number | 'auto',
  platform: PlatformName,
  load: { model: 'open' | 'closed'; rate?: number; connections: number },
): number {
  if (agents !== 'auto') return agents;
  if (platform === 'local' || load.model === 'closed' || load.rate === undefined) return 1;
  return Math.max(1, Math.min(load.connections, Math.ceil(load.rate / AGENT_RATE_CEILING.rps)));
}
