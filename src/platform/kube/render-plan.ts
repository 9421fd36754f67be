/** A KubePlan as YAML (stdout) and as one file per manifest (--out) (pure). */
import { stringify } from 'yaml';
import type { KubePlan } from './plan.ts';
import { REDACTED } from '../../load/redact.ts';
import { type KubeObject, manifestJson } from './manifests/types.ts';

const yaml = (v: unknown) => stringify(v, { lineWidth: 0 });

/**
 * A manifest as printed: a Secret's values are [redacted] (the run applies the real ones). Printed
 * plans end up in terminals, CI logs and review tools; credentials must not.
 */
function shown(m: KubeObject): Record<string, unknown> {
  const json = manifestJson(m);
  if (json.kind !== 'Secret') return json;
  const hide = (d: unknown) =>
    d && typeof d === 'object' ? Object.fromEntries(Object.keys(d).map((k) => [k, REDACTED])) : d;
  return {
    ...json,
    ...(json.data ? { data: hide(json.data) } : {}),
    ...(json.stringData ? { stringData: hide(json.stringData) } : {}),
  };
}

/** Every step with its action and manifests, as one YAML document per step. */
export function renderKubePlan(kp: KubePlan): string {
  const head = {
    platform: kp.platform,
    suite: kp.suite,
    istioVersion: kp.istioVersion,
    gatewayApiVersion: kp.gatewayApiVersion,
    ...(kp.clusterName ? { clusterName: kp.clusterName } : {}),
    ...(kp.context ? { context: kp.context } : {}),
    driver: kp.driver,
    notes: kp.notes,
    steps: kp.steps.length,
  };
  const docs = [yaml(head)];
  kp.steps.forEach((s, i) => {
    docs.push(
      yaml({
        step: i + 1,
        id: s.id,
        phase: s.phase,
        ...(s.variant ? { variant: s.variant } : {}),
        description: s.description,
        run: s.run,
        action: s.action,
        manifests: s.manifests.map(shown),
      }),
    );
  });
  return docs.map((d) => `---\n${d}`).join('');
}

export interface PlanFile {
  /** Relative path under --out. */
  path: string;
  content: string;
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

/** One YAML file per manifest, grouped by step: `NN-step/MM-kind-namespace-name.yaml`, plus plan.yaml. */
export function buildPlanFiles(kp: KubePlan): PlanFile[] {
  const files: PlanFile[] = [{ path: 'plan.yaml', content: renderKubePlan(kp) }];
  kp.steps.forEach((s, i) => {
    const dir = `${String(i + 1).padStart(2, '0')}-${safe(s.id)}`;
    s.manifests.forEach((m, j) => {
      const name = [m.kind, m.metadata?.namespace, m.metadata?.name].filter(Boolean).join('-');
      files.push({
        path: `${dir}/${String(j + 1).padStart(2, '0')}-${safe(name.toLowerCase())}.yaml`,
        content: yaml(shown(m)),
      });
    });
  });
  return files;
}
