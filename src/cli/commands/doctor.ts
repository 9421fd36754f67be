import { ExitCode } from '../../errors.ts';
import { doctorFor } from '../../run/create-platform.ts';
import { kubePlatformSchema } from '../../suite/schema.ts';
import { readSuite } from '../../suite/read-suite.ts';
import type { Command } from '../command.ts';
import { flagChoice } from '../flags.ts';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check tools, versions, limits, cluster and permissions for the kind/cluster platforms',
  usage: 'doctor [suite] [--platform kind|cluster] [--json]',
  description:
    'Reports each missing piece with its exact fix; exit 0 when everything is there, 110 otherwise.\nWith a suite, versions are checked against what it pins (platforms.<name>.istioVersion).\nExample: meshbench doctor --platform kind suites/waypoint-sharing.suite.ts',
  options: {
    platform: { type: 'string', arg: 'NAME', help: 'kind (default) or cluster' },
    json: { type: 'boolean', help: 'Print the checks as JSON on stdout' },
    context: { type: 'string', arg: 'NAME', help: 'kubeconfig context (cluster platform)' },
    'install-istio': {
      type: 'boolean',
      help: 'cluster platform: also require istioctl or helm to install Istio',
    },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, io) {
    const platform = flagChoice('platform', values.platform, ['kind', 'cluster'], {
      default: 'kind',
      fix: 'pass --platform kind (the default) or --platform cluster; the local platform needs nothing extra',
    });
    // The schema fills platforms.kind/cluster with defaults, so this is what expandSuite puts in plan.kube.
    const kube = positionals[0]
      ? (await readSuite(positionals[0])).suite.platforms[platform]
      : kubePlatformSchema.parse({});
    const { ok, checks, text, missing } = await doctorFor({
      platform,
      istioVersion: kube.istioVersion,
      clusterName: kube.clusterName,
      context: typeof values.context === 'string' ? values.context : kube.context,
      kubeconfig: kube.kubeconfig,
      env: io.env,
      installIstio: values['install-istio'] === true,
    });
    if (values.json)
      io.stdout.write(
        `${JSON.stringify({ platform, istioVersion: kube.istioVersion, ok, checks }, null, 2)}\n`,
      );
    io.stderr.write(`meshbench doctor --platform ${platform} (Istio ${kube.istioVersion})\n${text}\n`);
    io.stderr.write(ok ? 'everything needed is there\n' : `missing pieces: ${missing.join(', ')}\n`);
    return ok ? ExitCode.ok : ExitCode.platformFailure;
  },
};
