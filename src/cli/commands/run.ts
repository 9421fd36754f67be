import { join } from 'node:path';
import { findInvalidResults, formatInvalidResult } from '../../analysis/validity.ts';
import { ExitCode } from '../../errors.ts';
import { explainRun } from '../../analysis/explain.ts';
import { comparePublished } from '../../analysis/published.ts';
import {
  formatFindings,
  formatLoadSteps,
  formatPublishedTable,
  formatSummaryTable,
  formatVerdictTable,
} from '../../report/tables.ts';
import { escapeTerminal } from '../../report/text-table.ts';
import { runSuite } from '../../run/run-suite.ts';
import { expandSuite } from '../../suite/expand.ts';
import { readSuite } from '../../suite/read-suite.ts';
import { REFERENCE_SUITE } from '../../suite/reference.ts';
import type { Command } from '../command.ts';
import { checkVariants, flagChoice, flagDuration, flagNumber, flagPlatform, flagScale } from '../flags.ts';
import { createLiveDisplay } from '../live-display.ts';
import { MeshbenchError } from '../../errors.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a suite: every variant, results, reports and threshold verdicts',
  usage:
    'run [suite] [--platform local|kind|cluster] [--repeat N] [--variant NAME] [--results DIR] [--json] [--skip-preflight]',
  description: [
    'Without a suite, runs the reference experiment (suites/waypoint-sharing.suite.ts).',
    'Results go to <results>/<suite>/<UTC time>-<id>/: result.json, report.html, summary.md, junit.xml, charts/, fortio/.',
    'Exit 0 when every threshold passes, 99 when one fails, 103 when they pass on an invalid result (the load generator fell behind, nothing was measured, or the load ended early), 105 on Ctrl-C (what was measured is kept), 110 on a platform failure, 111 when the preflight probes of a variant fail (its policy or path is not what the suite says).',
    'Example: meshbench run suites/waypoint-sharing.suite.ts --platform local --repeat 3',
  ].join('\n'),
  options: {
    platform: { type: 'string', arg: 'NAME', help: 'local (default), kind or cluster' },
    repeat: { type: 'string', arg: 'N', help: "Run the variants N times (overrides the suite's repeats)" },
    variant: { type: 'string', multiple: true, arg: 'NAME', help: 'Run only this variant (repeatable)' },
    results: { type: 'string', arg: 'DIR', help: 'Results root directory (default: results)' },
    scale: {
      type: 'string',
      arg: 'X',
      help: "Override the suite's scale for the platform (0 < X ≤ 1): rate, connections and waypoint limits",
    },
    duration: { type: 'string', arg: 'D', help: 'Override the load duration, e.g. 20s' },
    driver: {
      type: 'string',
      arg: 'NAME',
      help: 'kind/cluster: in-cluster load by agent (default) or fortio',
    },
    json: {
      type: 'boolean',
      help: 'Print the run outcome (dir, verdicts, summary, published figures) as JSON on stdout',
    },
    quiet: { type: 'boolean', help: 'No live display' },
    'skip-preflight': {
      type: 'boolean',
      help: "Measure each variant without first probing its policy and path (know why: the result may not be the suite's experiment)",
    },
  },
  positionals: { min: 0, max: 1 },
  handlesSignals: true,
  async run({ values, positionals }, io) {
    const platform = flagPlatform(values.platform);
    const repeats = flagNumber('repeat', values.repeat, { min: 1, max: 100, integer: true, example: '3' });
    const scale = flagScale(values.scale, '0.1');
    const durationMs = flagDuration('duration', values.duration, { min: 1000, example: '20s' });
    const file = positionals[0] ?? REFERENCE_SUITE;
    const valid = await readSuite(file);
    const variants = values.variant as string[] | undefined;
    checkVariants(valid, variants);
    if (durationMs !== undefined) {
      const maxOffset = Math.max(...Object.values(valid.durations.startOffsetMs));
      if (durationMs <= maxOffset) {
        throw new MeshbenchError(
          'INVALID_FLAG',
          `--duration must be longer than the largest tenant startOffset (${maxOffset} ms)`,
          {
            input: '--duration',
            value: values.duration,
            fix: `pass e.g. --duration ${Math.ceil(maxOffset / 1000) + 10}s`,
          },
        );
      }
    }
    const plan = expandSuite(valid, { platform, source: file, repeats, scale, variants, durationMs });
    const driver = flagChoice('driver', values.driver, ['agent', 'fortio'], {
      fix: 'pass --driver agent (our engine in pods) or --driver fortio, with --platform kind|cluster',
    });
    if (driver !== undefined) {
      if (!plan.kube) {
        throw new MeshbenchError(
          'INVALID_FLAG',
          `--driver must be agent or fortio on kind or cluster, got ${JSON.stringify(values.driver)} on ${platform}`,
          {
            input: '--driver',
            value: values.driver,
            fix: 'use --driver agent or --driver fortio with --platform kind|cluster (local always uses the in-process engine)',
          },
        );
      }
      plan.kube.driver = driver;
    }
    const resultsRoot = typeof values.results === 'string' ? values.results : join(io.cwd, 'results');
    const display = createLiveDisplay(io.stderr as NodeJS.WritableStream & { isTTY?: boolean }, {
      quiet: Boolean(values.quiet),
    });
    const outcome = await runSuite({
      plan,
      resultsRoot,
      signal: io.signal,
      onEvent: display,
      command: ['meshbench', 'run', ...positionals],
      skipPreflight: values['skip-preflight'] === true,
      cwd: io.cwd,
    });
    const { summary } = outcome;
    const steps = formatLoadSteps(summary, plan);
    if (steps) io.stderr.write(`\n${steps}`);
    io.stderr.write(`\n${formatSummaryTable(summary, { calibration: outcome.result.meta.calibration })}\n`);
    const published = formatPublishedTable(plan, summary);
    if (published) io.stderr.write(`${published}\n`);
    if (summary.variants.length) io.stderr.write(`${formatFindings(explainRun(outcome.result, summary))}\n`);
    if (outcome.verdicts.length) io.stderr.write(`\n${formatVerdictTable(outcome.verdicts)}\n`);
    const invalid = findInvalidResults(summary).map((i) =>
      formatInvalidResult({ ...i, tenant: escapeTerminal(i.tenant), variant: escapeTerminal(i.variant) }),
    );
    if (invalid.length) io.stderr.write(`\n${invalid.join('\n')}\n`);
    if (outcome.exitCode === ExitCode.resultInvalid)
      io.stderr.write(
        'every threshold passed, but a verdict rests on an INVALID result (exit 103): see the INVALID lines above; rerun on a less busy host, or with a load that runs to its end\n',
      );
    else if (outcome.exitCode === ExitCode.thresholdsFailed && outcome.invalid.length)
      io.stderr.write('thresholds failed (exit 99); some verdicts also rest on INVALID results\n');
    if (outcome.error) io.stderr.write(`\n${outcome.error.format()}\n`);
    if (outcome.exitCode === ExitCode.aborted)
      io.stderr.write('\nrun aborted: what was measured is kept (marked incomplete)\n');
    io.stderr.write(`\nresults: ${outcome.dir}\n`);
    for (const f of outcome.reportFiles.filter((f) => /report\.html$|summary\.md$|junit\.xml$/.test(f)))
      io.stderr.write(`  ${f}\n`);
    if (values.json) {
      // Each tenant's summary carries both latency definitions: latency (intended start), latencyActual (Fortio's).
      const against = plan.published ? { published: comparePublished(plan, summary) } : {};
      io.stdout.write(
        `${JSON.stringify({ dir: outcome.dir, exitCode: outcome.exitCode, complete: outcome.result.meta.complete, verdicts: outcome.verdicts, invalid: outcome.invalid, summary, ...against }, null, 2)}\n`,
      );
    }
    return outcome.exitCode;
  },
};
