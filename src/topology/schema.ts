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

export const waypointEnvelopeSchema = z
  .strictObject({
    cpuLimit: z
      .number()
      .positive()
      .default(2)
      .describe('Waypoint CPU limit in cores (Envoy workers = ceil of it).'),
    memoryLimit: quantity.default('1Gi').describe('Waypoint memory limit (Kubernetes quantity).'),
    cpuRequest: quantity.default('100m').describe('Waypoint CPU request (Kubernetes quantity).'),
    memoryRequest: quantity.default('128Mi').describe('Waypoint memory request (Kubernetes quantity).'),
    maxConnections: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe('Upstream connection limit (Envoy circuit breaker).'),
    maxPendingRequests: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe('Pending request limit (Envoy circuit breaker).'),
    maxRequests: z
      .number()
      .int()
      .positive()
      .default(1024)
      .describe('Concurrent request limit (Envoy circuit breaker).'),
    istioBehaviour: z
      .enum(['1.24', 'current'])
      .default('1.24')
      .describe(
        "'1.24': the internal cluster's 1024-connection default applies; 'current': fixed in 1.25, only the CPU limit remains.",
      ),
  })
  .describe('Resource envelope of each waypoint.');

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

export type WaypointEnvelope = z.output<typeof waypointEnvelopeSchema>;
export type Policy = z.output<typeof policySchema>;
export type Variant = z.output<typeof variantSchema>;
