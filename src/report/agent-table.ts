/**
 * One row per load agent of each tenant, when a tenant's load was spread over several (pure, unescaped):
 * each agent's share, what it achieved and how far it lagged, so an agent that could not keep up or died is
 * visible beside the merged figures. Shared by Markdown and HTML.
 */
import type { RunResult } from '../result/types.ts';
import { fmtMs } from './format.ts';
import { left, type PlainTable, right } from './table-model.ts';

export function buildAgentTable(result: RunResult): PlainTable {
  const repeats = result.plan.repeats > 1;
  return {
    columns: [
      left('variant'),
      left('tenant'),
      right('agent'),
      right('connections'),
      right('offered rps'),
      right('achieved rps'),
      right('completed'),
      right('errors'),
      right('lag p99 ms'),
      right('max lag ms'),
      left('status'),
    ],
    rows: result.variants.flatMap((v) =>
      v.tenants.flatMap((t) =>
        (t.load.agents ?? []).map((a) => [
          `${repeats ? `${v.name} #${v.repeat}` : v.name}${v.load ? ` @ ${v.load.rate ?? v.load.connections} (${v.load.factor}×)` : ''}`,
          t.tenant,
          String(a.index),
          String(a.connections),
          a.rate === undefined ? '—' : a.rate.toFixed(0),
          a.achievedRps.toFixed(0),
          String(a.completed),
          String(a.errors),
          fmtMs(a.lagP99Ms),
          fmtMs(a.maxLagMs),
          a.failed ? `failed: ${a.failed}` : 'ok',
        ]),
      ),
    ),
  };
}
