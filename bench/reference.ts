/**
 * Reference benchmark (not a test): the reference suite run N times on the local platform, each run its own
 * `meshbench run` process, and the figures the reference experiment stands on — per run, their spread across
 * runs, and the targets they must meet. `npm run -s bench:reference -- [--runs 5] [--suite PATH]
 * [--results DIR] [--busy-cores K] [--json]` (see --help). Human tables on stderr; with --json the result on
 * stdout (and always in <results>/bench-reference.json). Pure parts: reference-figures.ts, reference-targets.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MeshbenchError } from '../src/errors.ts';
import { readResultFile } from '../src/report/read-result.ts';
import { DEFAULT_SUITE, parseReferenceArgs, USAGE } from './reference-args.ts';
import {
  emptyRunFigures,
  extractRunFigures,
  figuresAcrossRuns,
  type RunFigures,
} from './reference-figures.ts';
import { formatFigureTable, formatRunLine, formatRunNotes, formatTargets } from './reference-format.ts';
import {
  type BusyLoops,
  type HostLoad,
  type RunChild,
  type RunExit,
  startBusyLoops,
  startRunChild,
} from './reference-processes.ts';
import { evaluateBench } from './reference-targets.ts';

const EXIT = { met: 0, missed: 1, usage: 2, aborted: 105 } as const;
/** After Ctrl-C, how long the run may take to stop and write what it measured before it is killed. */
const INTERRUPT_GRACE_MS = 60_000;

const log = (s: string) => process.stderr.write(`${s}\n`);
function usageError(e: MeshbenchError): never {
  log(`bench:reference: ${e.format()}`);
  process.exit(EXIT.usage);
}

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const cores = availableParallelism();
const parsed = parseReferenceArgs(argv, { cores });
if (!parsed.ok) usageError(parsed.error);
if (parsed.value === 'help') {
  process.stdout.write(USAGE);
  process.exit(EXIT.met);
}
const opts = parsed.value;

const suiteFile = opts.suite === DEFAULT_SUITE ? join(repoRoot, DEFAULT_SUITE) : resolve(opts.suite);
if (!existsSync(suiteFile) || !statSync(suiteFile).isFile())
  usageError(
    new MeshbenchError('INVALID_FLAG', `--suite ${opts.suite}: no such file (${suiteFile})`, {
      input: '--suite',
      value: opts.suite,
      fix: `pass a suite file, e.g. --suite ${DEFAULT_SUITE} or --suite fixtures/suites/tiny.suite.ts`,
    }),
  );
const suiteArg = relative(repoRoot, suiteFile).startsWith('..') ? suiteFile : relative(repoRoot, suiteFile);

let resultsDir: string;
try {
  if (opts.results !== undefined) {
    resultsDir = resolve(opts.results);
    await mkdir(resultsDir, { recursive: true });
  } else resultsDir = await mkdtemp(join(tmpdir(), 'meshbench-reference-'));
} catch (cause) {
  usageError(
    new MeshbenchError(
      'INVALID_FLAG',
      `--results ${opts.results}: cannot create it (${(cause as Error).message})`,
      {
        input: '--results',
        value: opts.results,
        fix: 'pass a folder you can write, or leave --results out for a temp folder',
        cause,
      },
    ),
  );
}

const runArgs = [
  join(repoRoot, 'bin/meshbench.js'),
  'run',
  suiteArg,
  '--platform',
  'local',
  '--results',
  resultsDir,
  '--json',
];

// Ctrl-C: stop the current run (it keeps what it measured), then print what was measured; twice: kill now.
let stopping = 0;
let current: RunChild | null = null;
let busy: BusyLoops | null = null;
const onSignal = (sig: NodeJS.Signals) => {
  stopping++;
  if (stopping === 1) {
    log(
      `\nbench:reference: ${sig} — stopping the current run, then printing what was measured (${sig} again to force)`,
    );
    current?.interrupt();
    setTimeout(() => current?.kill(), INTERRUPT_GRACE_MS).unref();
  } else {
    log('bench:reference: forced — ending the run and its processes now');
    current?.kill();
    busy?.killNow();
  }
};
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
// Last resort on any exit (an uncaught error included): nothing of ours outlives the benchmark.
process.on('exit', () => {
  busy?.killNow();
  current?.kill();
});

/** Run folders (<results>/<suite>/<run>/) holding a result.json, newest first, that no earlier run claimed. */
async function newestRunDir(root: string, claimed: ReadonlySet<string>): Promise<string | null> {
  const found: Array<{ dir: string; mtime: number }> = [];
  for (const suite of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!suite.isDirectory()) continue;
    for (const run of await readdir(join(root, suite.name), { withFileTypes: true }).catch(() => [])) {
      const dir = join(root, suite.name, run.name);
      if (!run.isDirectory() || claimed.has(dir)) continue;
      const st = await stat(join(dir, 'result.json')).catch(() => null);
      if (st) found.push({ dir, mtime: st.mtimeMs });
    }
  }
  found.sort((a, b) => b.mtime - a.mtime);
  return found[0]?.dir ?? null;
}

async function readRunFigures(run: number, exit: RunExit, claimed: Set<string>): Promise<RunFigures> {
  let dir: string | null = null;
  try {
    const out = JSON.parse(exit.stdout) as { dir?: unknown };
    if (typeof out.dir === 'string') dir = isAbsolute(out.dir) ? out.dir : resolve(repoRoot, out.dir);
  } catch {
    // no --json document (the run failed early or was killed): look for its folder instead
  }
  dir ??= await newestRunDir(resultsDir, claimed);
  const base = { run, exitCode: exit.exitCode, dir };
  if (!dir) return emptyRunFigures({ ...base, error: 'the run left no results folder' });
  claimed.add(dir);
  try {
    return extractRunFigures({ ...base, result: await readResultFile(join(dir, 'result.json')) });
  } catch (err) {
    return emptyRunFigures({ ...base, error: (err as Error).message });
  }
}

function describeHostLoad(h: HostLoad): string {
  const host =
    h.hostBusyCores === null
      ? ''
      : `host busy ${h.hostBusyCores.toFixed(2)} of ${h.cores} cores, run included`;
  if (h.busyCores === 0) return `no busy loops${host ? `; ${host}` : ''}`;
  const got = h.busyLoopCores
    .map((c) => (c === null ? '? (ended early)' : `${c.toFixed(2)} cores`))
    .join(', ');
  return `${h.busyCores} busy loop${h.busyCores > 1 ? 's' : ''} (node -e) got ${got}${host ? `; ${host}` : ''}`;
}

function lastLines(file: string, n: number): string[] {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n);
  } catch {
    return [];
  }
}

type RunRecord = RunFigures & {
  seconds: number;
  signal: NodeJS.Signals | null;
  host: HostLoad;
  hostLoad: string;
  log: string;
  leftBehind: number;
};

const startedAt = new Date().toISOString();
const load0 = loadavg();
const loadPlan =
  opts.busyCores > 0
    ? `${opts.busyCores} of ${cores} cores kept busy by unrelated busy loops (node -e) during each run`
    : `no extra load (${cores} cores)`;
log(
  `bench:reference: ${suiteArg}, ${opts.runs} run${opts.runs > 1 ? 's' : ''} on the local platform; ${loadPlan}; load average ${load0.map((l) => l.toFixed(2)).join(' ')}`,
);
log(`results: ${resultsDir}`);

const finished: RunRecord[] = [];
let abortedRun: RunRecord | null = null;
const claimed = new Set<string>();
for (let i = 1; i <= opts.runs && stopping === 0; i++) {
  const logFile = join(resultsDir, `run-${i}.stderr.log`);
  log(
    `run ${i}/${opts.runs}: node ${[relative(process.cwd(), runArgs[0]), ...runArgs.slice(1)].join(' ')}  (stderr → ${logFile})`,
  );
  busy = await startBusyLoops(opts.busyCores);
  if (stopping) {
    await busy.stop();
    busy = null;
    break;
  }
  const t0 = performance.now();
  let exit: RunExit;
  try {
    current = startRunChild({ args: runArgs, cwd: repoRoot, logFile });
    exit = await current.done;
  } catch (err) {
    exit = { exitCode: null, signal: null, stdout: '', leftBehind: 0 };
    log(`run ${i}: could not run: ${(err as Error).message}`);
  } finally {
    current = null;
  }
  const host = await busy.stop();
  busy = null;
  const seconds = (performance.now() - t0) / 1000;
  const figures = await readRunFigures(i, exit, claimed);
  const record: RunRecord = {
    ...figures,
    seconds,
    signal: exit.signal,
    host,
    hostLoad: describeHostLoad(host),
    log: logFile,
    leftBehind: exit.leftBehind,
  };
  log(formatRunLine(record, opts.runs, seconds, record.hostLoad, exit.signal));
  if (exit.leftBehind) log(`  ${exit.leftBehind} process(es) of run ${i} outlived it: ended them`);
  if (figures.error || (exit.exitCode !== 0 && exit.exitCode !== 99 && exit.exitCode !== 103))
    for (const l of lastLines(logFile, 6)) log(`  | ${l}`);
  if (stopping) abortedRun = record;
  else finished.push(record);
}

const figures = figuresAcrossRuns(finished);
const verdict = evaluateBench(finished);
const aborted = stopping > 0;
const exitCode = aborted ? EXIT.aborted : verdict.met ? EXIT.met : EXIT.missed;

log('');
log(
  `${suiteArg}: ${finished.length} of ${opts.runs} runs${aborted ? ' (ABORTED)' : ''}; host: ${loadPlan}; results ${resultsDir}`,
);
if (finished.length) {
  log(formatFigureTable(finished, figures));
  log(formatRunNotes(finished));
}
if (abortedRun)
  log(
    `run ${abortedRun.run} was stopped by the signal: left out of the figures and targets (its partial result: ${abortedRun.dir ?? 'none'})`,
  );
log(formatTargets(verdict));
if (aborted)
  log(
    `ABORTED after ${finished.length} of ${opts.runs} runs: the targets above judge only those (exit ${EXIT.aborted})`,
  );
log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

const out = {
  benchmark: 'reference',
  startedAt,
  endedAt: new Date().toISOString(),
  command: `npm run -s bench:reference -- ${argv.join(' ')}`.trim(),
  suite: suiteArg,
  runsRequested: opts.runs,
  resultsDir: resultsDir,
  host: {
    cores,
    busyCores: opts.busyCores,
    load: loadPlan,
    loadAverageBefore: load0,
    loadAverageAfter: loadavg(),
  },
  aborted,
  runs: finished,
  abortedRun,
  figures,
  targets: verdict.targets,
  verdict: {
    applies: verdict.applies,
    met: verdict.met,
    missed: verdict.missed,
    problems: verdict.problems,
    notes: verdict.notes,
  },
  exitCode,
};
const doc = `${JSON.stringify(out, null, 2)}\n`;
await writeFile(join(resultsDir, 'bench-reference.json'), doc).catch((err: Error) =>
  log(`could not write ${join(resultsDir, 'bench-reference.json')}: ${err.message}`),
);
if (opts.json) process.stdout.write(doc);
process.exitCode = exitCode;
