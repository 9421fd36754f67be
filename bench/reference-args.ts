/** The reference benchmark's flags (pure): argv → options, or an error naming the flag, the value and the fix. */
import { parseArgs } from 'node:util';
import { fail, MeshbenchError, ok, type Result } from '../src/errors.ts';
import { flagNumber } from '../src/cli/flags.ts';

export const DEFAULT_SUITE = 'suites/waypoint-sharing.suite.ts';
export const DEFAULT_RUNS = 5;

export interface ReferenceOptions {
  suite: string;
  runs: number;
  /** Results root for every run; undefined: a new folder under the OS temp dir. */
  results?: string;
  /** Cores kept busy by an unrelated process during each run. */
  busyCores: number;
  json: boolean;
}

export const USAGE = `Usage: npm run -s bench:reference -- [--runs N] [--suite PATH] [--results DIR] [--busy-cores K] [--json]

Runs a suite N times on the local platform, each as its own process
(node bin/meshbench.js run <suite> --platform local --results <dir> --json), then prints per run and across runs:
dedicated tenants' avg and p50 (intended and actual start), error rates, waypoint utilization and throttling,
shared ns-1 ÷ dedicated ns-1, shared ns-2 errors, generator-lag verdicts, the calibration, and the targets.

  --runs N          runs (default ${DEFAULT_RUNS})
  --suite PATH      suite file (default ${DEFAULT_SUITE})
  --results DIR     results root of the runs (default: a new folder under the OS temp dir)
  --busy-cores K    keep K cores busy with unrelated busy loops during each run (default 0)
  --json            one JSON document on stdout (tables still go to stderr)
  -h, --help        this text

Exit 0 when every target is met, 1 when one is missed, 2 on a bad flag, 105 on Ctrl-C (after printing what was
measured; the current run is stopped and no process is left behind).
Targets apply to suites with variants dedicated and shared and tenants ns-1 and ns-2; others get figures only.
`;

const OPTIONS = {
  suite: { type: 'string' },
  runs: { type: 'string' },
  results: { type: 'string' },
  'busy-cores': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FLAGS = '--runs N, --suite PATH, --results DIR, --busy-cores K, --json or --help';
const EXAMPLES: Record<string, string> = {
  runs: '--runs 5',
  suite: `--suite ${DEFAULT_SUITE}`,
  results: '--results /tmp/reference',
  'busy-cores': '--busy-cores 1',
};

function flagError(input: string, value: unknown, message: string, fix: string): MeshbenchError {
  return new MeshbenchError('INVALID_FLAG', message, { input, value, fix });
}

/** Parses argv; `cores` bounds --busy-cores. */
export function parseReferenceArgs(
  argv: readonly string[],
  env: { cores: number },
): Result<ReferenceOptions | 'help'> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const { message, code } = err as Error & { code?: string };
    const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? '(flag)';
    const name = flag.replace(/^-+/, '');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      return fail(
        new MeshbenchError('UNKNOWN_FLAG', `unknown flag ${flag}`, {
          input: flag,
          value: flag,
          fix: `use ${FLAGS}`,
        }),
      );
    if (name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === 'string')
      return fail(
        flagError(flag, undefined, `${flag} needs a value`, `pass e.g. ${EXAMPLES[name] ?? `${flag} VALUE`}`),
      );
    return fail(
      flagError(flag, undefined, message.replace(/\. To specify a positional.*$/s, ''), `use ${FLAGS}`),
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return ok('help');
  if (positionals.length)
    return fail(
      flagError(
        positionals[0],
        positionals[0],
        `unexpected argument ${JSON.stringify(positionals[0])}`,
        `pass the suite with --suite ${positionals[0]}`,
      ),
    );
  const busy = values['busy-cores'];
  if (busy !== undefined && /^\d+$/.test(busy) && Number(busy) > env.cores)
    return fail(
      flagError(
        '--busy-cores',
        busy,
        `--busy-cores ${busy} is more than this host's ${env.cores} cores`,
        `pass --busy-cores 0 to ${env.cores}`,
      ),
    );
  try {
    const runs = flagNumber('runs', values.runs, { min: 1, max: 100, integer: true, example: '5' });
    const busyCores = flagNumber('busy-cores', values['busy-cores'], {
      min: 0,
      max: env.cores,
      integer: true,
      example: '1',
    });
    for (const [flag, v] of [
      ['suite', values.suite],
      ['results', values.results],
    ] as const)
      if (v !== undefined && v.trim() === '')
        return fail(
          flagError(`--${flag}`, v, `--${flag} must not be empty`, `pass a path, e.g. --${flag} ./x`),
        );
    return ok({
      suite: values.suite ?? DEFAULT_SUITE,
      runs: runs ?? DEFAULT_RUNS,
      ...(values.results !== undefined ? { results: values.results } : {}),
      busyCores: busyCores ?? 0,
      json: Boolean(values.json),
    });
  } catch (err) {
    if (err instanceof MeshbenchError) return fail(err);
    throw err;
  }
}
