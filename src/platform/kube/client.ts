/**
 * The Kubernetes client meshbench uses (a lifecycle: it owns a KubeConfig): server-side apply as
 * fieldManager 'meshbench' with force, reads, label-selected lists, deletes, and raw GETs through the
 * API server (kubelet Summary/cAdvisor via the node proxy, Envoy stats via the pod proxy, pod logs).
 * Errors name the object and the API's own message; credentials are never part of them.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import {
  ApiException,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { MeshbenchError } from '../../errors.ts';
import { type KubeObject, manifestJson } from './manifests/types.ts';

export const FIELD_MANAGER = 'meshbench';

/** A plain object as the API returns it. */
export type KubeJson = KubernetesObject & { spec?: unknown; status?: unknown; [k: string]: unknown };

function describeObject(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name?: string,
): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name ?? ''} (${apiVersion})`;
}

/** The message of a JSON Status body (or the start of a plain one). */
function statusMessage(text: string): string {
  try {
    return JSON.parse(text).message ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** The API's own message from an ApiException body (a JSON Status as a string). */
function apiMessage(e: unknown): { status?: number; message: string } {
  if (e instanceof ApiException) {
    let message = `HTTP ${e.code}`;
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      if (body?.message) message = `${message}: ${body.message}`;
    } catch {
      /* non-JSON body: keep the status */
    }
    return { status: e.code, message };
  }
  const err = e as NodeJS.ErrnoException;
  return { message: err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e) };
}

export function isNotFound(e: unknown): boolean {
  return (
    (e instanceof ApiException && e.code === 404) ||
    (e instanceof MeshbenchError && /HTTP 404/.test(e.message))
  );
}

/** The API server URL as it may appear in messages: never with user:password in it. */
export function serverForMessages(server: string): string {
  try {
    const u = new URL(server);
    u.username = '';
    u.password = '';
    return u.origin + (u.pathname === '/' ? '' : u.pathname);
  } catch {
    return server.replace(/\/\/[^@/]*@/, '//');
  }
}

export class KubeClient {
  readonly kc: KubeConfig;
  private readonly objects: KubernetesObjectApi;
  private readonly server: string;

  constructor(kc: KubeConfig) {
    this.kc = kc;
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.server = serverForMessages(kc.getCurrentCluster()?.server ?? '');
  }

  private fail(what: string, e: unknown, fix?: string): never {
    const { message } = apiMessage(e);
    throw new MeshbenchError('PLATFORM_FAILED', `${what} failed on ${this.server}: ${message}`, {
      cause: e,
      fix: fix ?? 'check the cluster (`meshbench doctor`) and the object named',
    });
  }

  /**
   * Server-side apply (fieldManager meshbench, force): creates or updates exactly the fields given. Only
   * typed manifests, each validated against its schema first: nothing invalid ever reaches the cluster.
   */
  async apply(obj: KubeObject): Promise<KubeJson> {
    const what = describeObject(obj.apiVersion, obj.kind, obj.metadata?.namespace, obj.metadata?.name);
    try {
      obj.validate();
    } catch (e) {
      throw new MeshbenchError(
        'INTERNAL',
        `meshbench built an invalid manifest, ${what}: ${(e as Error).message}`,
        {
          cause: e,
          fix: 'report this with the suite; nothing was applied for this object',
        },
      );
    }
    const body = manifestJson(obj) as KubeJson;
    const target = describeObject(
      body.apiVersion ?? '?',
      body.kind ?? '?',
      body.metadata?.namespace,
      body.metadata?.name,
    );
    let path: string;
    try {
      // The object's REST path, from the server's discovery (a kind it does not serve fails here).
      path = await (
        this.objects as unknown as { specUriPath(o: KubernetesObject, a: 'patch'): Promise<string> }
      ).specUriPath(body, 'patch');
    } catch (e) {
      this.fail(`apply ${target}`, e, 'check the CRDs of this kind are installed (`meshbench doctor`)');
    }
    // Sent as given (the client's typed serializer would drop fields it does not know), and checked
    // strictly: an unknown or duplicate field is refused by the server, not silently pruned.
    const query = `fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=Strict`;
    const r = await this.raw('PATCH', `${path}?${query}`, body, 30_000, 'application/apply-patch+yaml');
    if (r.status >= 200 && r.status < 300) return JSON.parse(r.text) as KubeJson;
    throw new MeshbenchError(
      'PLATFORM_FAILED',
      `apply ${target} failed on ${this.server}: HTTP ${r.status}: ${statusMessage(r.text)}`,
      {
        fix:
          r.status === 403
            ? 'grant the RBAC permission named (see `meshbench doctor`)'
            : r.status === 409
              ? 'another field manager owns these fields; meshbench applies with force, so this is a conflict it could not take over: check who else manages the object'
              : 'check the cluster (`meshbench doctor`) and the object named',
      },
    );
  }

  /** Reads one object; undefined when it does not exist. */
  async get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeJson | undefined> {
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as KubeJson;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      this.fail(`read ${describeObject(apiVersion, kind, namespace, name)}`, e);
    }
  }

  async list(
    apiVersion: string,
    kind: string,
    opts: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeJson[]> {
    try {
      const r = await this.objects.list(
        apiVersion,
        kind,
        opts.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        opts.labelSelector,
      );
      return (r.items ?? []) as KubeJson[];
    } catch (e) {
      this.fail(
        `list ${kind} (${apiVersion})${opts.namespace ? ` in ${opts.namespace}` : ''}${opts.labelSelector ? ` with ${opts.labelSelector}` : ''}`,
        e,
      );
    }
  }

  /** Deletes one object; false when it was already gone. */
  async delete(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Promise<boolean> {
    try {
      await this.objects.delete(
        { apiVersion, kind, metadata: { name, namespace } },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
      );
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      this.fail(`delete ${describeObject(apiVersion, kind, namespace, name)}`, e);
    }
  }

  /** A raw request through the API server (text), with the kubeconfig's credentials. */
  async raw(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
    timeoutMs = 15_000,
    contentType = 'application/json',
  ): Promise<{ status: number; text: string }> {
    // Keep any path prefix of the server URL (e.g. a proxy in front of the API).
    const base = new URL(this.server);
    const url = new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}${path}`);
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json, text/plain, */*' } };
    await this.kc.applyToHTTPSOptions(opts);
    const plain = url.protocol === 'http:';
    if (plain) delete opts.agent;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload) opts.headers = { ...opts.headers, 'Content-Type': contentType };
    return await new Promise((resolve, reject) => {
      const req = (plain ? http : https).request(url, { ...opts, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e) =>
        reject(
          new MeshbenchError('PLATFORM_FAILED', `${method} ${url.pathname} failed: ${e.message}`, {
            cause: e,
            fix: 'check the cluster is reachable (`meshbench doctor`)',
          }),
        ),
      );
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** GET through the API server; throws PLATFORM_FAILED on a non-2xx answer with the API's message. */
  async getText(path: string, timeoutMs?: number): Promise<string> {
    const r = await this.raw('GET', path, undefined, timeoutMs);
    if (r.status < 200 || r.status > 299) {
      let msg = r.text.slice(0, 200);
      try {
        msg = JSON.parse(r.text).message ?? msg;
      } catch {
        /* plain text */
      }
      throw new MeshbenchError('PLATFORM_FAILED', `GET ${path} answered HTTP ${r.status}: ${msg}`, {
        fix:
          r.status === 403
            ? 'grant the RBAC permission named (see `meshbench doctor`)'
            : 'check the object exists and the cluster is healthy',
      });
    }
    return r.text;
  }

  async getJson<T>(path: string, timeoutMs?: number): Promise<T> {
    return JSON.parse(await this.getText(path, timeoutMs)) as T;
  }

  /** The API server's version (GET /version). */
  async version(): Promise<{ gitVersion: string; major?: string; minor?: string }> {
    return await this.getJson('/version', 5000);
  }

  /** A container's log (where agents print their result). */
  async podLog(namespace: string, pod: string, container?: string): Promise<string> {
    const q = container ? `?container=${encodeURIComponent(container)}` : '';
    return await this.getText(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log${q}`,
      60_000,
    );
  }
}
