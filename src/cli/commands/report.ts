import { dirname } from 'node:path';
import { ExitCode, MeshbenchError } from '../../errors.ts';
import {
  REPORTER_NAMES,
  buildReporterInput,
  buildReports,
  parseReporterNames,
  writeReportFiles,
} from '../../report/index.ts';
import { readResultFile } from '../../report/read-result.ts';
import { EXPORT_FORMATS, type ExportFormat, exportRun } from '../../report/exports.ts';
import { formatPublishedTable, formatSummaryTable, formatVerdictTable } from '../../report/tables.ts';
import type { Command } from '../command.ts';
import { ensureWritableDir } from '../../output/results-dir.ts';

export const reportCommand: Command = {
  name: 'report',
  summary: 'Re-render the reports of a run from its result.json',
  usage:
    'report <result.json> [--out DIR] [--only charts,html,markdown,junit,fortio] [--format gab|gab-bigger|bencher]',
  description:
    'Writes report.html, summary.md, junit.xml, charts/*.png and fortio/*.json (next to result.json unless --out).\n' +
    'With --format, prints the run’s figures on stdout for a CI benchmark tracker instead: gab\n' +
    "(github-action-benchmark's customSmallerIsBetter: latency, errors, waypoint CPU, isolation), gab-bigger\n" +
    '(customBiggerIsBetter: achieved rate, breaking point) or bencher (Bencher Metric Format, every metric).\n' +
    'Example: meshbench report results/waypoint-sharing/20261129T040000Z-ab12/result.json --only html,markdown',
  options: {
    out: {
      type: 'string',
      arg: 'DIR',
      help: 'Directory to write into (default: the directory of result.json)',
    },
    only: { type: 'string', arg: 'LIST', help: `Comma-separated reporters: ${REPORTER_NAMES.join(', ')}` },
    format: {
      type: 'string',
      arg: 'NAME',
      help: `Print the figures for a benchmark tracker on stdout instead: ${EXPORT_FORMATS.join(', ')}`,
    },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const file = positionals[0];
    const names =
      typeof values.only === 'string'
        ? values.only
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    // An empty list would write nothing and still exit 0.
    if (names?.length === 0)
      throw new MeshbenchError('INVALID_FLAG', '--only names no reporter', {
        input: '--only',
        value: values.only,
        fix: `pass --only with some of ${REPORTER_NAMES.join(',')}, or leave it out for all`,
      });
    const only = names ? parseReporterNames(names) : undefined;
    const format = values.format;
    if (format !== undefined && !(EXPORT_FORMATS as readonly unknown[]).includes(format))
      throw new MeshbenchError('INVALID_FLAG', `--format ${String(format)} is not an export format`, {
        input: '--format',
        value: format,
        fix: `use one of ${EXPORT_FORMATS.join(', ')}`,
      });
    const result = await readResultFile(file);
    if (format !== undefined) {
      const summary = buildReporterInput(result).summary;
      const git = result.meta.git ? result.meta.git.revision.slice(0, 12) : undefined;
      io.stdout.write(`${JSON.stringify(exportRun(summary, format as ExportFormat, { git }), null, 2)}\n`);
      return ExitCode.ok;
    }
    const out = await ensureWritableDir({
      dir: typeof values.out === 'string' ? values.out : dirname(file),
      flag: '--out',
    });
    // A long run takes a while (every second's histogram is merged for the charts): say so, Ctrl-C works.
    io.stderr.write(`rendering the reports of ${file} into ${out}\n`);
    const input = buildReporterInput(result);
    const files = await buildReports(input, { only });
    const written = await writeReportFiles(out, files);
    const published = formatPublishedTable(result.plan, input.summary);
    io.stderr.write(
      `${formatSummaryTable(input.summary, { calibration: result.meta.calibration })}\n${published ? `${published}\n` : ''}${formatVerdictTable(input.verdicts)}\n`,
    );
    io.stderr.write(
      `wrote ${written.length} file(s) to ${out}:\n${written.map((p) => `  ${p}`).join('\n')}\n`,
    );
    return ExitCode.ok;
  },
};
