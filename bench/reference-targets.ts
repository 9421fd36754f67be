/**
 * The reference benchmark's targets (pure), judged on the figures of every run. They hold for any suite shaped
 * like the reference experiment: variants named dedicated and shared, tenants ns-1 and ns-2.
 */
import { type RunFigures, spreadAcross } from './reference-figures.ts';

export interface Target {
  /** The target's number in the list (several entries share one when it is judged per waypoint or tenant). */
  id: number;
  name: string;
  /** 'every run': `measured` holds one value per run; 'across runs': one value over them. */
  scope: 'every run' | 'across runs';
  measured: number | null | Array<number | null>;
  /** The bound each measured value must meet, e.g. 'in [0.5, 0.7]', '< 0.1'. */
  bound: string;
  met: boolean;
  note?: string;
}

export interface BenchVerdict {
  /** Whether the targets apply to this suite (they need dedicated/shared variants and tenants ns-1, ns-2). */
  applies: boolean;
  targets: Target[];
  /** Runs that cannot be judged: no result, or cut short. */
  problems: string[];
  notes: string[];
  met: boolean;
  /** One line per missed target or problem. */
  missed: string[];
}

interface Bound {
  text: string;
  holds(x: number): boolean;
}
const within = (lo: number, hi: number): Bound => ({
  text: `in [${lo}, ${hi}]`,
  holds: (x) => x >= lo && x <= hi,
});
const below = (max: number): Bound => ({ text: `< ${max}`, holds: (x) => x < max });
const atMost = (max: number): Bound => ({ text: `≤ ${max}`, holds: (x) => x <= max });
const equals = (value: number): Bound => ({ text: `= ${value}`, holds: (x) => x === value });

const REFERENCE_PAIRS = [
  ['dedicated', 'ns-1'],
  ['dedicated', 'ns-2'],
  ['shared', 'ns-1'],
  ['shared', 'ns-2'],
] as const;

/** True when some run measured both tenants ns-1 and ns-2 in both variants dedicated and shared. */
export function isReferenceShaped(runs: readonly RunFigures[]): boolean {
  return runs.some((r) =>
    REFERENCE_PAIRS.every(([v, t]) => r.tenants.some((x) => x.variant === v && x.tenant === t)),
  );
}

function everyRun(
  id: number,
  name: string,
  values: Array<number | null>,
  bound: Bound,
  note?: string,
): Target {
  const missing = values.flatMap((v, i) => (v === null ? [`run ${i + 1}`] : []));
  const notes = [
    ...(missing.length ? [`not measured in ${missing.join(', ')}`] : []),
    ...(note ? [note] : []),
  ];
  return {
    id,
    name,
    scope: 'every run',
    measured: values,
    bound: bound.text,
    met: values.length > 0 && values.every((v) => v !== null && bound.holds(v)),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

const tenantOf = (r: RunFigures, variant: string, tenant: string) =>
  r.tenants.find((t) => t.variant === variant && t.tenant === tenant);

/** The targets over the given runs (each finished run, in order). */
export function evaluateTargets(runs: readonly RunFigures[]): Target[] {
  const targets: Target[] = [];
  // 1. Each dedicated waypoint near (not at) its quota.
  const components = [
    ...new Set(
      runs.flatMap((r) => r.waypoints.filter((w) => w.variant === 'dedicated').map((w) => w.component)),
    ),
  ].sort();
  if (components.length === 0)
    targets.push({
      id: 1,
      name: 'dedicated waypoints utilization',
      scope: 'every run',
      measured: runs.map(() => null),
      bound: within(0.5, 0.7).text,
      met: false,
      note: 'no dedicated waypoint CPU was sampled',
    });
  for (const c of components) {
    const w = (r: RunFigures) => r.waypoints.find((x) => x.variant === 'dedicated' && x.component === c);
    targets.push(
      everyRun(
        1,
        `dedicated ${c} utilization (avg cores ÷ limit)`,
        runs.map((r) => w(r)?.utilization ?? null),
        within(0.5, 0.7),
      ),
      everyRun(
        1,
        `dedicated ${c} throttled share (periods)`,
        runs.map((r) => w(r)?.throttledShare ?? null),
        below(0.1),
      ),
    );
  }
  // 2. Dedicated tenants healthy.
  for (const t of ['ns-1', 'ns-2'])
    targets.push(
      everyRun(
        2,
        `dedicated ${t} error rate`,
        runs.map((r) => tenantOf(r, 'dedicated', t)?.errorRate ?? null),
        below(0.005),
      ),
    );
  // 3. Sharing slows the host tenant down as in the article (Fortio's definition: actual start).
  targets.push(
    everyRun(
      3,
      'shared ns-1 avg ÷ dedicated ns-1 avg (actual start)',
      runs.map((r) => r.sharedNs1AvgRatio.actual),
      within(1.5, 3),
    ),
  );
  // 4. …and overflows the later tenant.
  targets.push(
    everyRun(
      4,
      'shared ns-2 error rate',
      runs.map((r) => r.sharedNs2ErrorRate),
      within(0.2, 0.45),
    ),
  );
  // 5. The load generator held its schedule everywhere.
  const reasons = runs.flatMap((r) =>
    r.invalid.map((i) => `run ${r.run} ${i.tenant} (${i.variant}): ${i.reasons.join('; ')}`),
  );
  targets.push(
    everyRun(
      5,
      'tenant results invalid (generator lag)',
      runs.map((r) => (r.tenants.length ? r.invalid.length : null)),
      equals(0),
      reasons.length ? reasons.join(' | ') : undefined,
    ),
  );
  // 6. Repeatable: dedicated averages vary little from run to run.
  if (runs.length >= 2)
    for (const t of ['ns-1', 'ns-2']) {
      const values = runs.map((r) => tenantOf(r, 'dedicated', t)?.avgMs ?? null);
      const s = spreadAcross(values);
      const missing = values.filter((v) => v === null).length;
      const cv = s?.cv ?? null;
      targets.push({
        id: 6,
        name: `dedicated ${t} avg (intended start): coefficient of variation across runs`,
        scope: 'across runs',
        measured: cv,
        bound: atMost(0.15).text,
        met: cv !== null && missing === 0 && cv <= 0.15,
        ...(missing ? { note: `${missing} of ${values.length} runs did not measure it` } : {}),
      });
    }
  // 7. The two dedicated tenants alike.
  targets.push(
    everyRun(
      7,
      'dedicated tenants avg max ÷ min (intended start)',
      runs.map((r) => r.dedicatedAvgSpread),
      atMost(1.25),
    ),
  );
  return targets;
}

/** The benchmark's verdict: problems with the runs themselves, then the targets when they apply. */
export function evaluateBench(runs: readonly RunFigures[]): BenchVerdict {
  const problems = runs.flatMap((r) =>
    r.error
      ? [`run ${r.run}: ${r.error} (exit ${r.exitCode ?? 'none'})`]
      : r.complete
        ? []
        : [`run ${r.run}: incomplete (exit ${r.exitCode ?? 'none'})`],
  );
  const notes: string[] = [];
  if (runs.length === 0) problems.push('no run finished');
  const applies = isReferenceShaped(runs);
  const targets = applies ? evaluateTargets(runs) : [];
  if (!applies && runs.length)
    notes.push(
      'targets not judged: the suite lacks variants dedicated and shared with tenants ns-1 and ns-2 (figures only)',
    );
  if (applies && runs.length < 2)
    notes.push('target 6 (spread across runs) needs 2 runs or more: not judged');
  const missed = [
    ...problems,
    ...targets.filter((t) => !t.met).map((t) => `target ${t.id}: ${t.name} ${t.bound} (${t.scope})`),
  ];
  return { applies, targets, problems, notes, met: missed.length === 0, missed };
}
