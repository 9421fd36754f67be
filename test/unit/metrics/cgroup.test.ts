import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildCfsQuota,
  CpuCgroup,
  detectCgroupLayout,
  parseCpuStat,
  parseOwnerPid,
  removeStaleCgroups,
} from '../../../src/metrics/cgroup.ts';

describe('parseCpuStat', () => {
  it('reads cgroup v1 (throttled_time in ns)', () => {
    expect(parseCpuStat('nr_periods 120\nnr_throttled 30\nthrottled_time 1500000000\n')).toEqual({
      periods: 120,
      throttledPeriods: 30,
      throttledSeconds: 1.5,
      usageSeconds: undefined,
    });
  });
  it('reads cgroup v2 (µs, with usage)', () => {
    const s = parseCpuStat(
      'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 250000\n',
    );
    expect(s).toEqual({ periods: 10, throttledPeriods: 4, throttledSeconds: 0.25, usageSeconds: 2.5 });
  });
});

describe('buildCfsQuota', () => {
  it('is cores × period, at least 1 ms', () => {
    expect(buildCfsQuota(0.2)).toEqual({ periodUs: 100_000, quotaUs: 20_000 });
    expect(buildCfsQuota(2)).toEqual({ periodUs: 100_000, quotaUs: 200_000 });
    expect(buildCfsQuota(0.001).quotaUs).toBe(1000);
  });
});

describe('CpuCgroup on a directory tree shaped like cgroup v1', () => {
  let root: string;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes the quota and PID, reads usage and throttling, removes only its directories', async () => {
    root = await mkdtemp(join(tmpdir(), 'meshbench-cg-'));
    const tree = {
      mode: 'cgroup-v1' as const,
      cpuRoot: join(root, 'cpu'),
      cpuacctRoot: join(root, 'cpuacct'),
    };
    await mkdir(tree.cpuRoot, { recursive: true });
    await mkdir(tree.cpuacctRoot, { recursive: true });
    const g = await CpuCgroup.create({ layout: tree, name: 'meshbench-1-ns-1-waypoint', cores: 0.5 });
    const cpu = join(tree.cpuRoot, g.name);
    expect(await readFile(join(cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('50000');
    expect(await readFile(join(cpu, 'cpu.cfs_period_us'), 'utf8')).toBe('100000');
    await g.addPid(4242);
    expect(await readFile(join(tree.cpuacctRoot, g.name, 'cgroup.procs'), 'utf8')).toBe('4242');
    await writeFile(join(cpu, 'cpu.stat'), 'nr_periods 50\nnr_throttled 20\nthrottled_time 2000000000\n');
    await writeFile(join(tree.cpuacctRoot, g.name, 'cpuacct.usage'), '3000000000\n');
    expect(await g.read()).toMatchObject({
      usageSeconds: 3,
      periods: 50,
      throttledPeriods: 20,
      throttledSeconds: 2,
    });
    // A real cgroup directory is removable with rmdir once empty; a plain one needs its files gone.
    for (const d of [cpu, join(tree.cpuacctRoot, g.name)])
      for (const f of ['cpu.cfs_quota_us', 'cpu.cfs_period_us', 'cgroup.procs', 'cpu.stat', 'cpuacct.usage'])
        await rm(join(d, f), { force: true });
    await mkdir(join(tree.cpuRoot, 'someone-else'));
    await g.remove();
    await expect(readFile(join(cpu, 'cpu.stat'))).rejects.toThrow();
    expect(existsSync(join(tree.cpuRoot, 'someone-else'))).toBe(true);
  });

  it('names cgroups after the owning run', () => {
    expect(parseOwnerPid('meshbench-4242-ns-1-waypoint')).toBe(4242);
    expect(parseOwnerPid('other')).toBeNull();
  });
});

// The real kernel interface, where this machine allows it (root, cgroup v1 or v2 writable).
const layout = await detectCgroupLayout();
describe.skipIf(!layout)('real CPU cgroups', () => {
  it('limits a busy child, records throttling, and removes the cgroup', async () => {
    const g = await CpuCgroup.create({
      layout: layout!,
      name: `meshbench-${process.pid}-test-${Date.now()}`,
      cores: 0.1,
    });
    const child = spawn(process.execPath, ['-e', 'const end = Date.now() + 1500; while (Date.now() < end);']);
    try {
      await g.addPid(child.pid!);
      await new Promise((r) => child.once('exit', r));
      const r = await g.read();
      // 1.5 s of wall time at 0.1 core: well under 0.5 CPU s, and most periods throttled.
      expect(r.usageSeconds).toBeGreaterThan(0.05);
      expect(r.usageSeconds).toBeLessThan(0.5);
      expect(r.throttledPeriods).toBeGreaterThan(3);
    } finally {
      child.kill('SIGKILL');
      await g.remove();
    }
    expect(existsSync(join(layout!.cpuRoot, g.name))).toBe(false);
  });

  it('sweeps empty meshbench cgroups of dead owners and leaves live ones', async () => {
    const dead = 2 ** 22 + 4321;
    const stale = await CpuCgroup.create({ layout: layout!, name: `meshbench-${dead}-stale`, cores: 0.1 });
    const live = await CpuCgroup.create({
      layout: layout!,
      name: `meshbench-${process.pid}-live`,
      cores: 0.1,
    });
    try {
      const removed = await removeStaleCgroups(layout!);
      expect(removed.some((p) => p.endsWith(stale.name))).toBe(true);
      expect(existsSync(join(layout!.cpuRoot, stale.name))).toBe(false);
      expect(existsSync(join(layout!.cpuRoot, live.name))).toBe(true);
    } finally {
      await stale.remove();
      await live.remove();
    }
  });
});
