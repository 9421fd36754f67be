/**
 * Calibration benchmark of the embedded platform: drives each variant of a suite through
 * LocalPlatform with the local load driver and prints per-tenant latency/errors, waypoint CPU against
 * its limit (throttling), overflow counters, and the waypoint stand-in's CPU per proxied request.
 *
 *   node --import tsx bench/local-mesh.ts [suite] [--scale K] [--duration 30s] [--variant NAME]
 */
import { parseArgs } from 'node:util';
import { summarizeLoad } from '../src/load/summarize-load.ts';
import { createLocalPlatform } from '../src/platform/local/platform.ts';
import type { Sample } from '../src/platform/types.ts';
import { buildSchedules } from '../src/run/run-suite.ts';
import { parseDuration } from '../src/suite/duration.ts';
import { expandSuite } from '../src/suite/expand.ts';
import { planEnvelope } from '../src/suite/plan.ts';
import { readSuite } from '../src/suite/read-suite.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: 'string' },
    duration: { type: 'string' },
    variant: { type: 'string', multiple: true },
  },
});
const file = positionals[0] ?? 'suites/waypoint-sharing.suite.ts';
const plan = expandSuite(await readSuite(file), {
  platform: 'local',
  source: file,
  scale: values.scale ? Number(values.scale) : undefined,
  durationMs: values.duration ? parseDuration(values.duration) : undefined,
  variants: values.variant,
});
const log = (l: string) => process.stderr.write(`${l}\n`);
const platform = createLocalPlatform({ log });
const t0 = Date.now();
const rows: string[] = [];
process.on('SIGINT', () => void platform.down().then(() => process.exit(130)));
try {
  await platform.up(plan);
  log(
    `up in ${Date.now() - t0} ms; scale ${plan.scale}: ${plan.load.rate} rps × ${plan.load.connections} conns per tenant, waypoint ${JSON.stringify(planEnvelope(plan))}`,
  );
  for (const variant of plan.variants) {
    await platform.apply(variant.topology);
    const sampler = platform.sampler();
    const samples: Sample[] = [];
    const timer = setInterval(() => void sampler.sample().then((s) => samples.push(s)), 1000);
    samples.push(await sampler.sample());
    const results = await platform.loadDriver().run({ schedules: buildSchedules(plan, platform.targets()) });
    clearInterval(timer);
    samples.push(await sampler.sample());
    for (const [tenant, r] of Object.entries(results)) {
      const s = summarizeLoad(r);
      rows.push(
        `${variant.name.padEnd(10)} ${tenant.padEnd(5)} rps ${s.achievedRps.toFixed(0).padStart(5)}  avg ${s.latency.avgMs.toFixed(1).padStart(7)} ms  p50 ${s.latency.p50Ms.toFixed(1).padStart(7)}  p99 ${s.latency.p99Ms.toFixed(1).padStart(7)}  errors ${(100 * s.errorRate).toFixed(2).padStart(6)}% ${JSON.stringify(s.errorsByClass)}`,
      );
    }
    // Waypoint CPU over the whole load window (first to last sample).
    const first = samples[0];
    const last = samples[samples.length - 1];
    const secs = (last.at - first.at) / 1000;
    for (const c of last.cpu) {
      const c0 = first.cpu.find((x) => x.component === c.component);
      if (!c0) continue;
      const cores = (c.cpuSeconds - c0.cpuSeconds) / secs;
      let line = `${variant.name.padEnd(10)} ${c.component.padEnd(28)} ${cores.toFixed(3)} cores`;
      if (c.limitCores !== undefined) line += ` / limit ${c.limitCores} (${c.enforcement ?? ''})`;
      if (c.periods !== undefined && c0.periods !== undefined)
        line += `  throttled ${(c.throttledPeriods ?? 0) - (c0.throttledPeriods ?? 0)}/${c.periods - c0.periods} periods, ${((c.throttledSeconds ?? 0) - (c0.throttledSeconds ?? 0)).toFixed(2)} s`;
      const st = last.stats.find((s) => s.component === c.component)?.counters;
      const st0 = first.stats.find((s) => s.component === c.component)?.counters;
      if (st && st0) {
        const d = (k: string) => (st[k] ?? 0) - (st0[k] ?? 0);
        const rq = d('downstream_rq_total');
        line += `  rq ${rq}  cx_overflow ${d('upstream_cx_overflow')} pending_overflow ${d('upstream_rq_pending_overflow')} rbac_denied ${d('rbac_denied')}  cost ${rq ? ((1000 * (c.cpuSeconds - c0.cpuSeconds)) / rq).toFixed(3) : '-'} ms CPU/request`;
      }
      rows.push(line);
    }
  }
} finally {
  await platform.down();
}
log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.stdout.write(`${rows.join('\n')}\n`);
