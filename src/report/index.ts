/**
 * The reporter registry (vitest reporters/index.ts habit): name → pure function from the run to files,
 * plus writeReports, the thin write step. Summary and verdicts are recomputed from result.json.
 */
import { join, relative, resolve } from 'node:path';
import { evaluateThresholds } from '../analysis/evaluate.ts';
import { primaryView, summarizeRun } from '../analysis/summarize.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import { MeshbenchError } from '../errors.ts';
import type { RunResult, Verdict } from '../result/types.ts';
import { writeFilesUnder } from '../output/results-dir.ts';
import { type RenderedChart, renderCharts } from './charts/render.ts';
import { collectTenantSeconds } from './charts/series.ts';
import { buildChartSpecs } from './charts/specs.ts';
import { buildFortioFiles } from './fortio.ts';
import { buildReportHtml } from './html.ts';
import { buildJunitXml } from './junit.ts';
import { buildSummaryMarkdown } from './markdown.ts';

export interface ReporterInput {
  result: RunResult;
  summary: RunSummary;
  verdicts: Verdict[];
}

/** A file a reporter produces; `path` is relative to the report directory. */
export interface ReportFile {
  path: string;
  bytes: Buffer | string;
}

export type Reporter = (input: ReporterInput) => Promise<ReportFile[]>;

// Charts feed both the PNG files and report.html: render once per input.
const chartCache = new WeakMap<ReporterInput, Promise<RenderedChart[]>>();
export function chartsFor(input: ReporterInput): Promise<RenderedChart[]> {
  let p = chartCache.get(input);
  if (!p) {
    // The long part (merging every second's histograms) pauses for the event loop, so Ctrl-C is heard.
    const lines = input.summary.variants.flatMap((v) =>
      v.tenants.map((t) => ({ variant: v.name, tenant: t.tenant })),
    );
    // Charts over time draw the runs the main tables read (a sweep's reference step, a search's answers).
    const view = { ...input, result: primaryView(input.result) };
    p = collectTenantSeconds(view.result, lines).then((seconds) =>
      renderCharts(buildChartSpecs(view, seconds)),
    );
    chartCache.set(input, p);
  }
  return p;
}

export const reporters = {
  charts: async (input) => (await chartsFor(input)).map((c) => ({ path: `charts/${c.file}`, bytes: c.png })),
  html: async (input) => [
    { path: 'report.html', bytes: buildReportHtml({ ...input, charts: await chartsFor(input) }) },
  ],
  markdown: async (input) => [{ path: 'summary.md', bytes: buildSummaryMarkdown(input) }],
  junit: async (input) => [{ path: 'junit.xml', bytes: buildJunitXml(input) }],
  fortio: async (input) => buildFortioFiles(input.result),
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof reporters;
export const REPORTER_NAMES = Object.keys(reporters) as ReporterName[];

export function buildReporterInput(result: RunResult): ReporterInput {
  const summary = summarizeRun(result);
  return { result, summary, verdicts: evaluateThresholds(summary, result.plan.thresholds ?? []) };
}

/** Checks --only names; throws INVALID_FLAG naming the bad one. */
export function parseReporterNames(names: readonly string[]): ReporterName[] {
  for (const n of names) {
    if (!(REPORTER_NAMES as string[]).includes(n)) {
      throw new MeshbenchError('INVALID_FLAG', `--only names unknown reporter "${n}"`, {
        input: '--only',
        value: n,
        fix: `use a comma-separated list of ${REPORTER_NAMES.join(', ')}`,
      });
    }
  }
  return names as ReporterName[];
}

/** Runs the reporters (all, or `only`) and returns their files without writing anything. */
export async function buildReports(
  input: ReporterInput,
  opts: { only?: readonly string[] } = {},
): Promise<ReportFile[]> {
  const names = opts.only ? parseReporterNames(opts.only) : REPORTER_NAMES;
  const files: ReportFile[] = [];
  for (const name of names) files.push(...(await reporters[name](input)));
  return files;
}

/** Writes report files under `dir` (atomically each); returns the written paths. */
export async function writeReportFiles(dir: string, files: readonly ReportFile[]): Promise<string[]> {
  const root = resolve(dir);
  // Reporter paths are built from sanitized names; writeFilesUnder also refuses a symlinked folder.
  const written = await writeFilesUnder(root, files);
  return written.map((path) => join(dir, relative(root, path)));
}

/** Renders every report of a result into `dir`; returns the written paths. */
export async function writeReports(
  result: RunResult,
  dir: string,
  opts: { only?: string[] } = {},
): Promise<string[]> {
  return writeReportFiles(dir, await buildReports(buildReporterInput(result), opts));
}
