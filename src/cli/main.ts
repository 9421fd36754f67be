/**
 * argv → command → exit code. The only place that turns errors into exits; humans read stderr,
 * machines read stdout.
 */
import { parseArgs } from 'node:util';
import { ExitCode, MeshbenchError, isMeshbenchError } from '../errors.ts';
import type { CliIO, Command } from './command.ts';
import { commands } from './commands/index.ts';
import { VERSION } from '../version.ts';

function optionHelp(cmd: Command): string[] {
  return Object.entries(cmd.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`;
    return `  ${flag.padEnd(30)} ${o.help}`;
  });
}

export function commandHelp(cmd: Command): string {
  return [
    `Usage: meshbench ${cmd.usage}`,
    '',
    cmd.summary,
    ...(cmd.description ? ['', cmd.description] : []),
    '',
    'Options:',
    ...optionHelp(cmd),
    `  ${'-h, --help'.padEnd(30)} Show this help`,
    '',
  ].join('\n');
}

export function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `meshbench ${VERSION} — load tests and benchmarks for service-mesh data planes`,
    '',
    'Usage: meshbench <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `meshbench <command> --help` for a command's options.",
    'Exit codes: 0 pass, 1 internal error, 2 usage error, 99 thresholds failed, 100 baseline regression,',
    '            103 result invalid, 104 invalid suite, 105 aborted by signal, 106 target unreachable,',
    '            107 results not written, 108 nothing comparable, 110 platform failure, 111 preflight failed.',
    '',
  ].join('\n');
}

function parseCommandArgs(cmd: Command, argv: string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...cmd.options, help: { type: 'boolean', short: 'h', help: '' } }).map(([k, o]) => {
      const { help: _h, arg: _a, ...rest } = o as Command['options'][string];
      return [k, rest];
    }),
  );
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    const err = cause as Error & { code?: string };
    const m = /Unknown option '([^']+)'/.exec(err.message);
    if (m) {
      throw new MeshbenchError('UNKNOWN_FLAG', `unknown flag ${m[1]} for \`meshbench ${cmd.name}\``, {
        input: m[1],
        value: m[1],
        fix: `see \`meshbench ${cmd.name} --help\` for its flags`,
        cause,
      });
    }
    throw new MeshbenchError('USAGE', `${err.message} (meshbench ${cmd.name})`, {
      cause,
      fix: `see \`meshbench ${cmd.name} --help\``,
    });
  }
}

function defaultIO(): CliIO & { dispose(): void; handlesSignals: boolean } {
  const controller = new AbortController();
  let signals = 0;
  const io = {
    handlesSignals: false,
  };
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (!io.handlesSignals) {
      process.stderr.write(`\nmeshbench: ${sig} received — stopping\n`);
      process.exit(ExitCode.aborted);
    }
    if (signals === 1) {
      process.stderr.write(
        `\nmeshbench: ${sig} received — stopping, keeping what was measured (again to force)\n`,
      );
      controller.abort(new MeshbenchError('ABORTED', `aborted by ${sig}`));
    } else {
      process.stderr.write('meshbench: forced exit\n');
      process.exit(ExitCode.aborted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return Object.assign(io, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  });
}

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: string[], io?: CliIO): Promise<number> {
  const own = io ? undefined : defaultIO();
  const cio = io ?? own!;
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      (name === undefined ? cio.stderr : cio.stdout).write(mainHelp());
      return name === undefined ? ExitCode.usage : ExitCode.ok;
    }
    if (name === '--version' || name === '-v') {
      cio.stdout.write(`${VERSION}\n`);
      return ExitCode.ok;
    }
    const entry = commands.find((c) => c.name === name);
    if (!entry) {
      throw new MeshbenchError('UNKNOWN_COMMAND', `unknown command "${name}"`, {
        input: 'command',
        value: name,
        fix: `use one of: ${commands.map((c) => c.name).join(', ')} (meshbench --help)`,
      });
    }
    const cmd = await entry.load();
    if (own) own.handlesSignals = cmd.handlesSignals === true;
    const parsed = parseCommandArgs(cmd, rest);
    if (parsed.values.help) {
      cio.stdout.write(commandHelp(cmd));
      return ExitCode.ok;
    }
    const { min, max } = cmd.positionals;
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new MeshbenchError(
        'USAGE',
        `\`meshbench ${cmd.name}\` takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${parsed.positionals.length}${parsed.positionals.length ? ` (${parsed.positionals.join(' ')})` : ''}`,
        { fix: `usage: meshbench ${cmd.usage}` },
      );
    }
    return await cmd.run(
      {
        values: parsed.values as Record<string, string | boolean | string[] | undefined>,
        positionals: parsed.positionals,
      },
      cio,
    );
  } catch (e) {
    if (isMeshbenchError(e)) {
      cio.stderr.write(`${e.format()}\n`);
      return e.exitCode;
    }
    const err = e as Error;
    cio.stderr.write(
      `internal error: ${err?.stack ?? String(e)}\nThis is a meshbench bug; please report it with the command you ran.\n`,
    );
    return ExitCode.internal;
  } finally {
    own?.dispose();
  }
}
