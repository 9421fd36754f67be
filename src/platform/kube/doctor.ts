/**
 * `meshbench doctor` probes (effects): tools and their versions, the Docker engine, inotify limits, the
 * cluster (reachable, Istio there) and RBAC permissions via SelfSubjectAccessReview. Conclusions are
 * in doctor-checks.ts.
 */
import { access, readFile } from 'node:fs/promises';
import { KubeClient } from './client.ts';
import {
  type Check,
  INSTALL,
  REQUIRED,
  REQUIRED_PERMISSIONS,
  cachedIstioctlPath,
  evaluateInotify,
  evaluateIstioctl,
  evaluateTool,
} from './doctor-checks.ts';
import { istiodTag } from './istio-version.ts';
import { allocatableCpu, type CpuDemand, capacityCheck } from './capacity.ts';
import { readKubeConfig } from './kubeconfig.ts';
import { probeTool } from './subprocess.ts';

/** Whether `kind get clusters` lists the cluster. */
export async function kindClusterExists(name: string, env?: NodeJS.ProcessEnv): Promise<boolean> {
  const r = await probeTool('kind', ['get', 'clusters'], { env });
  return r.exitCode === 0 && r.stdout.split('\n').some((l) => l.trim() === name);
}

export interface DoctorOptions {
  platform: 'kind' | 'cluster';
  istioVersion: string;
  clusterName: string;
  context?: string;
  kubeconfig?: string;
  env?: NodeJS.ProcessEnv;
  /** The cluster platform installs Istio only when asked. */
  installIstio?: boolean;
  /** Where /proc/sys lives (tests point it at a fixture tree). */
  procSys?: string;
  /** What the suite asks of the cluster's CPU (from its plan), checked against the nodes' allocatable CPU. */
  demand?: CpuDemand;
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The istioctl to use: the pinned one in meshbench's cache, else the one on $PATH. */
export async function findIstioctl(
  istioVersion: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const cached = cachedIstioctlPath(istioVersion, env);
  try {
    await access(cached);
    return cached;
  } catch {
    return 'istioctl';
  }
}

async function dockerChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const client = await probeTool('docker', ['version', '--format', '{{.Client.Version}}'], { env });
  const out: Check[] = [
    evaluateTool({
      name: 'docker client',
      missing: client.missing,
      output: client.stdout,
      fix: INSTALL.docker,
    }),
  ];
  if (client.missing) {
    out.push({
      name: 'docker engine',
      status: 'missing',
      detail: 'no docker client to ask',
      fix: INSTALL.dockerEngine,
    });
    return out;
  }
  const server = await probeTool('docker', ['version', '--format', '{{.Server.Version}}'], { env });
  const firstErr = server.stderr.split('\n').find((l) => l.trim()) ?? '';
  out.push(
    server.exitCode === 0 && server.stdout.trim()
      ? { name: 'docker engine', status: 'ok', found: server.stdout.trim() }
      : {
          name: 'docker engine',
          status: 'missing',
          detail: `not reachable: ${firstErr.slice(0, 160)}`,
          fix: INSTALL.dockerEngine,
        },
  );
  return out;
}

/** Cluster reachability, Istio presence and RBAC for a context. */
async function clusterChecks(opts: DoctorOptions, context: string | undefined): Promise<Check[]> {
  const out: Check[] = [];
  let client: KubeClient;
  try {
    const { kc, context: used } = await readKubeConfig({ path: opts.kubeconfig, context, env: opts.env });
    client = new KubeClient(kc);
    const v = await client.version();
    out.push({ name: 'cluster', status: 'ok', found: `${used} (Kubernetes ${v.gitVersion})` });
  } catch (e) {
    const err = e as { message?: string; fix?: string };
    out.push({
      name: 'cluster',
      status: 'failed',
      detail: err.message,
      fix: err.fix ?? 'check `kubectl cluster-info`',
    });
    return out;
  }
  const denied: string[] = [];
  for (const p of REQUIRED_PERMISSIONS) {
    const r = await client.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: {
          verb: p.verb,
          group: p.group,
          resource: p.resource,
          ...(p.subresource ? { subresource: p.subresource } : {}),
        },
      },
    });
    let allowed = false;
    try {
      allowed = r.status < 300 && JSON.parse(r.text)?.status?.allowed === true;
    } catch {
      allowed = false;
    }
    if (!allowed)
      denied.push(
        `${p.verb} ${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? ` (${p.group})` : ''}`,
      );
  }
  out.push(
    denied.length
      ? {
          name: 'permissions',
          status: 'failed',
          detail: `not allowed: ${denied.join(', ')}`,
          fix: 'bind a ClusterRole granting these verbs to your user (e.g. `kubectl create clusterrolebinding meshbench --clusterrole=cluster-admin --user=YOU` on a test cluster)',
        }
      : { name: 'permissions', status: 'ok', found: `${REQUIRED_PERMISSIONS.length} checks allowed` },
  );
  if (opts.platform === 'cluster') {
    const istiod = await client.get('apps/v1', 'Deployment', 'istio-system', 'istiod');
    out.push(
      istiod
        ? {
            name: 'istio in cluster',
            status: 'ok',
            found: istiodTag(istiod) ?? 'istiod present',
            need: opts.istioVersion,
          }
        : {
            name: 'istio in cluster',
            status: 'missing',
            need: `${opts.istioVersion} (ambient)`,
            fix: 'install Istio ambient (`istioctl install --set profile=ambient`) or run with --install-istio',
          },
    );
  }
  if (opts.demand) {
    const nodes = await client.list('v1', 'Node').catch(() => undefined);
    out.push(
      nodes?.length
        ? capacityCheck(opts.demand, allocatableCpu(nodes, opts.platform))
        : { name: 'cpu capacity', status: 'skipped', detail: 'the nodes could not be listed' },
    );
  }
  return out;
}

export async function runDoctor(opts: DoctorOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const env = opts.env ?? process.env;
  if (opts.platform === 'kind') checks.push(...(await dockerChecks(env)));
  const kind = opts.platform === 'kind' ? await probeTool('kind', ['version'], { env }) : undefined;
  if (kind)
    checks.push(
      evaluateTool({
        name: 'kind',
        missing: kind.missing,
        output: kind.stdout,
        min: REQUIRED.kind,
        fix: INSTALL.kind,
      }),
    );
  const kubectl = await probeTool('kubectl', ['version', '--client', '-o', 'json'], { env });
  let kubectlOut = kubectl.stdout;
  try {
    kubectlOut = JSON.parse(kubectl.stdout).clientVersion.gitVersion;
  } catch {
    /* keep the raw output */
  }
  checks.push(
    evaluateTool({
      name: 'kubectl',
      missing: kubectl.missing,
      output: kubectlOut,
      min: REQUIRED.kubectl,
      fix: INSTALL.kubectl,
    }),
  );
  const istioctl = await probeTool(
    await findIstioctl(opts.istioVersion, env),
    ['version', '--remote=false', '--short'],
    { env },
  );
  const istioCheck = evaluateIstioctl({
    missing: istioctl.missing,
    output: istioctl.stdout,
    istioVersion: opts.istioVersion,
    env,
  });
  const helm = await probeTool('helm', ['version', '--short'], { env });
  const helmCheck = evaluateTool({
    name: 'helm',
    missing: helm.missing,
    output: helm.stdout,
    min: REQUIRED.helm,
    fix: INSTALL.helm,
  });
  // Either installer will do: the other is reported but does not fail doctor.
  if (istioCheck.status === 'ok' && helmCheck.status !== 'ok') helmCheck.status = 'skipped';
  if (helmCheck.status === 'ok' && istioCheck.status !== 'ok') istioCheck.status = 'skipped';
  if (istioCheck.status !== 'ok' && helmCheck.status !== 'ok')
    istioCheck.detail = [istioCheck.detail, 'istioctl or helm is needed to install Istio']
      .filter(Boolean)
      .join('; ');
  // An existing cluster keeps its Istio unless asked: the installers are then optional.
  if (opts.platform === 'cluster' && !opts.installIstio) {
    for (const c of [istioCheck, helmCheck])
      if (c.status !== 'ok')
        Object.assign(c, { status: 'skipped', detail: 'only needed with --install-istio' });
  }
  checks.push(istioCheck, helmCheck);
  if (opts.platform === 'kind') {
    const sys = opts.procSys ?? env.MESHBENCH_PROC_SYS ?? '/proc/sys';
    checks.push(
      evaluateInotify(
        'inotify max_user_watches',
        await readNumber(`${sys}/fs/inotify/max_user_watches`),
        REQUIRED.maxUserWatches,
      ),
    );
    checks.push(
      evaluateInotify(
        'inotify max_user_instances',
        await readNumber(`${sys}/fs/inotify/max_user_instances`),
        REQUIRED.maxUserInstances,
      ),
    );
    const exists = kind && !kind.missing ? await kindClusterExists(opts.clusterName, env) : false;
    if (exists) checks.push(...(await clusterChecks(opts, `kind-${opts.clusterName}`)));
    else
      checks.push({
        name: 'cluster',
        status: 'skipped',
        detail: `kind cluster ${opts.clusterName} does not exist yet; \`meshbench run --platform kind\` creates it`,
      });
  } else {
    checks.push(...(await clusterChecks(opts, opts.context)));
  }
  return checks;
}
