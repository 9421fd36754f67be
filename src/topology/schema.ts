/**
 * The mesh model's own inputs as schemas (pure): the waypoint envelope, the variants and the policy. The
 * suite schema embeds them; the topology builders take their output types, so topology/ never needs suite/.
 */
import { z } from 'zod';

/** A DNS label: names of tenants, namespaces, services and variants. */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS label: lower-case letters, digits and "-"')
  .max(63);

const UNITS: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity as a number ('2000m' → 2, '1Gi' → 1073741824); NaN when it does not parse. */
export function quantityValue(q: string | number | undefined): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(String(q ?? '').trim());
  return m ? Number(m[1]) * UNITS[m[2] ?? ''] : Number.NaN;
}

/** A Kubernetes resource quantity: '1Gi', '512Mi', '100m', '2', '1.5'. */
const quantity = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/,
    "is not a Kubernetes quantity: write e.g. '1Gi', '512Mi' or '100m'",
  );

export const ISTIO_BEHAVIOURS = ['1.24', 'current'] as const;
export type IstioBehaviour = (typeof ISTIO_BEHAVIOURS)[number];

/**
 * The waypoint envelope as a suite writes it. Each field is honoured by every platform that accepts it,
 * or refused for that platform when the suite is expanded (src/suite/envelope-for-platform.ts): the
 * requests are Kubernetes scheduling reservations, so they are optional and the local platform refuses
 * them; istioBehaviour follows the installed Istio on Kubernetes, so it is optional and checked there.
 */
export const waypointEnvelopeSchema = z
  .strictObject({
    cpuLimit: z
      .number()
      .positive()
      .default(2)
      .describe(
        "Waypoint CPU limit in cores. Envoy's workers = ceil(limit) (Istio sets them from the limit; the local stand-in runs ceil(limit × scale)).",
      ),
    memoryLimit: quantity
      .default('1Gi')
      .describe(
        "Waypoint memory limit (Kubernetes quantity). Local: the stand-in's V8 heap is capped at it (unscaled: it is Node's memory, not Envoy's).",
      ),
    cpuRequest: quantity
      .optional()
      .describe('Waypoint CPU request (Kubernetes only; default 100m). The local platform refuses it.'),
    memoryRequest: quantity
      .optional()
      .describe('Waypoint memory request (Kubernetes only; default 128Mi). The local platform refuses it.'),
    maxConnections: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe(
        'Upstream connection limit (Envoy circuit breaker). Kubernetes: a DestinationRule connectionPool.tcp.maxConnections per waypoint-bound service.',
      ),
    maxPendingRequests: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe(
        'Pending request limit (Envoy circuit breaker). Kubernetes: connectionPool.http.http1MaxPendingRequests.',
      ),
    maxRequests: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe(
        'Concurrent request limit (Envoy circuit breaker). Kubernetes: connectionPool.http.http2MaxRequests.',
      ),
    istioBehaviour: z
      .enum(ISTIO_BEHAVIOURS)
      .optional()
      .describe(
        "'1.24': the waypoint's internal cluster keeps Envoy's 1024-connection default; 'current': fixed in 1.25, only the CPU limit remains. Local: default '1.24' (the article's). Kubernetes: follows the Istio version; refused when it names another behaviour.",
      ),
  })
  .describe('Resource envelope of each waypoint.');

/** The envelope after expansion for one platform: what the platform honours, nothing it would ignore. */
export const resolvedEnvelopeSchema = waypointEnvelopeSchema.extend({
  istioBehaviour: z.enum(ISTIO_BEHAVIOURS),
});

export const variantSchema = z.discriminatedUnion('waypoints', [
  z.strictObject({
    name: dnsLabel,
    waypoints: z.literal('dedicated').describe('One waypoint per tenant namespace.'),
  }),
  z.strictObject({
    name: dnsLabel,
    waypoints: z.literal('shared').describe("All tenants use one waypoint in the host tenant's namespace."),
    host: dnsLabel.describe('Tenant whose namespace hosts the shared waypoint.'),
  }),
  z.strictObject({
    name: dnsLabel,
    waypoints: z
      .literal('per-service')
      .describe('Each listed service gets its own waypoint; "none" opts a service out.'),
    services: z
      .record(dnsLabel, z.enum(['waypoint', 'none']))
      .describe('Service name → "waypoint" (its own) or "none" (bypasses waypoints).'),
  }),
  z.strictObject({
    name: dnsLabel,
    waypoints: z.literal('none').describe('No waypoints: L4 only, policy not enforced at L7.'),
  }),
]);

export const policySchema = z
  .strictObject({
    methods: z
      .array(z.string().regex(/^[A-Z]+$/))
      .min(1)
      .default(['GET'])
      .describe('Allowed HTTP methods.'),
    sourceNamespaces: z
      .array(dnsLabel)
      .optional()
      .describe('Namespaces allowed to call; defaults to every tenant namespace.'),
  })
  .describe('The L7 AuthorizationPolicy the waypoint enforces (ALLOW these methods from these namespaces).');

/** The envelope as the suite gives it (optional fields unset). */
export type WaypointEnvelopeSpec = z.output<typeof waypointEnvelopeSchema>;
/** The envelope a platform applies (RunPlan, WaypointSpec). */
export type WaypointEnvelope = z.output<typeof resolvedEnvelopeSchema>;
export type Policy = z.output<typeof policySchema>;
export type Variant = z.output<typeof variantSchema>;
