/**
 * Parent side of a component process: spawn `node --import tsx <entry> <json>`, wait for its ready
 * line, watch for unexpected exits, stop with SIGTERM then SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MeshbenchError } from '../../errors.ts';
import { READY_PREFIX } from './child-entry.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const STDERR_LINES = 20;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we asked it to stop. */
  expected: boolean;
  stderr: string[];
}

export class ComponentProcess<Ready = unknown> {
  readonly name: string;
  readonly child: ChildProcess;
  readonly stderr: string[] = [];
  private stopping = false;
  private readonly lineWaiters: Array<{ prefix: string; resolve: (rest: string) => void }> = [];
  readonly exited: Promise<ChildExit>;
  ready!: Ready;

  private constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) =>
        resolve({ code, signal, expected: this.stopping, stderr: [...this.stderr] }),
      );
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      for (const w of [...this.lineWaiters]) {
        if (line.startsWith(w.prefix)) {
          this.lineWaiters.splice(this.lineWaiters.indexOf(w), 1);
          w.resolve(line.slice(w.prefix.length));
        }
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    });
    // A write to a child that died must not crash the parent; the exit is reported instead.
    child.stdin?.on('error', () => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `entry` (a file in this folder) and waits for its ready line. */
  static async start<R>(input: {
    name: string;
    entry: string;
    config: unknown;
    cwd?: string;
    timeoutMs?: number;
    /** Extra Node.js flags (e.g. GC tuning) before `--import tsx`. */
    nodeArgs?: string[];
  }): Promise<ComponentProcess<R>> {
    const child = spawn(
      process.execPath,
      [...(input.nodeArgs ?? []), '--import', 'tsx', join(HERE, input.entry), JSON.stringify(input.config)],
      { cwd: input.cwd ?? process.cwd(), stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env } },
    );
    const proc = new ComponentProcess<R>(input.name, child);
    const timeoutMs = input.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const line = await Promise.race([
        proc.waitForLine(READY_PREFIX),
        proc.exited.then((e) => {
          throw new MeshbenchError(
            'PLATFORM_FAILED',
            `${input.name} exited before it was ready (code ${e.code}, signal ${e.signal})`,
            { details: e.stderr.slice(-8) },
          );
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new MeshbenchError('PLATFORM_FAILED', `${input.name} was not ready within ${timeoutMs} ms`, {
                  details: proc.stderr.slice(-8),
                }),
              ),
            timeoutMs,
          );
        }),
      ]);
      proc.ready = JSON.parse(line) as R;
      return proc;
    } catch (e) {
      await proc.stop();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  waitForLine(prefix: string): Promise<string> {
    return new Promise((resolve) => this.lineWaiters.push({ prefix, resolve }));
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    this.child.stdin?.end();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Synchronous last resort (process 'exit' handler). */
  killNow(): void {
    this.stopping = true;
    if (this.alive) this.child.kill('SIGKILL');
  }
}
