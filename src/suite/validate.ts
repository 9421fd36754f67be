/**
 * Suite validation (pure): the zod schema first, then the rules that span fields. Returns a value;
 * only the CLI throws or exits.
 */
import type { z } from 'zod';
import { MeshbenchError, type Result, fail, ok, showValue } from '../errors.ts';
import {
  type ParsedThreshold,
  parseThresholdExpression,
  parseThresholdKey,
  selectorsOf,
} from './threshold-grammar.ts';
import { BOOKINFO_SERVICES } from '../topology/model.ts';
import { MAX_DURATION_MS, parseDuration } from './duration.ts';
import { type Suite, suiteSchema } from './schema.ts';

/** A suite that passed validation, with its durations in ms and thresholds parsed. */
export interface ValidSuite {
  suite: Suite;
  durations: {
    durationMs: number;
    warmupMs: number;
    timeoutMs: number;
    startOffsetMs: Record<string, number>;
    localDurationMs?: number;
    localWarmupMs?: number;
    /** platforms.local.serviceTimes means, by service, in ms. */
    serviceTimeMs: Record<string, number>;
    /** slo.p99 in ms, when the suite has an slo. */
    sloP99Ms?: number;
  };
  thresholds: ParsedThreshold[];
}

export interface Issue {
  path: string;
  message: string;
  value?: unknown;
  fix?: string;
}

function issueLine(i: Issue): string {
  const got = i.value === undefined ? '' : ` (got ${showValue(i.value)})`;
  const fix = i.fix ? `; ${i.fix}` : '';
  return `${i.path || '(suite)'}: ${i.message}${got}${fix}`;
}

function zodIssues(error: z.ZodError, raw: unknown): Issue[] {
  return error.issues.map((iss) => {
    const path = iss.path.map(String).join('.');
    let value: unknown = raw;
    for (const p of iss.path)
      value = value == null ? undefined : (value as Record<string | number, unknown>)[p as string];
    if (iss.code === 'unrecognized_keys') {
      return {
        path,
        message: `unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}`,
        fix: 'remove it or check the spelling against the suite schema (meshbench validate --schema)',
      };
    }
    if (iss.code === 'invalid_type') {
      return { path, message: iss.message, value, fix: `give a ${iss.expected}` };
    }
    return { path, message: iss.message, value };
  });
}

/** Validates a suite object (the default export of a suite file). `source` names it in messages. */
export function validateSuite(raw: unknown, source: string): Result<ValidSuite> {
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) return fail(suiteInvalid(source, zodIssues(parsed.error, raw)));
  const suite = parsed.data;
  const issues: Issue[] = [];

  const durationOf = (path: string, text: string): number => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      issues.push({
        path,
        message: 'is not a duration',
        value: text,
        fix: "write it with a unit, e.g. '60s', '500ms' or '1m30s'",
      });
      return Number.NaN;
    }
    if (ms > MAX_DURATION_MS) {
      issues.push({
        path,
        message: `is longer than the ${MAX_DURATION_MS / 3_600_000}h meshbench runs for`,
        value: text,
        fix: `split it into runs of at most '${MAX_DURATION_MS / 3_600_000}h'`,
      });
      return Number.NaN;
    }
    return ms;
  };

  // Tenants: unique names and namespaces.
  const seen = new Set<string>();
  const seenNs = new Set<string>();
  suite.tenants.forEach((t, i) => {
    const dupName = seen.has(t.name);
    if (dupName)
      issues.push({
        path: `tenants.${i}.name`,
        message: 'duplicate tenant name',
        value: t.name,
        fix: 'give every tenant its own name',
      });
    seen.add(t.name);
    const ns = t.namespace ?? t.name;
    // A namespace derived from a duplicate name is the same problem: say it once.
    if (seenNs.has(ns) && !(dupName && t.namespace === undefined))
      issues.push({
        path: `tenants.${i}.namespace`,
        message: 'duplicate tenant namespace',
        value: ns,
        fix: 'give every tenant its own namespace',
      });
    seenNs.add(ns);
  });

  // Load.
  const { load } = suite;
  const durationMs = durationOf('load.duration', load.duration);
  const warmupMs = durationOf('load.warmup', load.warmup);
  const timeoutMs = durationOf('load.timeout', load.timeout);
  if (durationMs <= 0)
    issues.push({ path: 'load.duration', message: 'must be longer than 0', value: load.duration });
  if (timeoutMs <= 0)
    issues.push({ path: 'load.timeout', message: 'must be longer than 0', value: load.timeout });
  if (load.model === 'open') {
    if (load.rate === undefined)
      issues.push({
        path: 'load.rate',
        message: 'is required for the open model',
        fix: 'set load.rate in requests per second per tenant, e.g. 6500',
      });
    else if (!(load.rate > 0))
      issues.push({
        path: 'load.rate',
        message: 'must be greater than 0',
        value: load.rate,
        fix: 'set a positive rate in requests per second, e.g. 6500',
      });
  } else if (load.rate !== undefined && !(load.rate > 0)) {
    issues.push({ path: 'load.rate', message: 'must be greater than 0 when given', value: load.rate });
  }
  if (!(load.connections > 0)) {
    issues.push({
      path: 'load.connections',
      message: 'must be at least 1',
      value: load.connections,
      fix: 'set the number of keep-alive connections per tenant, e.g. 650',
    });
  } else if (load.model === 'open' && load.rate !== undefined && load.rate > 0 && durationMs > 0) {
    const total = load.rate * (durationMs / 1000);
    if (load.connections > total) {
      issues.push({
        path: 'load.connections',
        message: `is more than rate × duration (${total} requests), so some connections would never send`,
        value: load.connections,
        fix: `use at most ${Math.floor(total)} connections or a higher rate or longer duration`,
      });
    }
  }
  if (typeof load.agents === 'number') {
    if (load.model === 'closed' && load.agents > 1)
      issues.push({
        path: 'load.agents',
        message: 'must be 1 for the closed model (its connections run flat out; there is no rate to split)',
        value: load.agents,
        fix: "use model 'open' with a rate, or leave agents out",
      });
    else if (load.connections > 0 && load.agents > load.connections)
      issues.push({
        path: 'load.agents',
        message: `is more than load.connections (${load.connections}): each agent needs at least one connection`,
        value: load.agents,
        fix: `use at most ${load.connections} agents, or more connections`,
      });
  }
  // Sweep, SLO and search (issue #15).
  const { sweep, slo, search } = suite;
  if (sweep) {
    const given = [sweep.rates, sweep.factors].filter((x) => x !== undefined);
    if (given.length !== 1)
      issues.push({
        path: 'sweep',
        message: given.length ? 'gives both rates and factors' : 'gives neither rates nor factors',
        fix: 'give one list: sweep: { rates: [1000, 2000, 4000] } or sweep: { factors: [0.5, 1, 2] }',
      });
    const steps = sweep.rates ?? sweep.factors ?? [];
    const which = sweep.rates ? 'sweep.rates' : 'sweep.factors';
    if (steps.some((x, i) => i > 0 && !(x > steps[i - 1])))
      issues.push({
        path: which,
        message: 'must rise step by step (each step above the one before)',
        value: steps,
        fix: 'list the steps in ascending order, without repeats',
      });
    if (sweep.rates && load.rate === undefined)
      issues.push({
        path: 'sweep.rates',
        message: 'needs load.rate: connections follow each rate in proportion to load.rate',
        fix: 'set load.rate, or sweep factors of load.connections instead',
      });
  }
  let sloP99Ms: number | undefined;
  if (slo) {
    sloP99Ms = durationOf('slo.p99', slo.p99);
    if (!(sloP99Ms > 0)) issues.push({ path: 'slo.p99', message: 'must be longer than 0', value: slo.p99 });
  }
  if (search !== undefined && search !== false) {
    if (!slo)
      issues.push({
        path: 'search',
        message: 'needs an slo to search for',
        fix: "add slo: { p99: '100ms', errors: 0.01 }",
      });
    if (load.model !== 'open' || load.rate === undefined)
      issues.push({
        path: 'search',
        message: 'searches over the offered rate, so it needs the open model with load.rate',
        fix: "set load.model 'open' and load.rate",
      });
    if (sweep)
      issues.push({
        path: 'search',
        message: 'cannot be combined with sweep in one suite (each would decide the offered load)',
        fix: 'keep one: a sweep suite for the curve, a search suite for the breaking point',
      });
  }
  if (warmupMs >= durationMs) {
    issues.push({
      path: 'load.warmup',
      message: `must be shorter than load.duration (${load.duration})`,
      value: load.warmup,
      fix: 'shorten the warm-up or lengthen the duration',
    });
  }
  const startOffsetMs: Record<string, number> = {};
  suite.tenants.forEach((t, i) => {
    const ms = durationOf(`tenants.${i}.startOffset`, t.startOffset);
    startOffsetMs[t.name] = ms;
    if (ms >= durationMs) {
      issues.push({
        path: `tenants.${i}.startOffset`,
        message: `must be shorter than load.duration (${load.duration})`,
        value: t.startOffset,
        fix: 'a stagger of a few seconds, e.g. "3s"',
      });
    }
  });
  const local = suite.platforms.local;
  const localDurationMs =
    local.duration === undefined ? undefined : durationOf('platforms.local.duration', local.duration);
  const localWarmupMs =
    local.warmup === undefined ? undefined : durationOf('platforms.local.warmup', local.warmup);
  const effDuration = localDurationMs ?? durationMs;
  const effWarmup = localWarmupMs ?? warmupMs;
  if (localDurationMs !== undefined || localWarmupMs !== undefined) {
    if (effWarmup >= effDuration)
      issues.push({
        path: 'platforms.local.warmup',
        message: 'must be shorter than the local duration',
        value: local.warmup ?? load.warmup,
      });
    for (const t of suite.tenants) {
      if (startOffsetMs[t.name] >= effDuration)
        issues.push({
          path: 'platforms.local.duration',
          message: `must be longer than tenant ${t.name}'s startOffset (${t.startOffset})`,
          value: local.duration,
        });
    }
  }

  const serviceTimeMs: Record<string, number> = {};
  for (const [svc, st] of Object.entries(local.serviceTimes)) {
    if (!st) continue;
    const ms = durationOf(`platforms.local.serviceTimes.${svc}.mean`, st.mean);
    if (ms > 10_000)
      issues.push({
        path: `platforms.local.serviceTimes.${svc}.mean`,
        message: 'must be at most 10s',
        value: st.mean,
        fix: "a service time of milliseconds, e.g. '12ms'",
      });
    serviceTimeMs[svc] = ms;
  }

  // Variants.
  const tenantNames = new Set(suite.tenants.map((t) => t.name));
  const variantNames = new Set<string>();
  suite.topology.variants.forEach((v, i) => {
    if (variantNames.has(v.name))
      issues.push({ path: `topology.variants.${i}.name`, message: 'duplicate variant name', value: v.name });
    variantNames.add(v.name);
    if (v.waypoints === 'shared' && !tenantNames.has(v.host)) {
      issues.push({
        path: `topology.variants.${i}.host`,
        message: 'names no tenant',
        value: v.host,
        fix: `host the shared waypoint in one of the tenants: ${[...tenantNames].join(', ')}`,
      });
    }
    if (v.waypoints === 'per-service') {
      for (const s of Object.keys(v.services)) {
        if (!(BOOKINFO_SERVICES as readonly string[]).includes(s)) {
          issues.push({
            path: `topology.variants.${i}.services.${s}`,
            message: 'is not a Bookinfo service',
            value: s,
            fix: `use one of ${BOOKINFO_SERVICES.join(', ')}`,
          });
        }
      }
    }
  });
  suite.tenants.forEach((t, i) => {
    if (!(BOOKINFO_SERVICES as readonly string[]).includes(t.service)) {
      issues.push({
        path: `tenants.${i}.service`,
        message: 'is not a Bookinfo service',
        value: t.service,
        fix: `use one of ${BOOKINFO_SERVICES.join(', ')}`,
      });
    }
  });

  suite.published?.figures.forEach((f, i) => {
    if (!variantNames.has(f.variant))
      issues.push({
        path: `published.figures.${i}.variant`,
        message: 'names no variant',
        value: f.variant,
        fix: `use one of ${[...variantNames].join(', ')}`,
      });
    if (!tenantNames.has(f.tenant))
      issues.push({
        path: `published.figures.${i}.tenant`,
        message: 'names no tenant',
        value: f.tenant,
        fix: `use one of ${[...tenantNames].join(', ')}`,
      });
  });

  // Thresholds: parsed now, never half-way through a run.
  const thresholds: ParsedThreshold[] = [];
  for (const [key, entries] of Object.entries(suite.thresholds)) {
    const k = parseThresholdKey(key);
    if (!k.ok) {
      issues.push({
        path: `thresholds["${key}"]`,
        message: k.message,
        value: key,
        fix: 'see "Thresholds" in the README',
      });
      continue;
    }
    entries.forEach((entry, j) => {
      const expression = typeof entry === 'string' ? entry : entry.threshold;
      const abortOnFail = typeof entry === 'string' ? false : entry.abortOnFail;
      const e = parseThresholdExpression(expression, k.value.metric);
      if (!e.ok) {
        issues.push({ path: `thresholds["${key}"].${j}`, message: e.message, value: expression });
        return;
      }
      const t: ParsedThreshold = {
        key,
        metric: k.value.metric,
        selector: k.value.selector,
        expression,
        abortOnFail,
        ...e.value,
      };
      for (const sel of selectorsOf(t)) {
        if (sel.variant !== undefined && !variantNames.has(sel.variant)) {
          issues.push({
            path: `thresholds["${key}"].${j}`,
            message: `names unknown variant "${sel.variant}"`,
            value: expression,
            fix: `use one of ${[...variantNames].join(', ')}`,
          });
        }
        if (sel.tenant !== undefined && !tenantNames.has(sel.tenant)) {
          issues.push({
            path: `thresholds["${key}"].${j}`,
            message: `names unknown tenant "${sel.tenant}"`,
            value: expression,
            fix: `use one of ${[...tenantNames].join(', ')}`,
          });
        }
      }
      thresholds.push(t);
    });
  }

  if (issues.length > 0) return fail(suiteInvalid(source, issues));
  return ok({
    suite,
    durations: {
      durationMs,
      warmupMs,
      timeoutMs,
      startOffsetMs,
      localDurationMs,
      localWarmupMs,
      serviceTimeMs,
      ...(sloP99Ms === undefined ? {} : { sloP99Ms }),
    },
    thresholds,
  });
}

/** The error for a suite with problems; `platform` when they hold for that platform only. */
export function suiteInvalid(source: string, issues: Issue[], platform?: string): MeshbenchError {
  return new MeshbenchError(
    'SUITE_INVALID',
    `suite ${source} is invalid${platform ? ` for platform ${platform}` : ''} (${issues.length} problem${issues.length > 1 ? 's' : ''})`,
    {
      input: source,
      details: issues.map(issueLine),
      fix: platform
        ? `correct the fields above; \`meshbench validate <suite> --platform ${platform}\` checks a suite for a platform without running it`
        : 'correct the fields above; `meshbench validate <suite>` checks a suite without running it',
    },
  );
}
