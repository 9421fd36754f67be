/** Events the orchestrator emits; the CLI's live display (and any script) subscribes to them. */
import type { LoadProgress } from '../load/types.ts';
import type { Verdict } from '../result/types.ts';
import type { VariantLoad } from '../suite/plan.ts';
import type { ProbeVerdict } from '../analysis/capacity-search.ts';

export type RunEvent =
  | { type: 'run-start'; dir: string; platform: string; variants: number }
  | { type: 'log'; message: string }
  | { type: 'platform-up'; ms: number }
  | {
      type: 'variant-start';
      index: number;
      total: number;
      name: string;
      repeat: number;
      expectedMs: number;
      /** A sweep step's or search probe's load. */
      load?: VariantLoad;
    }
  | { type: 'progress'; variant: string; elapsedMs: number; expectedMs: number; tenant: LoadProgress }
  | { type: 'cpu'; variant: string; component: string; cores: number; limitCores?: number }
  | {
      type: 'variant-end';
      name: string;
      repeat: number;
      complete: boolean;
      error?: string;
      load?: VariantLoad;
      /** A search probe's verdict against the SLO. */
      probe?: ProbeVerdict;
    }
  | { type: 'verdicts'; verdicts: Verdict[] }
  | { type: 'run-end'; dir: string; complete: boolean };

export type RunEventListener = (event: RunEvent) => void;
