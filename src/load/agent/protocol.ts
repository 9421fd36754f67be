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

/**
 * The JSON a pod printed between two marker lines (the last such block of its log), so it can be found
 * among any other output; undefined when the markers are missing, cut off, or the JSON does not parse.
 */
export function jsonBetweenMarkers(log: string, beginMarker: string, endMarker: string): unknown {
  const begin = log.lastIndexOf(beginMarker);
  if (begin < 0) return undefined;
  const end = log.indexOf(endMarker, begin);
  if (end < 0) return undefined;
  try {
    return JSON.parse(log.slice(begin + beginMarker.length, end).trim());
  } catch {
    return undefined;
  }
}

/** Finds the LoadResult in an agent's log; undefined when the markers are missing or incomplete. */
export function parseAgentResult(log: string): LoadResult | undefined {
  return jsonBetweenMarkers(log, RESULT_BEGIN, RESULT_END) as LoadResult | undefined;
}
