/**
 * What an in-cluster agent and the driver agree on (pure): its config file, and its LoadResult printed
 * between two marker lines on stdout so the driver can find it in the pod log among any other output.
 */
import { redactHeaders } from '../redact.ts';
import type { LoadResult, LoadSchedule } from '../types.ts';

export const RESULT_BEGIN = '----- meshbench-agent-result-begin -----';
export const RESULT_END = '----- meshbench-agent-result-end -----';

/** /etc/meshbench/config.json. */
export interface AgentConfig {
  tenant: string;
  /** Epoch ms all agents wait for; each schedule then honours its own startOffsetMs (the stagger). */
  startAt: number;
  schedule: LoadSchedule;
}

/** headers.json: the agent's credential headers, from its Secret, next to config.json. */
export const AGENT_SECRET_HEADERS = 'headers.json';

/** The result as the pod log carries it: credential header values [redacted] (logs are widely readable). */
export function formatAgentResult(result: LoadResult): string {
  const shown = {
    ...result,
    schedule: { ...result.schedule, headers: redactHeaders(result.schedule.headers) },
  };
  return `${RESULT_BEGIN}\n${JSON.stringify(shown)}\n${RESULT_END}\n`;
}

/** Finds the LoadResult in an agent's log; undefined when the markers are missing or incomplete. */
export function parseAgentResult(log: string): LoadResult | undefined {
  const begin = log.lastIndexOf(RESULT_BEGIN);
  if (begin < 0) return undefined;
  const end = log.indexOf(RESULT_END, begin);
  if (end < 0) return undefined;
  const json = log.slice(begin + RESULT_BEGIN.length, end).trim();
  try {
    return JSON.parse(json) as LoadResult;
  } catch {
    return undefined;
  }
}
