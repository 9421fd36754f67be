import { dirname } from 'node:path';
import { compareRuns } from '../../analysis/compare.ts';
import { ExitCode, MeshbenchError } from '../../errors.ts';
import {
  buildCompareHtml,
  buildCompareMarkdown,
  formatComparisonTable,
} from '../../report/compare-report.ts';
import { writeReportFiles } from '../../report/index.ts';
import { readResultFile } from '../../report/read-result.ts';
import type { Command } from '../command.ts';
import { flagNumber } from '../flags.ts';
import { ensureWritableDir } from '../../output/results-dir.ts';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Compare a run with a baseline run; exit 100 on a regression, 108 when nothing is comparable',
  usage: 'compare <baseline.json> <candidate.json> [--tolerance 0.1] [--out DIR] [--json]',
  description:
    'Per variant, tenant and metric: baseline, candidate, change and status. Latency up, error rate up and\n' +
    'achieved rate down beyond the tolerance are regressions, unless the repeat ranges overlap (noise).\n' +
    'Writes compare.md and compare.html (next to the candidate unless --out).\n' +
    'Example: meshbench compare results/waypoint-sharing/A/result.json results/waypoint-sharing/B/result.json',
  options: {
    tolerance: {
      type: 'string',
      arg: 'FRACTION',
      help: 'Allowed relative change before a regression (default 0.1 = 10%)',
    },
    out: {
      type: 'string',
      arg: 'DIR',
      help: 'Directory for compare.md and compare.html (default: the candidate’s)',
    },
    json: { type: 'boolean', help: 'Print the comparison as JSON on stdout' },
  },
  positionals: { min: 2, max: 2 },
  async run({ values, positionals }, io) {
    const [baselineFile, candidateFile] = positionals;
    const tolerance = flagNumber('tolerance', values.tolerance, { min: 0, max: 10, example: '0.1' }) ?? 0.1;
    const baseline = await readResultFile(baselineFile);
    const candidate = await readResultFile(candidateFile);
    const out = await ensureWritableDir({
      dir: typeof values.out === 'string' ? values.out : dirname(candidateFile),
      flag: '--out',
    });
    const comparison = compareRuns(baseline, candidate, { tolerance });
    // A candidate that lost what the baseline measured is a regression (exit 100, with its report);
    // nothing comparable and nothing lost is neither a pass nor a regression.
    if (comparison.comparable === 0 && comparison.regressions === 0) {
      // Two runs with no figure in common would otherwise read as "no regression" and pass a gate.
      const measured = (r: typeof baseline) =>
        r.variants
          .flatMap((v) => v.tenants.map((t) => `${v.name}/${t.tenant}`))
          .filter((x, i, a) => a.indexOf(x) === i);
      const show = (xs: string[]) => (xs.length > 0 ? xs.join(', ') : 'none');
      throw new MeshbenchError(
        'NOT_COMPARABLE',
        `nothing to compare: no variant and tenant has a judged figure measured in both ${baselineFile} and ${candidateFile}`,
        {
          input: 'result',
          value: candidateFile,
          details: [
            `baseline measured: ${show(measured(baseline))}`,
            `candidate measured: ${show(measured(candidate))}`,
            ...comparison.notes,
          ],
          fix: 'compare two runs of the same suite that both measured something (see their summaries)',
        },
      );
    }
    const written = await writeReportFiles(out, [
      { path: 'compare.md', bytes: buildCompareMarkdown(comparison) },
      { path: 'compare.html', bytes: buildCompareHtml(comparison) },
    ]);
    io.stderr.write(formatComparisonTable(comparison));
    io.stderr.write(`wrote ${written.join(', ')}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
    return comparison.regressions > 0 ? ExitCode.regression : ExitCode.ok;
  },
};
