import { describe, expect, it } from 'vitest';
import {
  parseMachineStat,
  parseProcStat,
  readMachineCpu,
  readProcessCpu,
} from '../../../src/metrics/proc-cpu.ts';

describe('parseProcStat', () => {
  it('reads utime+stime and rss even when the command name has spaces and parentheses', () => {
    const line =
      '4242 (node (tsx) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 100 123456 2000 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ cpuSeconds: 3, rssBytes: 2000 * 4096 });
  });
  it('returns null for garbage', () => {
    expect(parseProcStat('nothing here')).toBeNull();
  });
});

describe('parseMachineStat', () => {
  it('counts everything but idle and iowait as busy', () => {
    const text = 'cpu  100 10 50 800 40 0 0 0 0 0\ncpu0 50 5 25 400 20 0 0 0 0 0\n';
    expect(parseMachineStat(text, 2)).toEqual({ busySeconds: 1.6, totalSeconds: 10, cores: 2 });
  });
});

describe('readers', () => {
  it('read this process and the machine', async () => {
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += i;
    expect(x).toBeGreaterThan(0);
    const self = await readProcessCpu(process.pid);
    expect(self?.cpuSeconds).toBeGreaterThan(0);
    expect(self?.rssBytes).toBeGreaterThan(1e6);
    expect(await readProcessCpu(2 ** 22 + 12345)).toBeNull();
    const m = await readMachineCpu();
    expect(m.totalSeconds).toBeGreaterThan(m.busySeconds);
    expect(m.cores).toBeGreaterThan(0);
  });
});
