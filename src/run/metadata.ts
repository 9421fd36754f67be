/** Run metadata (effects: reads the machine and git). */
import { execa } from 'execa';
import { cpus, hostname, platform, release, totalmem } from 'node:os';
import { VERSION } from '../version.ts';
import type { RunMeta } from '../result/types.ts';

export function readMachine(): RunMeta['machine'] {
  const c = cpus();
  return {
    hostname: hostname(),
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

/** The git revision of the working directory, when it is a checkout (never fails the run). */
export async function readGit(cwd: string): Promise<RunMeta['git'] | undefined> {
  const rev = await execa('git', ['rev-parse', 'HEAD'], { cwd, reject: false, timeout: 5000 });
  if (rev.exitCode !== 0) return undefined;
  const st = await execa('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd,
    reject: false,
    timeout: 5000,
  });
  return { revision: rev.stdout.trim(), dirty: st.stdout.trim() !== '' };
}

export function baseVersions(): Record<string, string> {
  return { meshbench: VERSION, node: process.version };
}
