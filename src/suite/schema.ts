/**
 * The suite schema: the one source of the suite types, their validation and the generated JSON
 * Schema (scripts/write-suite-schema.ts). Cross-field rules live in validate.ts.
 */
import { z } from 'zod';
import { dnsLabel as name, policySchema, variantSchema, waypointEnvelopeSchema } from '../topology/schema.ts';

export { policySchema, variantSchema, waypointEnvelopeSchema };
import {
  HEADER_NAME,
  HEADER_NAME_FIX,
  HEADER_VALUE,
  HEADER_VALUE_FIX,
  REQUEST_PATH,
  REQUEST_PATH_FIX,
} from './http-syntax.ts';

/** A duration string such as '60s', '500ms', '1m30s'; checked by parseDuration in validate.ts. */
const duration = z.string().describe("A duration with a unit: '500ms', '3s', '1m30s'.");

export const tenantSchema = z
  .strictObject({
    name: name.describe('Tenant name, used in selectors, reports and results (e.g. "ns-1").'),
    namespace: name.optional().describe('Kubernetes namespace of this tenant; defaults to the tenant name.'),
    service: name.default('productpage').describe('Service the load is sent to.'),
    port: z.number().int().min(1).max(65535).default(9080).describe('Service port (Bookinfo: 9080).'),
    path: z
      .string()
      .regex(REQUEST_PATH, `is not a request path: ${REQUEST_PATH_FIX}`)
      .default('/productpage')
      .describe('Request path.'),
    method: z
      .enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
      .default('GET')
      .describe('HTTP method of each request.'),
    headers: z
      .record(z.string(), z.string().regex(HEADER_VALUE, `is not a header value: ${HEADER_VALUE_FIX}`))
      // Checked here rather than as the record's key schema, whose failure zod reports without our message.
      .superRefine((h, ctx) => {
        for (const k of Object.keys(h))
          if (!HEADER_NAME.test(k))
            ctx.addIssue({ code: 'custom', path: [k], message: `is not a header name: ${HEADER_NAME_FIX}` });
      })
      .default({})
      .describe('Extra request headers.'),
    body: z.string().optional().describe('Request body, for methods that take one.'),
    startOffset: duration
      .default('0s')
      .describe('When this tenant starts after the variant starts (the stagger).'),
  })
  .describe('One tenant: a namespace running Bookinfo and driven by its own load generator.');

export const loadSchema = z
  .strictObject({
    model: z
      .enum(['open', 'closed'])
      .default('open')
      .describe(
        'open: requests due at a fixed rate whatever the server does; closed: max throughput (autocannon).',
      ),
    rate: z.number().optional().describe('Requests per second per tenant (required for the open model).'),
    connections: z
      .number()
      .int()
      .max(100_000, 'is more connections than one load generator can hold (at most 100000 per tenant)')
      .describe('Keep-alive connections per tenant.'),
    duration: duration.default('60s').describe('How long each tenant sends, from its own start.'),
    warmup: duration.default('0s').describe('Leading part of each tenant run excluded from the figures.'),
    timeout: duration.default('5s').describe('Per-request timeout, counted as a timeout error.'),
    behindSchedule: z
      .enum(['catch-up', 'skip'])
      .default('catch-up')
      .describe(
        'When a connection falls behind: send late requests back-to-back (catch-up) or skip and count them.',
      ),
    jitter: z
      .number()
      .min(0)
      .max(0.5)
      .default(0)
      .describe('Random jitter of each send, as a fraction of the per-connection interval.'),
    agents: z
      .union([
        z
          .number()
          .int()
          .min(1, 'needs at least 1 agent')
          .max(256, 'is more agents than meshbench coordinates (at most 256 per tenant)'),
        z.literal('auto'),
      ])
      .default('auto')
      .describe(
        "Load agents per tenant, splitting its rate and connections (processes locally, an Indexed Job's pods on Kubernetes); their figures merge exactly. 'auto': one locally, on Kubernetes one per measured per-agent rate ceiling.",
      ),
  })
  .describe('The load each tenant receives.');

const thresholdEntry = z.union([
  z.string(),
  z.strictObject({
    threshold: z.string(),
    abortOnFail: z.boolean().default(false).describe('Stop the run as soon as this threshold fails.'),
  }),
]);

/** One Bookinfo service's modelled service time: a timer wait per request, not CPU. */
export const serviceTimeSchema = z
  .strictObject({
    mean: duration.describe("Mean time the service takes per request, e.g. '12ms'."),
    distribution: z
      .enum(['lognormal', 'exponential', 'fixed'])
      .default('lognormal')
      .describe('Shape of the per-request draw around the mean.'),
    cv: z
      .number()
      .min(0)
      .max(3)
      .default(0.5)
      .describe('Coefficient of variation (standard deviation / mean) of the lognormal draw.'),
  })
  .describe('A modelled service time: each request waits a draw from this distribution.');

export const localPlatformSchema = z.strictObject({
  scale: z
    .number()
    .min(0.001, 'is too small: at least 0.001 (below that rate, connections and limits round to nothing)')
    .max(1)
    .default(1)
    .describe(
      'Scales rate, connections and connection limits together to fit one machine (the CPU quota is calibrated, see utilization).',
    ),
  utilization: z
    .number()
    .positive()
    .max(10)
    .optional()
    .describe(
      "The share of its CPU limit a dedicated waypoint uses under this suite's load. cpu 'modelled': sets the Envoy CPU each request is charged (utilization × cpuLimit ÷ rate); cpu 'host': the stand-in's quota is set from it and its cost measured at `up`. Either way the result's shape does not depend on the host's speed. Default: derived from the article — the shared waypoint at its 2-core limit served the first tenant's 6500 req/s and 68% of the second's, so one tenant alone needs 2 / 1.68 ≈ 1.19 cores, i.e. ≈ 0.18 ms of Envoy CPU per request: utilization = 0.183 ms × rate / cpuLimit (0.6 for the reference suite).",
    ),
  cpu: z
    .enum(['modelled', 'host'])
    .default('modelled')
    .describe(
      "How a waypoint's CPU limit is applied. 'modelled' (default): every request charges Envoy's CPU cost (set by utilization) to a CFS quota of cpuLimit × scale cores with 100 ms periods, inside the stand-in; the stand-in's own CPU is measured and shown but limits nothing, so the result's shape is the same on every host and under unrelated load. 'host': the stand-in's own CPU under a real cgroup quota calibrated at `up` (closer to the metal, but the stand-in's cost is Node's, not Envoy's, and moves between runs).",
    ),
  calibrate: z
    .boolean()
    .default(true)
    .describe(
      "cpu 'host' only: measure the stand-in waypoint's CPU cost at `up` (a few seconds of load, no quota) and set quotas from it; false: quota = cpuLimit × scale.",
    ),
  serviceTimes: z
    .strictObject({
      productpage: serviceTimeSchema.optional(),
      details: serviceTimeSchema.optional(),
      reviews: serviceTimeSchema.optional(),
      ratings: serviceTimeSchema.optional(),
    })
    .default({})
    .describe(
      "Modelled Bookinfo service times (timers, not CPU). Defaults are calibrated so the dedicated variant's average productpage latency (actual start) is ≈ 30 ms like the article's 30.8 / 30.4 ms; they are not measured from Bookinfo.",
    ),
  duration: duration.optional().describe('Overrides load.duration on the local platform.'),
  warmup: duration.optional().describe('Overrides load.warmup on the local platform.'),
});

export const kubePlatformSchema = z.strictObject({
  scale: z
    .number()
    .min(0.001, 'is too small: at least 0.001')
    .max(1)
    .default(1)
    .describe(
      "Scale applied to rate, connections and the waypoint's CPU, memory and connection limits (1 = the suite's load); `meshbench doctor` names one that fits the cluster's CPU.",
    ),
  istioVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/)
    .default('1.24.6')
    .describe('Istio version to install (kind) or expect.'),
  clusterName: name.default('meshbench').describe('kind cluster name.'),
  context: z.string().optional().describe('kubeconfig context (cluster platform).'),
  kubeconfig: z.string().optional().describe('kubeconfig path; defaults to $KUBECONFIG or ~/.kube/config.'),
  nodePlacement: z
    .strictObject({
      waypoints: z
        .record(z.string(), z.string())
        .optional()
        .describe('nodeSelector for waypoints (and productpage).'),
      load: z.record(z.string(), z.string()).optional().describe('nodeSelector for load agents.'),
    })
    .default({}),
  driver: z
    .enum(['agent', 'fortio'])
    .default('agent')
    .describe('In-cluster load: our engine as agents, or Fortio Jobs.'),
});

/** A published figure the suite reproduces, for the report's "against the article" table. */
export const publishedFigureSchema = z
  .strictObject({
    label: z.string().min(1).describe('What the figure is, e.g. "dedicated ns-1 average".'),
    metric: z
      .enum(['latency_actual.avg', 'latency_actual.p50', 'latency.avg', 'latency.p50', 'errors.rate'])
      .describe(
        'The summary figure it is compared with: latency in ms (latency_actual = from the actual start, as Fortio measures), errors.rate as a fraction.',
      ),
    variant: name.describe('Variant the figure belongs to.'),
    tenant: name.describe('Tenant the figure belongs to.'),
    value: z.number().describe('The published value (ms for latency, a fraction for errors.rate).'),
  })
  .describe('One published figure.');

export const suiteSchema = z
  .strictObject({
    name: name.describe('Suite name; results go to results/<name>/.'),
    description: z.string().default('').describe('What the suite shows.'),
    tenants: z
      .array(tenantSchema)
      .min(1)
      .max(64, 'is more tenants than one run can hold (at most 64)')
      .describe('Tenants, each a namespace with its own load.'),
    load: loadSchema,
    topology: z
      .strictObject({
        variants: z.array(variantSchema).min(1).describe('Topology variants, run in order.'),
        waypoint: waypointEnvelopeSchema.default(waypointEnvelopeSchema.parse({})),
      })
      .describe('The variants to compare and the waypoint envelope.'),
    policy: policySchema.default(policySchema.parse({})),
    repeats: z.number().int().min(1).max(100).default(1).describe('How many times the variants are run.'),
    sweep: z
      .strictObject({
        rates: z
          .array(z.number().positive('must be greater than 0'))
          .min(2, 'needs at least 2 steps')
          .max(50, 'is more steps than one run should hold (at most 50)')
          .optional()
          .describe(
            'Offered rates per tenant, in the units of load.rate (scaled like it); connections follow in proportion.',
          ),
        factors: z
          .array(z.number().positive('must be greater than 0').max(100, 'is more than 100× the suite load'))
          .min(2, 'needs at least 2 steps')
          .max(50, 'is more steps than one run should hold (at most 50)')
          .optional()
          .describe('Multiples of load.rate and load.connections, one step each.'),
      })
      .optional()
      .describe(
        'Run every variant at each step of offered load (rates or factors, ascending; each step a full variant run with its warm-up); the report charts latency, errors and waypoint CPU against offered load.',
      ),
    slo: z
      .strictObject({
        p99: duration.describe("Highest p99 latency (intended start) a tenant may see, e.g. '100ms'."),
        errors: z
          .number()
          .min(0, 'must be 0 or more')
          .max(1, 'is a fraction: at most 1')
          .default(0.01)
          .describe('Highest error rate a tenant may see (fraction; default 0.01).'),
      })
      .optional()
      .describe(
        'The service-level objective every tenant must meet: what `search` looks for, and what sweep steps are marked against.',
      ),
    search: z
      .union([
        z.boolean(),
        z.strictObject({
          resolution: z
            .number()
            .min(0.01, 'is finer than runs repeat (at least 0.01)')
            .max(0.5, 'is too coarse to call a breaking point (at most 0.5)')
            .default(0.05)
            .describe('Stop bisecting when the bracket is this fraction of its lower end (default 0.05).'),
          maxProbes: z
            .number()
            .int()
            .min(3, 'needs at least 3 probes (grow, bisect, confirm)')
            .max(40, 'is more probes than a search needs (at most 40)')
            .default(12)
            .describe('Most variant runs one search may take, its confirmation included (default 12).'),
          start: z
            .number()
            .positive('must be greater than 0')
            .default(1)
            .describe('First probe, as a multiple of load.rate (default 1).'),
        }),
      ])
      .optional()
      .describe(
        "Find each variant's breaking point: the highest offered rate per tenant (all tenants alike, stagger kept) at which every tenant meets `slo` — doubling or halving from load.rate, bisection to `resolution`, then a confirmation run.",
      ),
    published: z
      .strictObject({
        source: z.string().min(1).describe('Where the figures were published and how they were measured.'),
        figures: z.array(publishedFigureSchema).min(1),
      })
      .optional()
      .describe('Published figures this suite reproduces; the report compares each with the run.'),
    thresholds: z
      .record(z.string(), z.array(thresholdEntry))
      .default({})
      .describe(
        "k6-style thresholds: 'metric{variant:x,tenant:y}' → ['p(99)<250', 'avg / avg{variant:dedicated} < 2'].",
      ),
    platforms: z
      .strictObject({
        local: localPlatformSchema.default(localPlatformSchema.parse({})),
        kind: kubePlatformSchema.default(kubePlatformSchema.parse({})),
        cluster: kubePlatformSchema.default(kubePlatformSchema.parse({})),
      })
      .default({
        local: localPlatformSchema.parse({}),
        kind: kubePlatformSchema.parse({}),
        cluster: kubePlatformSchema.parse({}),
      }),
  })
  .describe('A meshbench suite.');

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
export type Tenant = z.output<typeof tenantSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type { Policy, Variant, WaypointEnvelope } from '../topology/schema.ts';
export type SweepSpec = NonNullable<z.output<typeof suiteSchema>['sweep']>;
export type SloSpec = NonNullable<z.output<typeof suiteSchema>['slo']>;
export type PublishedFigure = z.output<typeof publishedFigureSchema>;
export type KubePlatformSettings = z.output<typeof kubePlatformSchema>;
export type LocalPlatformSettings = z.output<typeof localPlatformSchema>;
export type ServiceTimeSpec = z.output<typeof serviceTimeSchema>;

export const PLATFORMS = ['local', 'kind', 'cluster'] as const;
export type PlatformName = (typeof PLATFORMS)[number];
