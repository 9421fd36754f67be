/**
 * The live display on stderr: phase, a progress bar per variant, per-tenant rate, p99 and errors,
 * waypoint CPU. Redraws in place on a terminal; on a pipe (CI logs) prints a line every few seconds.
 */
import type { VariantLoad } from '../suite/plan.ts';
import type { LoadProgress } from '../load/types.ts';
import type { RunEvent } from '../run/events.ts';

const BAR = 24;

function bar(fraction: number): string {
  const f = Math.max(0, Math.min(1, fraction));
  const n = Math.round(f * BAR);
  return `[${'#'.repeat(n)}${'-'.repeat(BAR - n)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

export function createLiveDisplay(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  opts: { quiet?: boolean } = {},
) {
  const tty = Boolean(stream.isTTY) && !opts.quiet;
  let variantLabel = '';
  let fraction = 0;
  const tenants = new Map<string, LoadProgress>();
  const cpu = new Map<string, { cores: number; limit?: number }>();
  let drawn = 0;
  let lastPlain = 0;

  const lines = (): string[] => [
    `${variantLabel} ${bar(fraction)}`,
    ...[...tenants.values()].map(
      (p) =>
        `  ${p.tenant.padEnd(12)} t=${String(p.t).padStart(3)}s  ${fmt(p.rps, 0).padStart(6)} req/s  p50 ${fmt(p.p50Ms).padStart(7)} ms  p99 ${fmt(p.p99Ms).padStart(7)} ms  errors ${p.errors}`,
    ),
    ...[...cpu.entries()].map(
      ([c, v]) => `  ${c.padEnd(24)} CPU ${fmt(v.cores, 2)}${v.limit ? ` / ${v.limit} cores` : ' cores'}`,
    ),
  ];

  const redraw = () => {
    if (!tty) return;
    const ls = lines();
    let out = drawn > 0 ? `\x1b[${drawn}F` : '';
    for (const l of ls) out += `\x1b[2K${l}\n`;
    stream.write(out);
    drawn = ls.length;
  };
  const say = (text: string) => {
    if (tty && drawn > 0) {
      stream.write(`\x1b[${drawn}F\x1b[0J`);
      drawn = 0;
    }
    stream.write(`${text}\n`);
  };

  return (e: RunEvent): void => {
    switch (e.type) {
      case 'run-start':
        say(`meshbench: ${e.variants} variant run(s) on ${e.platform}; results in ${e.dir}`);
        break;
      case 'log':
        say(`  ${e.message}`);
        break;
      case 'platform-up':
        say(`platform up in ${(e.ms / 1000).toFixed(1)} s`);
        break;
      case 'variant-start':
        variantLabel = `variant ${e.name}${e.repeat > 1 ? ` #${e.repeat}` : ''} (${e.index + 1}/${e.total})${loadWords(e.load)}`;
        fraction = 0;
        tenants.clear();
        cpu.clear();
        drawn = 0;
        say(`${variantLabel}: running`);
        break;
      case 'progress':
        fraction = e.elapsedMs / e.expectedMs;
        tenants.set(e.tenant.tenant, e.tenant);
        if (tty) redraw();
        else if (!opts.quiet && Date.now() - lastPlain >= 5000) {
          lastPlain = Date.now();
          stream.write(`${lines().join('\n')}\n`);
        }
        break;
      case 'cpu':
        cpu.set(e.component, { cores: e.cores, limit: e.limitCores });
        break;
      case 'variant-end':
        redraw();
        drawn = 0;
        say(
          `variant ${e.name}${e.repeat > 1 ? ` #${e.repeat}` : ''}${loadWords(e.load)}: ${e.complete ? 'done' : `incomplete${e.error ? ` (${e.error})` : ''}`}${
            e.probe
              ? e.probe.pass
                ? ' · met the SLO'
                : ` · missed the SLO (${e.probe.reasons.join('; ')})`
              : ''
          }`,
        );
        break;
      case 'verdicts':
      case 'run-end':
        break;
    }
  };
}

/** " at 650 req/s per tenant (2×), probe 3" for a sweep step or search probe; '' otherwise. */
function loadWords(load: VariantLoad | undefined): string {
  if (!load) return '';
  const what = load.rate === undefined ? `${load.connections} connections` : `${load.rate} req/s`;
  const probe =
    load.probe === undefined ? '' : `, probe ${load.probe}${load.confirm ? ' (confirmation)' : ''}`;
  return ` at ${what} per tenant (${load.factor}×)${probe}`;
}
