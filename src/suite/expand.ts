/** Expansion of a validated suite into a RunPlan for one platform (pure). */
import { quantityValue } from '../topology/schema.ts';
import { buildTopology } from '../topology/build.ts';
import type { LoadPlan, RunPlan, TenantPlan, VariantPlan } from './plan.ts';
import type { PlatformName, WaypointEnvelope } from './schema.ts';
import { suiteInvalid, type ValidSuite } from './validate.ts';
import { envelopeForPlatform } from './envelope-for-platform.ts';

export interface ExpandOptions {
  platform: PlatformName;
  source: string;
  /** Overrides the suite's local scale (flag --scale). */
  scale?: number;
  /** Overrides the suite's repeats (flag --repeat). */
  repeats?: number;
  /** Runs only these variants, in suite order (flag --variant). */
  variants?: string[];
  /** Overrides the load duration (flag --duration), in ms. */
  durationMs?: number;
}

import { resolveAgents } from './agent-ceiling.ts';
import { type BaseLoad, loadAtFactor, type SweepPlan } from './plan.ts';
import type { SweepSpec } from './schema.ts';

/** The sweep's steps as factors of the suite's load, and the one nearest it (pure). */
export function sweepPlan(spec: SweepSpec, base: BaseLoad, scale: number): SweepPlan {
  const factors = spec.rates ? spec.rates.map((r) => r / base.rate!) : (spec.factors ?? []);
  const steps = factors.map((f) => loadAtFactor(base, scale, f));
  let reference = 0;
  factors.forEach((f, i) => {
    if (Math.abs(Math.log(f)) < Math.abs(Math.log(factors[reference]))) reference = i;
  });
  return { base, steps, reference };
}

const scaleCount = (n: number, k: number) => Math.max(1, Math.round(n * k));

/** Least memory a scaled waypoint keeps: Envoy needs this much to start whatever its load. */
const MIN_WAYPOINT_MEMORY_MI = 128;

/** A memory quantity times k, in Mi (never below MIN_WAYPOINT_MEMORY_MI). */
function scaleMemory(q: string, k: number): string {
  const bytes = quantityValue(q);
  if (!Number.isFinite(bytes)) return q;
  return `${Math.max(MIN_WAYPOINT_MEMORY_MI, Math.round((bytes * k) / 2 ** 20))}Mi`;
}

/** The CPU limit times k (at least 1m), and a request never above its limit (Kubernetes refuses that). */
function scaledCpu(e: WaypointEnvelope, k: number): Pick<WaypointEnvelope, 'cpuLimit' | 'cpuRequest'> {
  const cpuLimit = Math.max(0.001, Math.round(e.cpuLimit * k * 1000) / 1000);
  const cpuRequest =
    e.cpuRequest !== undefined && quantityValue(e.cpuRequest) > cpuLimit
      ? `${Math.round(cpuLimit * 1000)}m`
      : e.cpuRequest;
  return { cpuLimit, ...(cpuRequest === undefined ? {} : { cpuRequest }) };
}

function scaledMemory(
  e: WaypointEnvelope,
  k: number,
): Pick<WaypointEnvelope, 'memoryLimit' | 'memoryRequest'> {
  const memoryLimit = scaleMemory(e.memoryLimit, k);
  const memoryRequest =
    e.memoryRequest !== undefined && quantityValue(e.memoryRequest) > quantityValue(memoryLimit)
      ? memoryLimit
      : e.memoryRequest;
  return { memoryLimit, ...(memoryRequest === undefined ? {} : { memoryRequest }) };
}

export function scaleEnvelope(
  e: WaypointEnvelope,
  k: number,
  opts: { memory?: boolean } = {},
): WaypointEnvelope {
  if (k === 1) return e;
  return {
    ...e,
    ...(opts.memory ? scaledMemory(e, k) : {}),
    ...scaledCpu(e, k),
    maxConnections: scaleCount(e.maxConnections, k),
    maxPendingRequests: scaleCount(e.maxPendingRequests, k),
    maxRequests: scaleCount(e.maxRequests, k),
  };
}

export function expandSuite(valid: ValidSuite, options: ExpandOptions): RunPlan {
  const { suite, durations } = valid;
  const local = options.platform === 'local';
  const scale =
    options.scale ?? (local ? suite.platforms.local.scale : suite.platforms[options.platform].scale);
  const durationMs =
    options.durationMs ??
    (local ? (durations.localDurationMs ?? durations.durationMs) : durations.durationMs);
  const warmupMs = Math.min(
    local ? (durations.localWarmupMs ?? durations.warmupMs) : durations.warmupMs,
    Math.floor(durationMs / 2),
  );

  const tenants: TenantPlan[] = suite.tenants.map((t) => ({
    name: t.name,
    namespace: t.namespace ?? t.name,
    service: t.service,
    port: t.port,
    path: t.path,
    method: t.method,
    headers: t.headers,
    body: t.body,
    startOffsetMs: durations.startOffsetMs[t.name],
  }));
  const load: LoadPlan = {
    model: suite.load.model,
    rate: suite.load.rate === undefined ? undefined : Math.max(1, Math.round(suite.load.rate * scale)),
    connections: scaleCount(suite.load.connections, scale),
    durationMs,
    warmupMs,
    timeoutMs: durations.timeoutMs,
    behindSchedule: suite.load.behindSchedule,
    jitter: suite.load.jitter,
    agents: 1,
  };
  load.agents = resolveAgents(suite.load.agents, options.platform, load);
  const resolved = envelopeForPlatform(
    suite.topology.waypoint,
    options.platform,
    options.platform === 'local' ? undefined : suite.platforms[options.platform],
  );
  if (resolved.issues.length > 0) throw suiteInvalid(options.source, resolved.issues, options.platform);
  // Locally the memory limit caps the stand-in's own heap (Node's memory, not Envoy's): not scaled.
  const waypoint = scaleEnvelope(resolved.envelope, scale, { memory: !local });
  const namespaces = tenants.map((t) => t.namespace);
  const policy = {
    methods: suite.policy.methods,
    sourceNamespaces: suite.policy.sourceNamespaces ?? namespaces,
  };
  const tenantNamespace = Object.fromEntries(tenants.map((t) => [t.name, t.namespace]));
  const targetServices = Object.fromEntries(tenants.map((t) => [t.name, t.service]));

  const repeats = options.repeats ?? suite.repeats;
  const chosen = options.variants
    ? suite.topology.variants.filter((v) => options.variants!.includes(v.name))
    : suite.topology.variants;
  const base = { rate: suite.load.rate, connections: suite.load.connections };
  const sweep = suite.sweep ? sweepPlan(suite.sweep, base, scale) : undefined;
  const slo = suite.slo ? { p99Ms: durations.sloP99Ms ?? 0, errors: suite.slo.errors } : undefined;
  const search =
    suite.search && slo
      ? {
          base,
          slo,
          ...(suite.search === true ? { resolution: 0.05, maxProbes: 12, start: 1 } : suite.search),
        }
      : undefined;
  const variants: VariantPlan[] = [];
  for (let repeat = 1; repeat <= repeats; repeat++) {
    for (const v of chosen) {
      const topology = buildTopology({
        variant: v,
        namespaces,
        tenantNamespace,
        targetServices,
        envelope: waypoint,
        policy,
      });
      // A sweep runs each variant through its steps in a row: one topology switch per variant.
      if (sweep)
        sweep.steps.forEach((step, i) => {
          variants.push({ name: v.name, repeat, topology, load: { ...step, step: i } });
        });
      else variants.push({ name: v.name, repeat, topology });
    }
  }
  return {
    suite: { name: suite.name, description: suite.description, source: options.source },
    platform: options.platform,
    scale,
    repeats,
    tenants,
    load,
    policy,
    variants,
    thresholds: valid.thresholds,
    kube: options.platform === 'local' ? undefined : suite.platforms[options.platform],
    published: suite.published,
    ...(sweep ? { sweep } : {}),
    ...(search ? { search } : {}),
    ...(slo ? { slo } : {}),
    local: local
      ? {
          utilization: suite.platforms.local.utilization,
          cpu: suite.platforms.local.cpu,
          calibrate: suite.platforms.local.calibrate,
          serviceTimes: Object.fromEntries(
            Object.entries(suite.platforms.local.serviceTimes).flatMap(([svc, st]) =>
              st
                ? [[svc, { meanMs: durations.serviceTimeMs[svc], distribution: st.distribution, cv: st.cv }]]
                : [],
            ),
          ),
          modelledCpuLimit: suite.topology.waypoint.cpuLimit,
          modelledRate: suite.load.rate,
        }
      : undefined,
  };
}
