/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and kube-controller-manager built from
 * Go modules by scripts/k8s-test-bins.sh, on loopback, with a token per user (an admin in
 * system:masters, a user with no rights), the apiserver's own self-signed serving certificate as the
 * kubeconfig's CA, and the official Gateway API and Istio CRDs applied. No scheduler and no kubelet:
 * the tests play them where they must (Deployment/Gateway status), at the wire.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { parseAllDocuments } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface TestBins {
  root: string;
  bin: string;
  crds: string;
  versions: Record<string, string>;
}

/** The cache folder of the built binaries, or why there is none (no Go, or not built yet). */
export function findTestBins(): TestBins | { missing: string } {
  let root: string;
  try {
    root = execFileSync('bash', [join(ROOT, 'scripts/k8s-test-bins.sh'), 'path'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return { missing: 'no Go toolchain' };
  }
  const bin = join(root, 'bin');
  for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager'])
    if (!existsSync(join(bin, b))) return { missing: `${b} is not built` };
  const versions: Record<string, string> = {};
  for (const line of readFileSync(join(root, 'versions.env'), 'utf8').split('\n')) {
    const m = /^(\w+)="?([^"]*)"?$/.exec(line);
    if (m) versions[m[1]] = m[2];
  }
  return { root, bin, crds: join(root, 'crds'), versions };
}

/** A self-signed certificate (PEM) by openssl; the key goes to `keyOut` (default: discarded). */
export function selfSignedCert(cn: string, keyOut = '/dev/null', certOut?: string): string {
  const args = [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    keyOut,
  ];
  return execFileSync('openssl', certOut ? [...args, '-out', certOut] : args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: API objects are inspected as plain JSON
type Json = any;

export interface ControlPlane {
  server: string;
  /** kubeconfig files by user: admin (system:masters) and nobody (authenticated, no RBAC rights). */
  kubeconfig: { admin: string; nobody: string };
  /** The same server with a CA that did not sign its certificate. */
  wrongCaKubeconfig: string;
  pids: number[];
  /** The last lines each component printed (for a failing test's message). */
  logs(name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager'): string[];
  /** An admin request to the API (JSON in, JSON out). */
  api(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; json: Json }>;
  stop(): Promise<void>;
}

const insecure = new Agent({ connect: { rejectUnauthorized: false } });

function kubeconfigYaml(server: string, caPem: string, token: string, user: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: ${user}
  context:
    cluster: test
    user: ${user}
current-context: ${user}
`;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${ms} ms${last ? `: ${(last as Error).message}` : ''}`);
}

export async function startControlPlane(bins: TestBins): Promise<ControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), 'mb-k8s-'));
  const procs: ChildProcess[] = [];
  const logs: Record<string, string[]> = {};
  const start = (name: string, args: string[]) => {
    const p = spawn(join(bins.bin, name), args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const lines: string[] = [];
    logs[name] = lines;
    const keep = (d: Buffer) => {
      lines.push(...d.toString().split('\n'));
      if (lines.length > 400) lines.splice(0, lines.length - 400);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    procs.push(p);
    return p;
  };
  const stop = async () => {
    await Promise.all(
      [...procs].reverse().map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const t = setTimeout(() => p.kill('SIGKILL'), 5000);
            p.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            p.kill('SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    start('etcd', [
      `--data-dir=${join(dir, 'etcd')}`,
      '--name=test',
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
      '--unsafe-no-fsync',
      '--log-level=error',
    ]);
    await until('etcd', 30_000, async () => {
      const r = await request(`http://127.0.0.1:${etcdPort}/health`);
      const body = (await r.body.json()) as { health?: string };
      return body.health === 'true' ? true : undefined;
    });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    await writeFile(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const adminToken = randomBytes(16).toString('hex');
    const nobodyToken = randomBytes(16).toString('hex');
    await writeFile(
      join(dir, 'tokens.csv'),
      `${adminToken},admin,admin,"system:masters"\n${nobodyToken},nobody,nobody\n`,
    );
    start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--cert-dir=${join(dir, 'certs')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--allow-privileged=true',
      '--enable-priority-and-fairness=false',
      '--v=0',
    ]);
    const server = `https://127.0.0.1:${apiPort}`;
    const adminAuth = { authorization: `Bearer ${adminToken}` };
    await until('kube-apiserver', 90_000, async () => {
      const r = await request(`${server}/readyz`, { dispatcher: insecure, headers: adminAuth });
      await r.body.text();
      return r.statusCode === 200 ? true : undefined;
    });
    // The self-signed serving certificate the apiserver wrote (with its CA) is what clients trust.
    const certFile = readdirSync(join(dir, 'certs')).find((f) => f.endsWith('.crt'));
    if (!certFile) throw new Error('kube-apiserver wrote no serving certificate');
    const caPem = await readFile(join(dir, 'certs', certFile), 'utf8');
    const kubeconfig = { admin: join(dir, 'admin.kubeconfig'), nobody: join(dir, 'nobody.kubeconfig') };
    await writeFile(kubeconfig.admin, kubeconfigYaml(server, caPem, adminToken, 'admin'));
    await writeFile(kubeconfig.nobody, kubeconfigYaml(server, caPem, nobodyToken, 'nobody'));
    // A CA of its own: a client trusting it must refuse the server's certificate.
    const otherCa = selfSignedCert('other-ca');
    const wrongCaKubeconfig = join(dir, 'wrong-ca.kubeconfig');
    await writeFile(wrongCaKubeconfig, kubeconfigYaml(server, otherCa, adminToken, 'admin'));
    start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig.admin}`,
      // Namespaces finish deleting, owned objects are collected, Jobs get pods, namespaces get their
      // default ServiceAccount. No Deployment controller: without a kubelet it would keep reporting
      // Deployments unavailable, where the test plays the kubelet's part.
      '--controllers=namespace-controller,garbage-collector-controller,serviceaccount-controller,job-controller',
      '--leader-elect=false',
      '--secure-port=0',
      '--v=0',
    ]);

    const api = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
      const r = await request(`${server}${path}`, {
        method: method as 'GET',
        dispatcher: insecure,
        headers: { ...adminAuth, ...(body === undefined ? {} : { 'content-type': contentType }) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await r.body.text();
      let json: Json;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: r.statusCode, json };
    };
    await until('kube-controller-manager (the default ServiceAccount)', 60_000, async () =>
      (await api('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200
        ? true
        : undefined,
    );
    // The official CRDs: Gateway API (standard channel, as Istio 1.24 builds against) and Istio's.
    const gatewayDir = join(
      bins.crds,
      `gateway-api-v${(bins.versions.GATEWAY_API_VERSIONS ?? '1.2.1').split(' ')[0]}`,
    );
    const crdFiles = [
      ...readdirSync(gatewayDir).map((f) => join(gatewayDir, f)),
      join(bins.crds, `istio-${bins.versions.ISTIO_API_VERSION}.yaml`),
    ];
    const names: string[] = [];
    for (const f of crdFiles)
      for (const doc of parseAllDocuments(await readFile(f, 'utf8'))) {
        const crd = doc.toJS();
        if (!crd?.kind) continue;
        const r = await api('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
        if (r.status !== 201 && r.status !== 409)
          throw new Error(`CRD ${crd.metadata?.name}: HTTP ${r.status}`);
        names.push(crd.metadata.name);
      }
    await until('CRDs established', 30_000, async () => {
      for (const n of names) {
        const r = await api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`);
        const ok = r.json?.status?.conditions?.some(
          (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
        );
        if (!ok) return undefined;
      }
      return true;
    });
    // Discovery of the new groups (aggregated) settles a moment after Established.
    await until('CRD discovery', 30_000, async () => {
      const r = await api('GET', '/apis/networking.istio.io/v1');
      const g = await api('GET', '/apis/gateway.networking.k8s.io/v1');
      return r.status === 200 && g.status === 200 ? true : undefined;
    });
    return {
      server,
      kubeconfig,
      wrongCaKubeconfig,
      pids: procs.map((p) => p.pid ?? -1),
      logs: (name) => (logs[name] ?? []).filter(Boolean),
      api,
      stop,
    };
  } catch (e) {
    const tail = Object.entries(logs)
      .map(([n, l]) => `${n}: ${l.filter(Boolean).slice(-5).join(' | ')}`)
      .join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n${tail}`);
  }
}
