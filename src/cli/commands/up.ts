import { ExitCode, MeshbenchError } from '../../errors.ts';
import { createPlatform } from '../../run/create-platform.ts';
import { expandSuite } from '../../suite/expand.ts';
import { readSuite } from '../../suite/read-suite.ts';
import { REFERENCE_SUITE } from '../../suite/reference.ts';
import type { Command } from '../command.ts';
import { checkVariants, flagPlatform, flagScale } from '../flags.ts';

function curlLine(url: string, headers: Record<string, string>): string {
  const h = Object.entries(headers)
    .map(([k, v]) => `-H '${k}: ${v.replace(/'/g, '')}'`)
    .join(' ');
  return `curl -s ${h} ${url}`;
}

export const upCommand: Command = {
  name: 'up',
  summary: 'Start the embedded mesh and keep it running (until `meshbench down` or Ctrl-C)',
  usage: 'up [suite] [--platform local] [--variant NAME] [--scale K] [--json]',
  description: [
    'Starts Bookinfo for every tenant and the waypoints of one variant (default: the first), prints',
    'curl-able endpoints with the identity headers, and waits. Stop it with Ctrl-C or `meshbench down`',
    '(the running instance is recorded in $MESHBENCH_STATE_DIR or the OS temp dir, meshbench-up.json).',
    'Example: meshbench up suites/waypoint-sharing.suite.ts --variant shared',
  ].join('\n'),
  options: {
    platform: { type: 'string', arg: 'NAME', help: 'Only local is supported by `up`' },
    variant: { type: 'string', arg: 'NAME', help: 'Variant whose topology to apply (default: the first)' },
    scale: { type: 'string', arg: 'K', help: "Override the suite's local scale factor (0 < K <= 1)" },
    json: { type: 'boolean', help: 'Print the endpoints as JSON on stdout' },
  },
  positionals: { min: 0, max: 1 },
  handlesSignals: true,
  async run({ values, positionals }, io) {
    const platformName = flagPlatform(values.platform);
    if (platformName !== 'local')
      throw new MeshbenchError(
        'INVALID_FLAG',
        `--platform ${platformName} is not supported by \`meshbench up\``,
        {
          input: '--platform',
          value: platformName,
          fix: 'use --platform local (clusters keep running on their own; use `meshbench run` there)',
        },
      );
    const scale = flagScale(values.scale, '0.1');
    const file = positionals[0] ?? REFERENCE_SUITE;
    const valid = await readSuite(file);
    const variantName = typeof values.variant === 'string' ? values.variant : undefined;
    checkVariants(valid, variantName ? [variantName] : undefined, file);
    const plan = expandSuite(valid, {
      platform: 'local',
      source: file,
      scale,
      repeats: 1,
      variants: [variantName ?? valid.suite.topology.variants[0].name],
    });
    const variant = plan.variants[0];
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const platform = await createPlatform('local', { log });
    const hold = await platform.hold?.({ suite: file, variant: variant.name, env: io.env });
    if (!hold || !platform.describe)
      throw new MeshbenchError(
        'INTERNAL',
        `the ${platform.name} platform cannot be held by \`meshbench up\``,
      );
    try {
      await platform.up(plan);
      await platform.apply(variant.topology);
      const { targets, waypoints, services } = platform.describe();
      const statePath = await hold.record();
      if (values.json) {
        io.stdout.write(
          `${JSON.stringify({ variant: variant.name, targets, waypoints, services, statePath })}\n`,
        );
      } else {
        const lines = [
          `meshbench up: variant ${variant.name} of ${plan.suite.name} (scale ${plan.scale})`,
          '',
        ];
        for (const t of targets) lines.push(`tenant ${t.tenant}:`, `  ${curlLine(t.url, t.headers)}`);
        for (const w of waypoints)
          lines.push(
            `waypoint ${w.waypoint}: ${w.url} (cpu ${w.cpuLimit}, ${w.enforcement})  stats: curl -s ${w.stats}`,
          );
        for (const s of services)
          lines.push(
            `bookinfo ${s.namespace}: ${Object.entries(s.ports)
              .map(([k, p]) => `${k} :${p}`)
              .join(', ')}`,
          );
        lines.push('', 'Stop with Ctrl-C or `meshbench down`.');
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      const failed = platform.failed;
      await new Promise<void>((resolve) => {
        if (io.signal.aborted || failed?.aborted) return resolve();
        io.signal.addEventListener('abort', () => resolve(), { once: true });
        failed?.addEventListener('abort', () => resolve(), { once: true });
      });
      log('meshbench up: stopping the mesh');
      // A component that died on its own ends `up` with its error, not a clean exit.
      if (failed?.aborted) throw failed.reason;
      return ExitCode.ok;
    } finally {
      await platform.down();
      await hold.release();
    }
  },
};
