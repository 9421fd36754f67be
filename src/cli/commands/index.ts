/**
 * The command registry (vitest reporters/index.ts habit): name → command, loaded on demand so a
 * command does not pay for the others' modules (the Kubernetes and chart code cost seconds of start-up).
 */
import type { Command } from '../command.ts';

export interface CommandEntry {
  name: string;
  /** The command's own summary, repeated here for `meshbench --help` (a unit test keeps them equal). */
  summary: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  {
    name: 'run',
    summary: 'Run a suite: every variant, results, reports and threshold verdicts',
    load: async () => (await import('./run.ts')).runCommand,
  },
  {
    name: 'validate',
    summary: 'Check a suite and print its expanded plan',
    load: async () => (await import('./validate.ts')).validateCommand,
  },
  {
    name: 'load',
    summary: 'Send load to one URL at a fixed rate (open loop) and report honest latency',
    load: async () => (await import('./load.ts')).loadCommand,
  },
  {
    name: 'report',
    summary: 'Re-render the reports of a run from its result.json',
    load: async () => (await import('./report.ts')).reportCommand,
  },
  {
    name: 'compare',
    summary: 'Compare a run with a baseline run; exit 100 on a regression, 108 when nothing is comparable',
    load: async () => (await import('./compare.ts')).compareCommand,
  },
  {
    name: 'history',
    summary: 'A suite’s runs over time: a series per metric, change points, and a gate on the trend',
    load: async () => (await import('./history.ts')).historyCommand,
  },
  {
    name: 'up',
    summary: 'Start the embedded mesh and keep it running (until `meshbench down` or Ctrl-C)',
    load: async () => (await import('./up.ts')).upCommand,
  },
  {
    name: 'down',
    summary: 'Stop a running `meshbench up` (local), delete the kind cluster, or remove meshbench namespaces',
    load: async () => (await import('./down.ts')).downCommand,
  },
  {
    name: 'plan',
    summary: 'Print every Kubernetes step and manifest of a suite, without touching a cluster',
    load: async () => (await import('./plan.ts')).planCommand,
  },
  {
    name: 'doctor',
    summary: 'Check tools, versions, limits, cluster and permissions for the kind/cluster platforms',
    load: async () => (await import('./doctor.ts')).doctorCommand,
  },
];
