/** junit.xml: one test case per threshold verdict, failures carry the actual figure (pure). */
import type { RunResult, Verdict } from '../result/types.ts';
import { escapeXml as x } from './escape.ts';
import { fmtActual } from './format.ts';

function caseName(v: Verdict): string {
  const where = [v.selector.variant, v.selector.tenant].filter((s) => s !== undefined).join(', ');
  return `${v.key}: ${v.expression}${where ? ` [${where}]` : ''}`;
}

export function buildJunitXml(input: { result: RunResult; verdicts: Verdict[] }): string {
  const { result, verdicts } = input;
  const suite = result.meta.suite.name;
  const failures = verdicts.filter((v) => !v.pass).length;
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="meshbench" tests="${verdicts.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="${x(suite)}" tests="${verdicts.length}" failures="${failures}" errors="0" skipped="0" timestamp="${x(result.meta.startedAt)}" time="0">`,
    '    <properties>',
    `      <property name="run" value="${x(result.meta.id)}"/>`,
    `      <property name="platform" value="${x(result.meta.platform)}"/>`,
    `      <property name="complete" value="${result.meta.complete}"/>`,
    ...(result.meta.git ? [`      <property name="git" value="${x(result.meta.git.revision)}"/>`] : []),
    '    </properties>',
  ];
  for (const v of verdicts) {
    const cls = ['meshbench', suite, v.selector.variant ?? 'all', v.selector.tenant ?? 'all'].join('.');
    const open = `    <testcase classname="${x(cls)}" name="${x(caseName(v))}" time="0"`;
    if (v.pass) {
      out.push(`${open}>`);
      out.push(
        `      <system-out>${x(`actual ${fmtActual(v.actual)}${v.note ? ` (${v.note})` : ''}`)}</system-out>`,
      );
      out.push('    </testcase>');
      continue;
    }
    const message = `actual ${fmtActual(v.actual)} does not satisfy ${v.expression}`;
    out.push(`${open}>`);
    out.push(
      `      <failure type="threshold" message="${x(message)}">${x([message, v.note].filter(Boolean).join('\n'))}</failure>`,
    );
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}
