import { buildHistory } from '../../analysis/history.ts';
import { escapeTerminal } from '../../report/text-table.ts';
import { ExitCode } from '../../errors.ts';
import { ensureWritableDir } from '../../output/results-dir.ts';
import { renderCharts } from '../../report/charts/render.ts';
import {
  buildHistoryChartSpecs,
  buildHistoryHtml,
  buildHistoryMarkdown,
  describeChange,
  formatHistoryTable,
} from '../../report/history-report.ts';
import { writeReportFiles } from '../../report/index.ts';
import { readHistory } from '../../report/read-history.ts';
import type { Command } from '../command.ts';
import { flagNumber } from '../flags.ts';

export const historyCommand: Command = {
  name: 'history',
  summary: 'A suite’s runs over time: a series per metric, change points, and a gate on the trend',
  usage:
    'history <results-dir…> [--suite NAME] [--out DIR] [--gate] [--json] [--min-change 0.1] [--significance 0.01]',
  description:
    'Reads every result.json under the folders (runs in time order by start; other suites and unreadable\n' +
    'results refused with a line each), builds a series per metric × variant × tenant and finds change\n' +
    'points in each (E-divisive means with a permutation test; repeats are within-run noise). Writes\n' +
    'history.html and history.md (into --out, default ./history). --gate exits 100 when a series’ latest\n' +
    'change is a regression and the newest run is in it.\n' +
    'Example: meshbench history results/waypoint-sharing --gate',
  options: {
    suite: { type: 'string', arg: 'NAME', help: 'The suite to follow when the folders hold several' },
    out: { type: 'string', arg: 'DIR', help: 'Directory for history.html and history.md (default: history)' },
    gate: {
      type: 'boolean',
      help: 'Exit 100 when the newest run is in a regression (with the table of what moved)',
    },
    json: { type: 'boolean', help: 'Print the history (series, change points, gate) as JSON on stdout' },
    'min-change': {
      type: 'string',
      arg: 'FRACTION',
      help: 'Smallest change of the median reported (default 0.1 = 10%)',
    },
    significance: { type: 'string', arg: 'P', help: 'Largest p-value reported (default 0.01)' },
  },
  positionals: { min: 1, max: 1000 },
  async run({ values, positionals }, io) {
    const minChange = flagNumber('min-change', values['min-change'], { min: 0, max: 10, example: '0.1' });
    const significance = flagNumber('significance', values.significance, {
      min: 0.001,
      max: 0.5,
      example: '0.01',
    });
    const read = await readHistory(positionals, typeof values.suite === 'string' ? values.suite : undefined);
    for (const line of read.refused) io.stderr.write(`${line}\n`);
    const report = buildHistory(read.suite, read.runs, {
      ...(minChange === undefined ? {} : { minChange }),
      ...(significance === undefined ? {} : { significance }),
    });
    const out = await ensureWritableDir({
      dir: typeof values.out === 'string' ? values.out : 'history',
      flag: '--out',
    });
    const charts = await renderCharts(buildHistoryChartSpecs(report));
    const written = await writeReportFiles(out, [
      { path: 'history.md', bytes: buildHistoryMarkdown(report) },
      { path: 'history.html', bytes: buildHistoryHtml(report, charts) },
    ]);
    io.stderr.write(formatHistoryTable(report));
    io.stderr.write(`wrote ${written.join(', ')}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (values.gate && report.regressions.length > 0) {
      io.stderr.write(
        `gate: ${report.regressions.length} series regressed and the newest run (${escapeTerminal(report.runs.at(-1)?.id ?? '')}) is in the regression (exit 100):\n`,
      );
      for (const { series, change } of report.regressions)
        io.stderr.write(`  ${escapeTerminal(describeChange(series, change))}\n`);
      return ExitCode.regression;
    }
    if (values.gate) io.stderr.write('gate: no series is in a regression at the newest run\n');
    return ExitCode.ok;
  },
};
