/** Fortio-format JSON per tenant and variant (and repeat), for Fortio's UI and tooling (pure). */
import { buildFortioResult } from '../load/fortio-format.ts';
import type { RunResult } from '../result/types.ts';
import { fileSafe } from './escape.ts';

export function buildFortioFiles(result: RunResult): Array<{ path: string; bytes: string }> {
  const repeats = Math.max(1, ...result.variants.map((v) => v.repeat));
  return result.variants.flatMap((v) =>
    v.tenants.map((t) => {
      // Sweep steps and search probes each get their own file.
      const at =
        v.load?.probe !== undefined
          ? `probe${v.load.probe}`
          : v.load?.step !== undefined
            ? `step${v.load.step + 1}`
            : undefined;
      const name = [
        fileSafe(v.name),
        ...(repeats > 1 ? [`r${v.repeat}`] : []),
        ...(at ? [at] : []),
        fileSafe(t.tenant),
      ].join('-');
      const labels = `${result.meta.suite.name} ${v.name}${repeats > 1 ? ` repeat ${v.repeat}` : ''}${
        v.load ? ` at ${v.load.rate ?? '?'} req/s (${v.load.factor}×)` : ''
      } ${t.tenant}`;
      return {
        path: `fortio/${name}.json`,
        bytes: `${JSON.stringify(buildFortioResult(t.load, labels), null, 2)}\n`,
      };
    }),
  );
}
