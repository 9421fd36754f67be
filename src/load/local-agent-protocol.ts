/** What the local driver and its agent processes say to each other over IPC (local-agents.ts ↔ local-agent-main.ts). */
import type { LoadResult, LoadSchedule } from './types.ts';

export interface LocalAgentInit {
  tenant: string;
  schedule: LoadSchedule;
  /** Report each second's figures (the live display). */
  progress: boolean;
}
export type ToAgent = { type: 'start'; startAt: number } | { type: 'abort' };
export type FromAgent =
  | { type: 'prepared' }
  | { type: 'second'; t: number; completed: number; errors: number; histogram: string }
  | { type: 'result'; result: LoadResult }
  | { type: 'failed'; message: string };
