/**
 * The isolation scores of a run as words (pure, unescaped): one line putting the variants side by side
 * ("dedicated 1.02 [0.97–1.08], shared 1.90 [1.70–2.20]") and how they were measured, or why not.
 */
import type { IsolationScore } from '../analysis/isolation.ts';
import type { RunSummary } from '../analysis/summary-types.ts';

export interface IsolationText {
  /** "ns-1's p99 after ns-2 starts ÷ before". */
  heading: string;
  /** Per variant: "dedicated 1.02 [0.97–1.08]" or "dedicated: not measured (why)"; one line when no variant has a score for the same reason. */
  variants: string[];
  /** The window and method, from the first variant with a score. */
  method?: string;
  /** True when at least one variant has a score. */
  any: boolean;
}

const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');

export function isolationText(summary: RunSummary): IsolationText | undefined {
  const withIso = summary.variants.filter((v) => v.isolation);
  if (withIso.length === 0) return undefined;
  const scored = withIso
    .map((v) => v.isolation)
    .find((i): i is IsolationScore => !!i && !('unavailable' in i));
  const first = withIso[0].isolation;
  const earlier = scored?.earlier ?? first?.earlier;
  const later = scored?.later ?? first?.later;
  const reasons = new Set(
    withIso.map((v) => v.isolation).map((i) => (i && 'unavailable' in i ? i.unavailable : '')),
  );
  // One shared reason reads once, not once per variant.
  const variants =
    !scored && reasons.size === 1
      ? [`not measured for any variant (${[...reasons][0]})`]
      : withIso.map((v) => {
          const i = v.isolation!;
          return 'unavailable' in i
            ? `${v.name}: not measured (${i.unavailable})`
            : `${v.name} ${f(i.score)} [${f(i.p99.lo)}–${f(i.p99.hi)}]`;
        });
  return {
    heading:
      earlier && later
        ? `isolation: ${earlier}'s p99 after ${later} starts ÷ before (95% interval)`
        : 'isolation: the earlier tenant’s p99 after the later one starts ÷ before',
    variants,
    ...(scored ? { method: scored.method } : {}),
    any: !!scored,
  };
}
