/**
 * What `meshbench doctor` concludes from what it found (pure): version parsing, requirements and the
 * exact fix for each missing piece.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** 'warn': worth fixing, but nothing is missing (the run goes ahead). */
export type CheckStatus = 'ok' | 'warn' | 'missing' | 'outdated' | 'failed' | 'skipped';

export interface Check {
  name: string;
  status: CheckStatus;
  /** What was found (a version, a value), when anything was. */
  found?: string;
  /** What the suite/platform needs. */
  need?: string;
  /** Why it is not ok, one line. */
  detail?: string;
  /** The exact command or step that fixes it. */
  fix?: string;
}

export const REQUIRED = {
  kind: '0.16.0',
  helm: '3.8.0',
  kubectl: '1.28.0',
  maxUserWatches: 524288,
  maxUserInstances: 512,
} as const;

const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';
export const INSTALL = {
  docker:
    'install Docker Engine (https://docs.docker.com/engine/install/), then `sudo systemctl start docker`',
  dockerEngine:
    'start the Docker daemon (`sudo systemctl start docker`) or point DOCKER_HOST at a running engine; kind needs one',
  kind: `curl -Lo ./kind https://kind.sigs.k8s.io/dl/v0.29.0/kind-linux-${ARCH} && chmod +x ./kind && sudo mv ./kind /usr/local/bin/kind`,
  kubectl: `curl -LO https://dl.k8s.io/release/v1.33.1/bin/linux/${ARCH}/kubectl && sudo install -m 0755 kubectl /usr/local/bin/kubectl`,
  helm: 'curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash',
  inotify:
    'sudo sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512 (persist: add both to /etc/sysctl.d/99-kind.conf)',
} as const;

/** Where a pinned istioctl is looked up before $PATH: $XDG_CACHE_HOME/meshbench/istio-<v>/bin/istioctl. */
export function istioCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'meshbench');
}

export function cachedIstioctlPath(istioVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(istioCacheDir(env), `istio-${istioVersion}`, 'bin', 'istioctl');
}

/** The exact commands that put the pinned istioctl into meshbench's cache (istio's own download script). */
export function istioctlFix(istioVersion: string, env: NodeJS.ProcessEnv = process.env): string {
  return `mkdir -p ${istioCacheDir(env)} && cd ${istioCacheDir(env)} && curl -fsSL https://istio.io/downloadIstio | ISTIO_VERSION=${istioVersion} sh - (meshbench then finds ${cachedIstioctlPath(istioVersion, env)})`;
}

/** First x.y.z in a tool's version output (`kind v0.27.0 go1.23…`, `v3.17.1+g980d8ac`, `1.24.6`). */
export function parseVersion(text: string): string | undefined {
  return /v?(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** A tool check from its probe: missing, too old, or ok. */
export function evaluateTool(input: {
  name: string;
  missing: boolean;
  output: string;
  min?: string;
  fix: string;
}): Check {
  if (input.missing)
    return {
      name: input.name,
      status: 'missing',
      need: input.min ? `>= ${input.min}` : 'installed',
      fix: input.fix,
    };
  const found = parseVersion(input.output);
  if (!found)
    return {
      name: input.name,
      status: 'failed',
      detail: `could not read its version from: ${input.output.split('\n')[0].slice(0, 120)}`,
      fix: input.fix,
    };
  if (input.min && compareVersions(found, input.min) < 0)
    return { name: input.name, status: 'outdated', found, need: `>= ${input.min}`, fix: input.fix };
  return { name: input.name, status: 'ok', found, ...(input.min ? { need: `>= ${input.min}` } : {}) };
}

/** istioctl must match the suite's Istio minor release (it installs its own version). */
export function evaluateIstioctl(input: {
  missing: boolean;
  output: string;
  istioVersion: string;
  env?: NodeJS.ProcessEnv;
}): Check {
  const need = input.istioVersion;
  const fix = istioctlFix(need, input.env);
  if (input.missing) return { name: 'istioctl', status: 'missing', need, fix };
  const found = parseVersion(input.output);
  if (!found) return { name: 'istioctl', status: 'failed', need, detail: 'could not read its version', fix };
  const [fa, fb] = found.split('.');
  const [na, nb] = need.split('.');
  if (fa !== na || fb !== nb)
    return {
      name: 'istioctl',
      status: 'outdated',
      found,
      need,
      detail: `istioctl ${found} installs Istio ${found}, the suite pins ${need}`,
      fix,
    };
  return { name: 'istioctl', status: 'ok', found, need };
}

export function evaluateInotify(name: string, value: number | undefined, min: number): Check {
  if (value === undefined)
    return { name, status: 'skipped', need: `>= ${min}`, detail: 'not readable on this system' };
  return value >= min
    ? { name, status: 'ok', found: String(value), need: `>= ${min}` }
    : { name, status: 'outdated', found: String(value), need: `>= ${min}`, fix: INSTALL.inotify };
}

/** A check that fails doctor: anything but ok, skipped or a warning. */
export function checkFails(c: Check): boolean {
  return c.status !== 'ok' && c.status !== 'skipped' && c.status !== 'warn';
}

/** Any failing check makes doctor exit 110. */
export function doctorPassed(checks: Check[]): boolean {
  return !checks.some(checkFails);
}

/** The permissions a run needs (verb, API group, resource[/subresource]). */
export const REQUIRED_PERMISSIONS: Array<{
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}> = [
  { verb: 'create', group: '', resource: 'namespaces' },
  { verb: 'patch', group: '', resource: 'namespaces' },
  { verb: 'delete', group: '', resource: 'namespaces' },
  { verb: 'patch', group: 'apps', resource: 'deployments' },
  { verb: 'patch', group: '', resource: 'services' },
  { verb: 'patch', group: '', resource: 'configmaps' },
  { verb: 'patch', group: 'batch', resource: 'jobs' },
  { verb: 'delete', group: 'batch', resource: 'jobs' },
  { verb: 'patch', group: '', resource: 'secrets' },
  { verb: 'delete', group: '', resource: 'secrets' },
  { verb: 'patch', group: 'gateway.networking.k8s.io', resource: 'gateways' },
  { verb: 'delete', group: 'gateway.networking.k8s.io', resource: 'gateways' },
  { verb: 'patch', group: 'security.istio.io', resource: 'authorizationpolicies' },
  { verb: 'patch', group: 'networking.istio.io', resource: 'destinationrules' },
  { verb: 'list', group: '', resource: 'pods' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'proxy' },
  { verb: 'get', group: '', resource: 'nodes', subresource: 'proxy' },
];

/** A check's facts on one line: `found …; need …; detail`. */
export function checkFacts(c: Check): string {
  return [c.found ? `found ${c.found}` : '', c.need ? `need ${c.need}` : '', c.detail ?? '']
    .filter(Boolean)
    .join('; ');
}

/** Renders the checks as an aligned table for stderr. */
export function formatChecks(checks: Check[]): string {
  const mark: Record<CheckStatus, string> = {
    ok: 'ok',
    warn: 'WARN',
    missing: 'MISSING',
    outdated: 'TOO OLD',
    failed: 'FAILED',
    skipped: 'skipped',
  };
  const w = Math.max(...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of checks) {
    const facts = checkFacts(c);
    const label = c.status === 'outdated' && c.name.startsWith('inotify') ? 'TOO LOW' : mark[c.status];
    lines.push(`${c.name.padEnd(w)}  ${label.padEnd(7)}  ${facts}`);
    if (c.fix && c.status !== 'ok') lines.push(`${' '.repeat(w)}  fix: ${c.fix}`);
  }
  return lines.join('\n');
}
