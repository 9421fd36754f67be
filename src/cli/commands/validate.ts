import { stringify } from 'yaml';
import { ExitCode } from '../../errors.ts';
import { expandSuite } from '../../suite/expand.ts';
import { readSuite } from '../../suite/read-suite.ts';
import { suiteJsonSchema } from '../../suite/json-schema.ts';
import type { Command } from '../command.ts';
import { flagPlatform } from '../flags.ts';
import { describePlan } from '../describe-plan.ts';
import { redactPlan } from '../../run/redact-result.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a suite and print its expanded plan',
  usage: 'validate <suite> [--platform local|kind|cluster] [--json] | validate --schema',
  description: 'Example: meshbench validate suites/waypoint-sharing.suite.ts',
  options: {
    platform: { type: 'string', arg: 'NAME', help: 'Platform to expand for: local (default), kind, cluster' },
    json: { type: 'boolean', help: 'Print the plan as JSON on stdout' },
    schema: { type: 'boolean', help: "Print the suite's JSON Schema and exit" },
  },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }, io) {
    if (values.schema) {
      io.stdout.write(`${JSON.stringify(suiteJsonSchema(), null, 2)}\n`);
      return ExitCode.ok;
    }
    const file = positionals[0];
    if (!file) {
      const { MeshbenchError } = await import('../../errors.ts');
      throw new MeshbenchError('USAGE', '`meshbench validate` needs a suite file', {
        fix: 'meshbench validate suites/waypoint-sharing.suite.ts',
      });
    }
    const platform = flagPlatform(values.platform);
    const valid = await readSuite(file);
    const plan = expandSuite(valid, { platform, source: file });
    // Credentials in tenant headers are never printed.
    const shown = redactPlan(plan);
    if (values.json) io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    else io.stdout.write(describePlan(shown) + '\n' + stringify({ plan: shown }, { lineWidth: 0 }));
    io.stderr.write(
      `suite ${file} is valid: ${plan.variants.length} variant run(s) × ${plan.tenants.length} tenant(s) on ${platform}\n`,
    );
    return ExitCode.ok;
  },
};
