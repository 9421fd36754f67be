/**
 * The processes of the reference benchmark (effects): one `meshbench run` child per run, in its own process
 * group so Ctrl-C reaches it once (from us) and whatever it leaves behind can be found and ended; and the
 * busy loops that load the host.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { readMachineCpu, readProcessCpu } from '../src/metrics/proc-cpu.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes whose process group is `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return alive(-pgid) ? [pgid] : [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1');
      // Fields after the command: state, ppid, pgrp (stat(5) fields 3, 4, 5).
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') out.push(Number(e));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already empty
  }
}

/** Ends what is left in a process group: SIGTERM, then SIGKILL after `graceMs`. Returns how many were left. */
export async function sweepGroup(pgid: number, graceMs = 3000): Promise<number> {
  const left = groupMembers(pgid).length;
  if (left === 0) return 0;
  killGroup(pgid, 'SIGTERM');
  const end = Date.now() + graceMs;
  while (groupMembers(pgid).length && Date.now() < end) await sleep(100);
  if (groupMembers(pgid).length) killGroup(pgid, 'SIGKILL');
  while (groupMembers(pgid).length && Date.now() < end + 2000) await sleep(100);
  return left;
}

export interface RunExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Processes of the run's group still alive after it exited (then ended by us). */
  leftBehind: number;
}

export interface RunChild {
  pid: number;
  done: Promise<RunExit>;
  /** Asks the run to stop and keep what it measured (SIGINT, as Ctrl-C would). */
  interrupt(): void;
  /** Ends the run and everything it started, now. */
  kill(): void;
}

/** Starts `node <args>` in its own process group; its stderr goes to `logFile`, its stdout is kept. */
export function startRunChild(input: { args: string[]; cwd: string; logFile: string }): RunChild {
  const log = openSync(input.logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, input.args, {
      cwd: input.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', log],
    });
  } finally {
    closeSync(log);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${process.execPath} ${input.args.join(' ')}`);
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  const done = new Promise<RunExit>((resolve, reject) => {
    child.once('error', reject);
    // On exit, not close: a process it left behind could hold stdout open. End those first, then drain stdout.
    child.once('exit', (code, signal) => {
      void (async () => {
        const leftBehind = await sweepGroup(pid);
        await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())]);
        resolve({ exitCode: code, signal, stdout: Buffer.concat(chunks).toString('utf8'), leftBehind });
      })();
    });
  });
  return {
    pid,
    done,
    interrupt: () => {
      if (alive(pid)) process.kill(pid, 'SIGINT');
    },
    kill: () => killGroup(pid, 'SIGKILL'),
  };
}

// Busy forever, but checks every ~50 ms whether its parent is gone, so it cannot outlive the benchmark.
const BUSY_LOOP =
  'const p=process.ppid;let i=0;for(;;){if(++i===5e7){i=0;if(process.ppid!==p)process.exit(0)}}';

export interface HostLoad {
  /** Busy loops asked for. */
  busyCores: number;
  /** Cores each busy loop actually got over the run; null when it was gone before the end. */
  busyLoopCores: Array<number | null>;
  /** Cores the whole host was busy over the run (everything, the run included); null off Linux. */
  hostBusyCores: number | null;
  cores: number;
}

export interface BusyLoops {
  pids: number[];
  /** Ends the loops and tells how the host was loaded since they started. */
  stop(): Promise<HostLoad>;
  /** Synchronous end, for process exit. */
  killNow(): void;
}

/** Starts `k` busy loops (`node -e`), one per core to keep busy. */
export async function startBusyLoops(k: number): Promise<BusyLoops> {
  // Own session: a terminal's Ctrl-C reaches us, not them; we end them (and they watch for our exit).
  const children = Array.from({ length: k }, () =>
    spawn(process.execPath, ['-e', BUSY_LOOP], { stdio: 'ignore', detached: true }),
  );
  const pids = children.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  const exited = children.map(
    (c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))),
  );
  const t0 = performance.now();
  const cpu0 = await Promise.all(pids.map((p) => readProcessCpu(p)));
  const machine0 = await readMachineCpu();
  const killNow = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  return {
    pids,
    killNow,
    async stop() {
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = await Promise.all(pids.map((p) => readProcessCpu(p)));
      const machine1 = await readMachineCpu();
      killNow();
      await Promise.all(exited);
      const total = machine1.totalSeconds - machine0.totalSeconds;
      return {
        busyCores: k,
        busyLoopCores: pids.map((_, i) => {
          const a = cpu0[i];
          const b = cpu1[i];
          return a && b && seconds > 0 ? (b.cpuSeconds - a.cpuSeconds) / seconds : null;
        }),
        hostBusyCores:
          total > 0 ? ((machine1.busySeconds - machine0.busySeconds) / total) * machine1.cores : null,
        cores: machine1.cores,
      };
    },
  };
}
