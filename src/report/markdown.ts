/** summary.md: a CI step summary or PR comment (pure). */
import { type Finding, explainRun } from '../analysis/explain.ts';
import { comparePublished } from '../analysis/published.ts';
import type { RunSummary } from '../analysis/summary-types.ts';
import type { RunResult, Verdict } from '../result/types.ts';
import { escapeMarkdown as md } from './escape.ts';
import { fmtActual, fmtCores, fmtNum, fmtPct, fmtSpread } from './format.ts';
import { fmtLatency, LATENCY_FROM, type LatencyStat, latencyStatLabel } from './latency-rows.ts';
import { PUBLISHED_COLUMNS, PUBLISHED_HEADING, publishedCells } from './published-table.ts';
import { runFacts } from './run-facts.ts';

const MD_STATS: LatencyStat[] = ['avg', 'p50', 'p90', 'p99', 'p999', 'max'];

function verdictHeadline(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'no thresholds';
  const failed = verdicts.filter((v) => !v.pass).length;
  return failed
    ? `❌ ${failed} of ${verdicts.length} thresholds failed`
    : `✅ all ${verdicts.length} thresholds passed`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** "What limited the run": the findings per variant, limits first, as bullets. */
function findingLines(findings: readonly Finding[], variants: readonly string[]): string[] {
  const lines = ['', '### What limited the run', ''];
  if (findings.length === 0) return [...lines, 'Nothing in the recorded data points to a limit.'];
  for (const variant of variants) {
    const mine = findings.filter((f) => f.variant === variant);
    if (mine.length === 0) continue;
    lines.push(`**${md(variant)}**`, '');
    for (const f of mine) {
      const head = [
        f.severity === 'info' ? '' : `**${f.severity}**`,
        f.repeat === undefined ? '' : `repeat ${f.repeat}`,
      ].filter(Boolean);
      lines.push(`- ${head.length ? `${head.join(' · ')}: ` : ''}${md(f.text)}`);
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}

export function buildSummaryMarkdown(input: {
  result: RunResult;
  summary: RunSummary;
  verdicts: Verdict[];
}): string {
  const { result, summary, verdicts } = input;
  const f = runFacts(result);
  const lines: string[] = [];
  lines.push(`## meshbench · ${md(f.suite)} — ${verdictHeadline(verdicts)}`, '');
  if (!f.complete)
    lines.push(
      `> **Incomplete run**${f.abort ? `: ${md(f.abort)}` : ''} — figures cover what was measured.`,
      '',
    );
  lines.push(
    `Run **${md(f.id)}** on **${md(f.platform)}**, started ${md(f.startedAt)}${f.git ? `, git ${md(f.git)}` : ''}.`,
    `Load: ${md(f.load)}; stagger: ${md(f.stagger)}.${f.repeats > 1 ? ` ${f.repeats} repeats (±sd across repeats).` : ''}`,
    ...(f.calibration ? [`Calibration: ${md(f.calibration)}.`] : []),
    '',
    '### Latency per tenant (ms)',
    '',
    `From the **${md(LATENCY_FROM.intended)}** (when each request was due: the honest figure under load), then from the **${md(LATENCY_FROM.actual)}** (when it was sent, as Fortio measures).`,
    '',
    row(['tenant', 'variant', 'from', ...MD_STATS.map(latencyStatLabel)]),
    row(['---', '---', '---', ...MD_STATS.map(() => '---:')]),
  );
  for (const tenant of summary.tenants) {
    for (const v of summary.variants) {
      const t = v.tenants.find((x) => x.tenant === tenant);
      if (!t) {
        lines.push(row([md(tenant), md(v.name), 'not measured', ...MD_STATS.map(() => '')]));
        continue;
      }
      for (const from of ['intended', 'actual'] as const) {
        lines.push(
          row([
            md(tenant),
            md(v.name) + (t.incomplete ? ' (partial)' : ''),
            md(LATENCY_FROM[from]),
            ...MD_STATS.map((stat) => fmtLatency(t, from, stat)),
          ]),
        );
      }
    }
  }
  lines.push(
    '',
    '### Errors and rate per tenant',
    '',
    row(['tenant', 'variant', 'requests', 'errors', 'rps', 'waypoint CPU']),
    row(['---', '---', '---:', '---:', '---:', '---:']),
  );
  for (const tenant of summary.tenants) {
    for (const v of summary.variants) {
      const t = v.tenants.find((x) => x.tenant === tenant);
      if (!t) {
        lines.push(row([md(tenant), md(v.name), 'not measured', '', '', '']));
        continue;
      }
      const w = v.waypoints.find((x) => x.component === t.waypoint);
      lines.push(
        row([
          md(tenant),
          md(v.name) + (t.incomplete ? ' (partial)' : ''),
          String(t.merged.requests.completed),
          fmtPct(t.merged.errors.rate) + fmtSpread(t.spread['errors.rate'], fmtPct),
          `${fmtNum(t.merged.rps.achieved, 1)}${t.merged.rps.target ? ` / ${t.merged.rps.target}` : ''}`,
          w ? `${fmtCores(w.merged.avgCores)}${w.limitCores !== undefined ? ` / ${w.limitCores}` : ''}` : '—',
        ]),
      );
    }
  }
  if (result.plan.published) {
    lines.push(
      '',
      `### ${PUBLISHED_HEADING}`,
      '',
      md(result.plan.published.source),
      '',
      row([...PUBLISHED_COLUMNS]),
      row(['---', '---:', '---:', '---:']),
      ...comparePublished(result.plan, summary).map((c) => row(publishedCells(c).map(md))),
    );
  }
  const errorRows = summary.variants.flatMap((v) =>
    v.tenants
      .filter((t) => t.merged.errors.count > 0 || t.merged.requests.skipped > 0)
      .map((t) =>
        row([
          md(t.tenant),
          md(v.name),
          Object.entries(t.merged.errors.byClass)
            .map(([k, n]) => `${md(k)} ${n}`)
            .join(', ') || '—',
          String(t.merged.requests.skipped),
        ]),
      ),
  );
  if (errorRows.length) {
    lines.push(
      '',
      '### Errors by class',
      '',
      row(['tenant', 'variant', 'counts', 'not sent (skipped)']),
      row(['---', '---', '---', '---:']),
      ...errorRows,
    );
  }
  const wpRows = summary.variants.flatMap((v) =>
    v.waypoints.map((w) =>
      row([
        md(v.name),
        md(w.component),
        w.tenants.map(md).join(', '),
        fmtCores(w.merged.avgCores),
        fmtCores(w.merged.maxCores),
        w.limitCores === undefined ? '—' : String(w.limitCores),
        w.merged.throttledRatio === undefined ? '—' : fmtPct(w.merged.throttledRatio),
        String(w.merged.overflow),
      ]),
    ),
  );
  if (wpRows.length) {
    lines.push(
      '',
      '### Waypoints',
      '',
      row(['variant', 'waypoint', 'serves', 'avg cores', 'max cores', 'limit', 'throttled', 'overflows']),
      row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:']),
      ...wpRows,
    );
  }
  const variantNames = summary.variants.map((v) => v.name);
  if (variantNames.length) lines.push(...findingLines(explainRun(result, summary), variantNames));
  if (verdicts.length) {
    lines.push(
      '',
      '### Thresholds',
      '',
      row(['', 'threshold', 'variant', 'tenant', 'actual', 'note']),
      row(['---', '---', '---', '---', '---:', '---']),
    );
    for (const v of verdicts) {
      lines.push(
        row([
          v.pass ? '✅' : '❌',
          // Plain escaped text, not code spans: entities inside backticks would show literally.
          `${md(v.key)}: ${md(v.expression)}`,
          md(v.selector.variant ?? '*'),
          md(v.selector.tenant ?? '*'),
          fmtActual(v.actual),
          md(v.note ?? ''),
        ]),
      );
    }
  }
  const errors = summary.variants.flatMap((v) => v.errors.map((e) => `- ${md(v.name)} ${md(e)}`));
  if (errors.length) lines.push('', '### Variant failures', '', ...errors);
  lines.push('');
  return lines.join('\n');
}
