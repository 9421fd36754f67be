/**
 * The orchestrator: platform up → for each variant: apply the topology, run the tenants on their
 * staggered schedules while sampling CPU and proxy stats → platform down; result.json written
 * atomically after every variant, then verdicts and reports. The CLI's `run` and scripts share it.
 */
import { join } from 'node:path';
import { evaluateThresholds } from '../analysis/evaluate.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import { summarizeRun } from '../analysis/summarize.ts';
import { findInvalidUnderVerdicts, type InvalidResult } from '../analysis/validity.ts';
import { ExitCode, MeshbenchError, isMeshbenchError } from '../errors.ts';
import { tenantSchedule } from '../load/tenant-schedule.ts';
import type { LoadResult, LoadSchedule } from '../load/types.ts';
import { createPlatform } from './create-platform.ts';
import type { Platform, Sample, Sampler, TenantTarget } from '../platform/types.ts';
import { buildReporterInput, buildReports, writeReportFiles } from '../report/index.ts';
import { loadAtFactor, type RunPlan, type VariantPlan, variantLoad } from '../suite/plan.ts';
import { probesOf, probeVerdict, searchStep } from '../analysis/search-summary.ts';
import type { RunEventListener } from './events.ts';
import { baseVersions, readGit, readMachine } from './metadata.ts';
import { RESULT_SCHEMA_VERSION, type RunResult, type VariantResult, type Verdict } from '../result/types.ts';
import { redactResult } from './redact-result.ts';
import { createRunDir, writeJsonAtomic, writeJsonAtomicSync } from '../output/results-dir.ts';
import { buildCpuSeries, buildStatsSeries, sampleWindow } from './series.ts';
import { describeFailures, describePreflight } from '../topology/preflight.ts';

export interface RunSuiteOptions {
  plan: RunPlan;
  /** Root of the results tree; the run gets <root>/<suite>/<UTC stamp>-<id>/. */
  resultsRoot: string;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  /** The command line, recorded in the result. */
  command?: string[];
  cwd?: string;
  /** A platform instance (tests, scripts); otherwise created from plan.platform. */
  platform?: Platform;
  /** Write report files after result.json (default true). */
  reports?: boolean;
  /** Sampling interval (default 1000 ms). */
  sampleIntervalMs?: number;
  /** Run each variant's load without its preflight probes (default: probe). */
  skipPreflight?: boolean;
}

export interface RunOutcome {
  result: RunResult;
  dir: string;
  exitCode: ExitCode;
  verdicts: Verdict[];
  /** The run summarized (what the verdicts were judged on). */
  summary: RunSummary;
  /**
   * Invalid results (the load generator fell behind its schedule) that some verdict rests on. With every verdict
   * passed, they make the exit code RESULT_INVALID (103); a failed threshold still exits 99.
   */
  invalid: InvalidResult[];
  reportFiles: string[];
  /** The error that ended the run early, if one did. */
  error?: MeshbenchError;
}

/** Builds each tenant's LoadSchedule from the plan and the platform's current targets (pure). */
export function buildSchedules(
  plan: RunPlan,
  targets: TenantTarget[],
  variant: Pick<VariantPlan, 'load'> = {},
): Record<string, LoadSchedule> {
  const load = variantLoad(plan, variant);
  const out: Record<string, LoadSchedule> = {};
  for (const t of plan.tenants) {
    const target = targets.find((x) => x.tenant === t.name);
    if (!target)
      throw new MeshbenchError('PLATFORM_FAILED', `the platform has no target for tenant ${t.name}`);
    out[t.name] = {
      ...tenantSchedule(t, load, target.url),
      headers: { ...target.headers, ...t.headers },
    };
  }
  return out;
}

/**
 * Polls a sampler about every `intervalMs`; a tick is skipped while the previous reading is still
 * under way (a slow cluster sampler must not build a backlog). Failures are reported once.
 */
function startSampling(
  sampler: Sampler,
  intervalMs: number,
  onSample: (s: Sample) => void,
  onFailure: (e: unknown) => void,
) {
  const samples: Sample[] = [];
  let inFlight: Promise<void> | undefined;
  let failed = false;
  const read = async () => {
    try {
      const s = await sampler.sample();
      samples.push(s);
      onSample(s);
    } catch (e) {
      failed = true;
      onFailure(e);
    }
  };
  const tick = (): Promise<void> => {
    if (failed) return Promise.resolve();
    if (inFlight) return inFlight;
    inFlight = read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const first = tick();
  const timer = setInterval(() => void tick(), intervalMs);
  return {
    first,
    async stop(): Promise<Sample[]> {
      clearInterval(timer);
      await inFlight;
      await tick(); // a closing reading, so the last interval is covered
      return samples;
    },
  };
}

function asMeshbenchError(e: unknown, fallback: string): MeshbenchError {
  if (isMeshbenchError(e)) return e;
  return new MeshbenchError('PLATFORM_FAILED', `${fallback}: ${(e as Error)?.message ?? String(e)}`, {
    cause: e,
  });
}

export async function runSuite(options: RunSuiteOptions): Promise<RunOutcome> {
  const { plan, onEvent = () => {}, signal } = options;
  const started = new Date();
  const { dir, id } = await createRunDir({ root: options.resultsRoot, suite: plan.suite.name, now: started });
  const resultPath = join(dir, 'result.json');
  const result: RunResult = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    meta: {
      id,
      suite: plan.suite,
      platform: plan.platform,
      startedAt: started.toISOString(),
      complete: false,
      git: await readGit(options.cwd ?? process.cwd()),
      machine: readMachine(),
      versions: baseVersions(),
      command: options.command ?? [],
      notes: [],
    },
    plan,
    variants: [],
    verdicts: [],
  };
  await writeJsonAtomic(resultPath, redactResult(result));
  // A forced exit (a second Ctrl-C) ends the process without the steps below: mark the record as cut
  // short, keeping every variant already measured, so it never reads as a run that simply stopped.
  const onForcedExit = () => {
    result.meta.abort = {
      reason:
        'the process exited before the run finished (a forced exit by a second signal, or a crash); the variant under way is not recorded',
      code: 'ABORTED',
    };
    result.meta.endedAt = new Date().toISOString();
    result.meta.complete = false;
    try {
      writeJsonAtomicSync(resultPath, redactResult(result));
    } catch {
      // Nothing more can be done on the way out; the last variant written is still there.
    }
  };
  process.once('exit', onForcedExit);
  onEvent({ type: 'run-start', dir, platform: plan.platform, variants: plan.variants.length });

  const log = (message: string) => onEvent({ type: 'log', message });
  // A failed write (full or vanished results filesystem) never stops the run or loses a measurement: the
  // result stays in memory, the summary and verdicts still print, and the run exits RESULTS_WRITE.
  let writeError: MeshbenchError | undefined;
  const persist = async () => {
    try {
      await writeJsonAtomic(resultPath, redactResult(result));
    } catch (e) {
      const err = asMeshbenchError(e, 'writing result.json failed');
      if (!writeError) log(`${err.message}: the run goes on; its summary and verdicts will print here`);
      writeError ??= err;
    }
  };
  let platform: Platform | undefined = options.platform;
  let runError: MeshbenchError | undefined;
  let aborted = false;
  const maxOffset = Math.max(0, ...plan.tenants.map((t) => t.startOffsetMs));
  const expectedMs = plan.load.durationMs + maxOffset;

  try {
    platform ??= await createPlatform(plan.platform, { log });
    const upStart = Date.now();
    await platform.up(plan, { signal, log });
    if (signal?.aborted) throw signal.reason;
    onEvent({ type: 'platform-up', ms: Date.now() - upStart });
    const info = platform.info();
    Object.assign(result.meta.versions, info.versions);
    result.meta.notes.push(...info.notes);
    if (info.calibration) result.meta.calibration = info.calibration;

    for (const { index, variant } of variantRuns(plan, result.variants)) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const {
        result: vr,
        crashed,
        error: variantError,
      } = await runVariant({
        plan,
        variant,
        platform,
        signal,
        onEvent,
        expectedMs,
        intervalMs: options.sampleIntervalMs ?? 1000,
        skipPreflight: options.skipPreflight === true,
        onLoadStart: () =>
          onEvent({
            type: 'variant-start',
            index,
            total: plan.variants.length,
            name: variant.name,
            repeat: variant.repeat,
            expectedMs,
            ...(variant.load ? { load: variant.load } : {}),
          }),
      });
      result.variants.push(vr);
      // The local platform refines its calibration from a dedicated variant: keep the latest.
      const calibration = platform.info().calibration;
      if (calibration) result.meta.calibration = calibration;
      await persist();
      onEvent({
        type: 'variant-end',
        name: vr.name,
        repeat: vr.repeat,
        complete: vr.complete,
        error: vr.error?.message,
        ...(vr.load ? { load: vr.load } : {}),
        ...(plan.search && vr.load?.probe ? { probe: probeVerdict(plan, vr, plan.search.slo) } : {}),
      });
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      if (variantError) {
        runError ??= variantError;
        // A crashed component leaves no platform for the next variant; a failed apply may not.
        if (crashed) break;
      }
      const stop = abortOnFailHit(result, plan);
      if (stop) {
        result.meta.abort = {
          reason: `threshold ${stop.key}: ${stop.expression} failed (abortOnFail)`,
          code: 'THRESHOLDS_FAILED',
        };
        log(result.meta.abort.reason);
        break;
      }
    }
  } catch (e) {
    if (signal?.aborted) aborted = true;
    else runError ??= asMeshbenchError(e, 'the platform failed');
  } finally {
    if (platform) {
      try {
        await platform.down();
      } catch (e) {
        const err = asMeshbenchError(e, 'tearing the platform down failed');
        result.meta.notes.push(err.message);
        runError ??= err;
      }
    }
  }

  if (aborted || signal?.aborted) {
    aborted = true;
    result.meta.abort = { reason: 'aborted by signal', code: 'ABORTED' };
  } else if (runError && !result.meta.abort) {
    result.meta.abort = { reason: runError.message, code: runError.code };
  }
  result.meta.endedAt = new Date().toISOString();
  result.meta.complete =
    !aborted &&
    !runError &&
    (plan.search ? searchesDone(plan, result.variants) : result.variants.length === plan.variants.length) &&
    result.variants.every((v) => v.complete);
  // Summarized once, after the result is final: verdicts, the reports and the caller all read this.
  let input: ReturnType<typeof buildReporterInput>;
  try {
    input = buildReporterInput(result);
    result.verdicts = input.verdicts;
    await persist();
  } finally {
    // The record is final (or the run failed for good): no later exit may mark it cut short.
    process.off('exit', onForcedExit);
  }
  const { summary, verdicts } = input;
  onEvent({ type: 'verdicts', verdicts });

  let reportFiles: string[] = [];
  if (options.reports !== false && !writeError) {
    try {
      reportFiles = await writeReportFiles(dir, await buildReports(input));
    } catch (e) {
      log(
        `reports could not be written: ${(e as Error).message} (result.json is intact; retry with \`meshbench report ${resultPath}\`)`,
      );
    }
  }
  onEvent({ type: 'run-end', dir, complete: result.meta.complete });

  const invalid = findInvalidUnderVerdicts(summary, verdicts, plan.thresholds);
  let exitCode: ExitCode = ExitCode.ok;
  if (aborted) exitCode = ExitCode.aborted;
  else if (runError) exitCode = runError.exitCode;
  else if (writeError) exitCode = writeError.exitCode;
  // A failed gate is still a failed gate; passed verdicts on an invalid result prove nothing.
  else if (verdicts.some((v) => !v.pass)) exitCode = ExitCode.thresholdsFailed;
  else if (invalid.length > 0) exitCode = ExitCode.resultInvalid;
  return {
    result,
    dir,
    exitCode,
    verdicts,
    summary,
    invalid,
    reportFiles,
    error: aborted ? undefined : (runError ?? writeError),
  };
}

/**
 * The variant runs in order: the plan's own, or for a search each variant's probes, each chosen from the
 * outcomes of those before it (`done` grows as the run goes). A failed probe ends its variant's search.
 */
function* variantRuns(
  plan: RunPlan,
  done: readonly VariantResult[],
): Generator<{ index: number; variant: VariantPlan }> {
  const { search } = plan;
  if (!search) {
    for (const [index, variant] of plan.variants.entries()) yield { index, variant };
    return;
  }
  for (const [index, variant] of plan.variants.entries()) {
    for (;;) {
      const step = searchStep(plan, done, variant);
      if (step === 'failed' || step.done) break;
      yield {
        index,
        variant: {
          ...variant,
          load: {
            ...loadAtFactor(search.base, plan.scale, step.factor),
            probe: probesOf(done, variant.name, variant.repeat).length + 1,
            ...(step.confirm ? { confirm: true } : {}),
          },
        },
      };
    }
  }
}

/** Whether every variant's search reached its answer. */
function searchesDone(plan: RunPlan, done: readonly VariantResult[]): boolean {
  return plan.variants.every((v) => {
    const step = searchStep(plan, done, v);
    return step !== 'failed' && step.done;
  });
}

function abortOnFailHit(result: RunResult, plan: RunPlan) {
  const critical = plan.thresholds.filter((t) => t.abortOnFail);
  if (critical.length === 0) return undefined;
  const verdicts = evaluateThresholds(summarizeRun(result), critical);
  // Only a verdict that could be computed from what has run so far may stop the run.
  return verdicts.find((v) => !v.pass && v.actual !== null);
}

async function runVariant(input: {
  plan: RunPlan;
  variant: VariantPlan;
  platform: Platform;
  signal?: AbortSignal;
  onEvent: RunEventListener;
  expectedMs: number;
  intervalMs: number;
  skipPreflight: boolean;
  /** Called once the topology is applied and load is about to start. */
  onLoadStart: () => void;
}): Promise<{ result: VariantResult; crashed: boolean; error?: MeshbenchError }> {
  const { plan, variant, platform, onEvent, expectedMs } = input;
  const startedAt = Date.now();
  const base: VariantResult = {
    name: variant.name,
    repeat: variant.repeat,
    ...(variant.load ? { load: variant.load } : {}),
    kind: variant.topology.kind,
    startedAt,
    endedAt: startedAt,
    complete: false,
    tenants: [],
    cpu: [],
    stats: [],
  };
  const failure = new AbortController();
  let failureError: MeshbenchError | undefined;
  const signal = input.signal ? AbortSignal.any([input.signal, failure.signal]) : failure.signal;
  // A variant that failed before its load: recorded in the result, and the error itself for the run.
  const failedBeforeLoad = (error: MeshbenchError) => ({
    result: { ...base, endedAt: Date.now(), error: { code: error.code, message: error.message } },
    crashed: false,
    error,
  });
  let schedules: Record<string, LoadSchedule>;
  try {
    await platform.apply(variant.topology);
    if (signal.aborted) return { result: { ...base, endedAt: Date.now() }, crashed: false };
    schedules = buildSchedules(plan, platform.targets(), variant);
    // The experiment must be what the suite says before it is measured: policy enforced, path crossed.
    if (!input.skipPreflight && platform.preflight) {
      const report = await platform.preflight(variant.topology);
      base.preflight = report;
      input.onEvent({ type: 'log', message: `variant ${variant.name}: ${describePreflight(report)}` });
      if (!report.ok)
        return failedBeforeLoad(
          new MeshbenchError(
            'PREFLIGHT_FAILED',
            `variant ${variant.name} is not what the suite says, so it was not measured: ${describeFailures(report).join('; ')}`,
            {
              fix: 'check the policy and the topology the platform applied; --skip-preflight measures anyway',
            },
          ),
        );
    }
  } catch (e) {
    // Interrupted while switching topology: nothing was measured, and that is not a failure.
    if (signal.aborted) return { result: { ...base, endedAt: Date.now() }, crashed: false };
    return failedBeforeLoad(asMeshbenchError(e, `applying variant ${variant.name} failed`));
  }
  input.onLoadStart();

  const loadStart = Date.now();
  const lastCpu = new Map<string, { at: number; cpu: number }>();
  const sampling = startSampling(
    platform.sampler(),
    input.intervalMs,
    (s) => {
      // Live display: cores over the last interval of each waypoint.
      for (const r of s.cpu) {
        if (r.kind !== 'waypoint') continue;
        const p = lastCpu.get(r.component);
        lastCpu.set(r.component, { at: s.at, cpu: r.cpuSeconds });
        if (p && s.at > p.at) {
          const cores = (r.cpuSeconds - p.cpu) / ((s.at - p.at) / 1000);
          onEvent({
            type: 'cpu',
            variant: variant.name,
            component: r.component,
            cores,
            limitCores: r.limitCores,
          });
        }
      }
    },
    (e) => {
      failureError = asMeshbenchError(e, 'a platform component failed');
      failure.abort(failureError);
    },
  );
  await sampling.first;
  let loads: Record<string, LoadResult> = {};
  let loadError: MeshbenchError | undefined;
  try {
    loads = await platform.loadDriver().run({
      schedules,
      signal,
      onProgress: (p) =>
        onEvent({
          type: 'progress',
          variant: variant.name,
          elapsedMs: Date.now() - loadStart,
          expectedMs,
          tenant: p,
        }),
    });
  } catch (e) {
    if (!signal.aborted) loadError = asMeshbenchError(e, 'the load driver failed');
  }
  const samples = await sampling.stop();
  const error = failureError ?? loadError;
  // CPU and stats on the load's own time axis: from the tenants' common start to the end of the
  // last schedule, the same axis as the per-second latency series.
  const starts = Object.values(loads).map((l) => l.startedAt - l.schedule.startOffsetMs);
  const t0 = starts.length ? Math.min(...starts) : loadStart;
  const window = sampleWindow(samples, t0, t0 + expectedMs);
  const result: VariantResult = {
    ...base,
    endedAt: Date.now(),
    complete: !error && !signal.aborted && Object.values(loads).every((l) => !l.incomplete),
    tenants: plan.tenants
      .filter((t) => loads[t.name])
      .map((t) => ({ tenant: t.name, namespace: t.namespace, load: loads[t.name] })),
    cpu: buildCpuSeries(window, t0),
    stats: buildStatsSeries(window, t0),
    error: error ? { code: error.code, message: error.message } : undefined,
  };
  return { result, crashed: failureError !== undefined, ...(error ? { error } : {}) };
}
