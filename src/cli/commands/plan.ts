import { resolve } from 'node:path';
import { ExitCode } from '../../errors.ts';
import { printedPlan } from '../../run/create-platform.ts';
import { expandSuite } from '../../suite/expand.ts';
import { readSuite } from '../../suite/read-suite.ts';
import type { Command } from '../command.ts';
import { flagChoice, flagScale } from '../flags.ts';
import { ensureWritableDir, writeFilesUnder } from '../../output/results-dir.ts';

export const planCommand: Command = {
  name: 'plan',
  summary: 'Print every Kubernetes step and manifest of a suite, without touching a cluster',
  usage: 'plan <suite> [--platform kind|cluster] [--driver agent|fortio] [--out DIR]',
  description:
    'Example: meshbench plan --platform kind suites/waypoint-sharing.suite.ts --out plan/\n' +
    'Prints the steps and schema-valid manifests as YAML on stdout; --out also writes one file per manifest.\n' +
    'The agent bundle is a placeholder unless --bundle; `meshbench run` bundles src/load/agent/main.ts with esbuild.',
  options: {
    platform: { type: 'string', arg: 'NAME', help: 'kind (default) or cluster' },
    driver: { type: 'string', arg: 'NAME', help: "In-cluster load: agent or fortio (default: the suite's)" },
    scale: {
      type: 'string',
      arg: 'X',
      help: "Override the suite's scale (0 < X ≤ 1): rate, connections and waypoint limits; the plan names what does not scale",
    },
    out: { type: 'string', arg: 'DIR', help: 'Also write plan.yaml and one YAML file per manifest into DIR' },
    bundle: {
      type: 'boolean',
      help: 'Embed the real agent bundle (esbuild, ~0.75 MB per ConfigMap) instead of a placeholder',
    },
    'install-istio': {
      type: 'boolean',
      help: 'cluster platform: plan an Istio install instead of using the one there',
    },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }, io) {
    const file = positionals[0];
    const platform = flagChoice('platform', values.platform, ['kind', 'cluster'], {
      default: 'kind',
      fix: 'pass --platform kind (the default) or --platform cluster; the local platform has no Kubernetes plan',
    });
    const driver = flagChoice('driver', values.driver, ['agent', 'fortio'], {
      fix: 'pass --driver agent (our engine in pods) or --driver fortio',
    });
    const valid = await readSuite(file);
    const scale = flagScale(values.scale, '0.25');
    const plan = expandSuite(valid, { platform, source: file, scale });
    const out =
      typeof values.out === 'string'
        ? await ensureWritableDir({ dir: resolve(io.cwd, values.out), flag: '--out' })
        : undefined;
    const printed = await printedPlan(plan, {
      platform,
      driver,
      installIstio: values['install-istio'] === true,
      bundle: values.bundle === true,
    });
    io.stdout.write(printed.text);
    if (out) {
      await writeFilesUnder(
        out,
        printed.files.map((f) => ({ path: f.path, bytes: f.content })),
      );
      io.stderr.write(`wrote ${printed.files.length} files to ${out}\n`);
    }
    io.stderr.write(
      `plan for ${plan.suite.name} on ${platform}: ${printed.steps} steps, ${printed.manifests} manifests (all schema-valid); nothing was applied\n`,
    );
    return ExitCode.ok;
  },
};
