/**
 * The result contract as a schema (pure): every field `report` and `compare` read from result.json,
 * checked before anything is summarized, so a damaged or hand-edited file is refused with the path of
 * the bad field instead of crashing mid-report or rendering zeros that a release gate would pass.
 *
 * The TypeScript types (src/result/types.ts and the types it reuses) stay the writers' source; the
 * assertions at the end make tsc fail when the two drift apart.
 */
import { z } from 'zod';
import { METRICS, type MetricName } from '../suite/threshold-grammar.ts';
import { decodeHistogram } from '../metrics/histogram.ts';
import type { RunResult } from './types.ts';
import { kubePlatformSchema, PLATFORMS, policySchema, publishedFigureSchema } from '../suite/schema.ts';
import { resolvedEnvelopeSchema } from '../topology/schema.ts';
import { BOOKINFO_SERVICES } from '../topology/model.ts';

const count = z.number().int().nonnegative();
const nonNegative = z.number().nonnegative();
const counts = z.record(z.string(), count);
const strings = z.array(z.string());

/**
 * An encoded HDR histogram: non-empty base64 (HDR's compressed encoding). The writers always encode (an
 * empty histogram has an encoding), and the old reader turned '' into "no requests" silently. Whether it
 * decodes is checked by histogramProblems, which a long run's reader can spread over the event loop.
 */
const histogram = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not an encoded histogram');

/** The plan's load (LoadPlan); every tenant's schedule (LoadSchedule) carries the same fields and more. */
const loadPlanSchema = z.object({
  model: z.enum(['open', 'closed']),
  rate: z.number().positive().optional(),
  connections: z.number().int().positive(),
  durationMs: nonNegative,
  warmupMs: nonNegative,
  timeoutMs: nonNegative,
  behindSchedule: z.enum(['catch-up', 'skip']),
  jitter: nonNegative,
  /** Load agents per tenant; results written before agents existed had one. */
  agents: z.number().int().positive().default(1),
});

const scheduleSchema = loadPlanSchema.extend({
  url: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().optional(),
  startOffsetMs: nonNegative,
  workers: z.union([z.number().int().positive(), z.literal('auto')]).optional(),
  client: z.enum(['raw', 'undici']).optional(),
  thread: z.boolean().optional(),
  shard: z.object({ index: z.number().int().nonnegative(), of: z.number().int().positive() }).optional(),
});

const agentFactsSchema = z.object({
  index: z.number().int().nonnegative(),
  connections: count,
  rate: nonNegative.optional(),
  achievedRps: nonNegative,
  completed: count,
  errors: count,
  startedAt: z.number(),
  lagP99Ms: z.number(),
  maxLagMs: z.number(),
  failed: z.string().optional(),
});

const outcomesSchema = z.object({
  ok: count,
  status: counts,
  timeout: count,
  reset: count,
  refused: count,
  skipped: count,
  aborted: count.optional(),
  other: counts,
  okByStatus: counts.optional(),
});

const secondSchema = z.object({
  t: nonNegative,
  completed: count,
  measured: count.optional(),
  ok: count,
  errors: count,
  histogram,
  warmup: z.boolean(),
});

const latenessSchema = z.object({
  lateMs: nonNegative,
  backpressure: count,
  generator: count,
  generatorLateMs: nonNegative,
  generatorLate: count,
  generatorUnsent: count.optional(),
  generatorLag: histogram,
});

const loadResultSchema = z.object({
  schedule: scheduleSchema,
  driver: z.enum(['paced', 'autocannon', 'agent', 'fortio']),
  startedAt: z.number(),
  endedAt: z.number(),
  measuredMs: nonNegative,
  requests: z.object({ intended: count, sent: count, completed: count, warmup: count }),
  outcomes: outcomesSchema,
  achievedRps: nonNegative,
  latency: z.object({ intended: histogram, actual: histogram, errors: histogram }),
  scheduleLag: histogram,
  lateness: latenessSchema.optional(),
  series: z.array(secondSchema),
  engine: z.object({ workers: count, maxLagMs: z.number(), notes: strings }),
  incomplete: z.boolean().optional(),
  agents: z.array(agentFactsSchema).optional(),
});

const cpuSeriesSchema = z.object({
  component: z.string(),
  kind: z.enum(['waypoint', 'service', 'ztunnel', 'load', 'machine', 'other']),
  namespace: z.string().optional(),
  limitCores: nonNegative.optional(),
  enforcement: z.enum(['cgroup-v1', 'cgroup-v2', 'emulated', 'modelled', 'kubernetes', 'none']).optional(),
  points: z.array(
    z.object({
      t: z.number(),
      cores: nonNegative,
      throttledRatio: nonNegative.optional(),
      throttledSeconds: nonNegative.optional(),
      memoryBytes: nonNegative.optional(),
    }),
  ),
  throttledPeriods: count.optional(),
  periods: count.optional(),
});

const statsSeriesSchema = z.object({
  component: z.string(),
  deltas: z.record(z.string(), z.number()),
  points: z.array(z.object({ t: z.number(), counters: z.record(z.string(), z.number()) })),
});

const preflightSchema = z.object({
  ok: z.boolean(),
  probes: z.array(
    z.object({
      tenant: z.string(),
      name: z.enum(['allowed', 'denied-method', 'denied-source']),
      method: z.string(),
      sourceNamespace: z.string(),
      expectStatus: z.union([z.literal(200), z.literal(403)]),
      status: z.number().int().nullable(),
      error: z.string().optional(),
      ok: z.boolean(),
    }),
  ),
  paths: z.array(
    z.object({
      tenant: z.string(),
      waypoint: z.string(),
      grew: z.number(),
      expected: z.number(),
      ok: z.boolean(),
    }),
  ),
  notes: strings,
});

const variantKind = z.enum(['dedicated', 'shared', 'per-service', 'none']);

const loadStepSchema = z.object({
  factor: z.number().positive(),
  rate: z.number().positive().optional(),
  connections: z.number().int().positive(),
});
const variantLoadSchema = loadStepSchema.extend({
  step: z.number().int().nonnegative().optional(),
  probe: z.number().int().positive().optional(),
  confirm: z.boolean().optional(),
});
const baseLoadSchema = z.object({
  rate: z.number().positive().optional(),
  connections: z.number().positive(),
});
const sloPlanSchema = z.object({ p99Ms: z.number().positive(), errors: z.number().min(0).max(1) });

const variantResultSchema = z.object({
  name: z.string(),
  repeat: z.number().int().positive(),
  kind: variantKind,
  startedAt: z.number(),
  endedAt: z.number(),
  complete: z.boolean(),
  tenants: z.array(z.object({ tenant: z.string(), namespace: z.string(), load: loadResultSchema })),
  cpu: z.array(cpuSeriesSchema),
  stats: z.array(statsSeriesSchema),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  preflight: preflightSchema.optional(),
  load: variantLoadSchema.optional(),
});

const selectorSchema = z.object({ variant: z.string().optional(), tenant: z.string().optional() });

const verdictSchema = z.object({
  key: z.string(),
  expression: z.string(),
  selector: selectorSchema,
  actual: z.number().nullable(),
  pass: z.boolean(),
  note: z.string().optional(),
});

const calibrationSchema = z.object({
  method: z.enum(['modelled', 'measured', 'scaled']),
  utilization: nonNegative,
  utilizationSource: z.enum(['suite', 'article']),
  modelledCpuLimit: nonNegative,
  quotaCores: nonNegative,
  rate: nonNegative.optional(),
  demandCores: nonNegative.optional(),
  cpuMsPerRequest: nonNegative.optional(),
  cpuMsPerHop: nonNegative.optional(),
  hopsPerRequest: nonNegative.optional(),
  wakeShare: nonNegative.optional(),
  readings: z
    .array(
      z.object({
        waypoint: z.string(),
        cpuSeconds: nonNegative,
        hops: count,
        requests: count,
        windowSeconds: nonNegative,
      }),
    )
    .optional(),
  refinedFrom: z
    .object({
      variant: z.literal('dedicated'),
      requests: count,
      cpuMsPerRequest: nonNegative,
      calibratedQuotaCores: nonNegative,
      calibratedCpuMsPerRequest: nonNegative.optional(),
    })
    .optional(),
});

const metaSchema = z.object({
  id: z.string(),
  suite: z.object({ name: z.string(), description: z.string(), source: z.string() }),
  platform: z.enum(PLATFORMS),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  complete: z.boolean(),
  abort: z.object({ reason: z.string(), code: z.string() }).optional(),
  git: z.object({ revision: z.string(), dirty: z.boolean() }).optional(),
  machine: z.object({
    hostname: z.string(),
    cpus: count,
    cpuModel: z.string(),
    memoryBytes: nonNegative,
    os: z.string(),
    node: z.string(),
  }),
  versions: z.record(z.string(), z.string()),
  command: strings,
  notes: strings,
  calibration: calibrationSchema.optional(),
});

const waypointRef = z.object({ namespace: z.string(), name: z.string() });

const topologySchema = z.object({
  variant: z.string(),
  kind: variantKind,
  namespaces: strings,
  waypoints: z.array(waypointRef.extend({ admits: strings, envelope: resolvedEnvelopeSchema })),
  bindings: z.array(
    z.object({ namespace: z.string(), service: z.enum(BOOKINFO_SERVICES), waypoint: waypointRef.nullable() }),
  ),
  policies: z.array(
    z.object({
      name: z.string(),
      namespace: z.string(),
      service: z.string(),
      methods: strings,
      sourceNamespaces: strings,
    }),
  ),
});

const term = z.object({
  agg: z.object({
    name: z.enum(['avg', 'min', 'max', 'med', 'stddev', 'p', 'rate', 'count', 'value', 'lo', 'hi']),
    p: z.number().optional(),
  }),
  selector: selectorSchema,
});

const thresholdSchema = z.object({
  key: z.string(),
  metric: z.enum(Object.keys(METRICS) as [MetricName, ...MetricName[]]),
  selector: selectorSchema,
  expression: z.string(),
  lhs: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('term'), term }),
    z.object({ kind: z.literal('div'), a: term, b: term }),
    z.object({ kind: z.literal('ratio'), a: term, b: term }),
  ]),
  op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  value: z.number(),
  abortOnFail: z.boolean(),
});

const planSchema = z.object({
  suite: z.object({ name: z.string(), description: z.string(), source: z.string() }),
  platform: z.enum(PLATFORMS),
  scale: z.number().positive(),
  repeats: z.number().int().positive(),
  tenants: z.array(
    z.object({
      name: z.string(),
      namespace: z.string(),
      service: z.string(),
      port: z.number().int(),
      path: z.string(),
      method: z.string(),
      headers: z.record(z.string(), z.string()),
      body: z.string().optional(),
      startOffsetMs: nonNegative,
    }),
  ),
  load: loadPlanSchema,
  // Older files also carry plan.waypoint, a copy of every waypoint's envelope; it is not read.
  policy: policySchema.required(),
  variants: z.array(
    z.object({
      name: z.string(),
      repeat: z.number().int().positive(),
      topology: topologySchema,
      load: variantLoadSchema.optional(),
    }),
  ),
  sweep: z
    .object({
      base: baseLoadSchema,
      steps: z.array(loadStepSchema),
      reference: z.number().int().nonnegative(),
    })
    .optional(),
  search: z
    .object({
      base: baseLoadSchema,
      slo: sloPlanSchema,
      resolution: z.number().positive(),
      maxProbes: z.number().int().positive(),
      start: z.number().positive(),
    })
    .optional(),
  slo: sloPlanSchema.optional(),
  thresholds: z.array(thresholdSchema),
  kube: kubePlatformSchema.optional(),
  local: z
    .object({
      utilization: nonNegative.optional(),
      // Results written before the modelled CPU existed ran the stand-in under a cgroup quota.
      cpu: z.enum(['modelled', 'host']).default('host'),
      calibrate: z.boolean(),
      serviceTimes: z.record(
        z.string(),
        z
          .object({
            meanMs: nonNegative,
            distribution: z.enum(['lognormal', 'exponential', 'fixed']),
            cv: nonNegative,
          })
          .optional(),
      ),
      modelledCpuLimit: nonNegative,
      modelledRate: nonNegative.optional(),
    })
    .optional(),
  published: z.object({ source: z.string(), figures: z.array(publishedFigureSchema) }).optional(),
});

export const runResultSchema = z.object({
  schemaVersion: z.literal(1),
  meta: metaSchema,
  plan: planSchema,
  variants: z.array(variantResultSchema),
  // Written last; a run cut short before its verdicts has none.
  verdicts: z.array(verdictSchema).default([]),
});

/** One line per problem, naming the field by its path: `variants[0].tenants[1].load.latency.intended: …`. */
export function describeIssues(error: z.ZodError, max = 8): string[] {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return `${path || '(the file)'}: ${issue.message}`;
  });
  if (error.issues.length > max) lines.push(`… and ${error.issues.length - max} more`);
  return lines;
}

/** Every encoded histogram of a result with its path, for histogramProblems. */
export function* histogramsOf(r: RunResult): Generator<[string, string]> {
  for (const [vi, v] of r.variants.entries()) {
    for (const [ti, t] of v.tenants.entries()) {
      const at = `variants[${vi}].tenants[${ti}].load`;
      const { latency, lateness, series } = t.load;
      yield [`${at}.latency.intended`, latency.intended];
      yield [`${at}.latency.actual`, latency.actual];
      yield [`${at}.latency.errors`, latency.errors];
      yield [`${at}.scheduleLag`, t.load.scheduleLag];
      if (lateness) yield [`${at}.lateness.generatorLag`, lateness.generatorLag];
      for (const [si, second] of series.entries()) yield [`${at}.series[${si}].histogram`, second.histogram];
    }
  }
}

/**
 * The histograms that do not decode, as `path: is not an encoded histogram` lines (up to `max`). A generator
 * yielding every so often (null), so a reader can pause for the event loop on a run of many seconds.
 */
export function* histogramProblems(r: RunResult, max = 8): Generator<null, string[]> {
  const problems: string[] = [];
  let n = 0;
  for (const [path, text] of histogramsOf(r)) {
    try {
      decodeHistogram(text);
    } catch {
      problems.push(`${path}: is not an encoded histogram`);
      if (problems.length >= max) break;
    }
    if (++n % 256 === 0) yield null;
  }
  return problems;
}

/** Parses an object as a schemaVersion-1 result (pure). */
export function parseRunResult(
  raw: unknown,
): { ok: true; value: RunResult } | { ok: false; issues: string[] } {
  const parsed = runResultSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: describeIssues(parsed.error) };
  // The file as written, so a field this schema does not list yet still reaches report and compare;
  // only the defaults for older files come from the parse.
  const value = raw as RunResult;
  value.verdicts = parsed.data.verdicts;
  if (value.plan.local && parsed.data.plan.local) value.plan.local.cpu = parsed.data.plan.local.cpu;
  return { ok: true, value };
}

// The schema and the writers' types must describe the same thing: both assignments fail to compile on drift.
type Parsed = z.output<typeof runResultSchema>;
const _toType = (p: Parsed): RunResult => p;
const _fromType = (r: RunResult): z.input<typeof runResultSchema> => r;
void _toType;
void _fromType;
