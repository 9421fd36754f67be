/**
 * Istio's own validator on everything `meshbench plan` prints: `istioctl validate` on every manifest
 * and `istioctl analyze --use-kube=false` on each variant's objects as they stand together, for Istio
 * 1.24 and the newest pinned line. Any finding, at any level, fails. istioctl is built from Go modules
 * (scripts/k8s-test-bins.sh); the proxy serves no 1.24-line istio.io/istio, so it is the newest one.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildKubePlan } from '../../../../src/platform/kube/plan.ts';
import { buildPlanFiles } from '../../../../src/platform/kube/render-plan.ts';
import { findTestBins } from '../../../helpers/control-plane.ts';
import { allVariantsPlan } from '../../../unit/platform/kube/helpers.ts';

const run = promisify(execFile);
const found = findTestBins();
const istioctl = 'missing' in found ? undefined : join(found.bin, 'istioctl');
const usable = istioctl !== undefined && existsSync(istioctl);
if (!usable)
  console.log(
    'istioctl checks skipped: run `bash scripts/k8s-test-bins.sh` (needs Go) to build istioctl and enable them',
  );

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Writes the plan's manifests as `plan --out` does; returns the files by step variant ('' = shared steps). */
async function planFiles(istioVersion: string): Promise<Map<string, string[]>> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-istioctl-'));
  dirs.push(dir);
  const kp = buildKubePlan(allVariantsPlan({ platform: 'kind', istioVersion }), { platform: 'kind' });
  const variantOfDir = new Map<string, string>(
    kp.steps.map((s, i) => [`${String(i + 1).padStart(2, '0')}-`, s.variant ?? '']),
  );
  const byVariant = new Map<string, string[]>();
  for (const f of buildPlanFiles(kp)) {
    if (f.path === 'plan.yaml') continue;
    const path = join(dir, f.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, f.content);
    const variant = variantOfDir.get(f.path.slice(0, 3)) ?? '';
    byVariant.set(variant, [...(byVariant.get(variant) ?? []), path]);
  }
  return byVariant;
}

describe.skipIf(!usable)('istioctl on the printed plan', () => {
  it.each(['1.24.6', '1.28.0'])(
    'Istio %s: istioctl validate passes every manifest, analyze finds nothing in any variant',
    async (istioVersion) => {
      const files = await planFiles(istioVersion);
      const all = [...files.values()].flat();
      expect(all.length).toBeGreaterThan(60);
      const validate = await run(istioctl as string, ['validate', ...all.flatMap((f) => ['-f', f])]).catch(
        (e) => e,
      );
      expect(validate.code ?? 0, `${validate.stdout}\n${validate.stderr}`).toBe(0);
      expect(`${validate.stdout}${validate.stderr}`.match(/ is valid$/gm)?.length).toBe(all.length);
      for (const [variant, own] of files) {
        if (variant === '') continue;
        const objects = [...(files.get('') ?? []), ...own];
        const analyze = await run(istioctl as string, [
          'analyze',
          '--use-kube=false',
          '--failure-threshold=Info',
          '--output-threshold=Info',
          ...objects,
        ]).catch((e) => e);
        expect(analyze.code ?? 0, `${variant}: ${analyze.stdout}\n${analyze.stderr}`).toBe(0);
        expect(analyze.stderr + analyze.stdout).toMatch(/No validation issues found/);
      }
    },
    120_000,
  );
});
