/**
 * A small Kubernetes REST client. @kubernetes/client-node's KubeConfig loads the kubeconfig and
 * applies its authentication (certificates, tokens, exec plugins, proxies); requests and replies
 * stay raw JSON, because runs store objects exactly as the API serves them (KubeObject) and the
 * generated typed models would drop fields newer than the client and turn timestamps into Dates.
 * Every request is bounded in time and stops when the run is interrupted.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../cluster/types.ts';
import { EnvironmentError } from '../../errors.ts';

const REQUEST_TIMEOUT_MS = 30_000;
export const FIELD_MANAGER = 'dnsconform';

export interface KubeTarget {
  /** Path of a kubeconfig file; $KUBECONFIG / ~/.kube/config when absent. */
  kubeconfig?: string;
  /** Context name; the kubeconfig's current-context when absent. */
  context?: string;
}

/** The API server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Resource {
  plural: string;
  namespaced: boolean;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string>;
  /** Plain text reply (pod logs). */
  text?: boolean;
}

export class KubeClient {
  private readonly resources = new Map<string, Promise<Map<string, Resource>>>();

  private constructor(
    private readonly config: KubeConfig,
    /** The context in force. */
    readonly context: string,
    /** The API server URL. */
    readonly server: string,
    private readonly signal: AbortSignal,
  ) {}

  static load(target: KubeTarget, signal: AbortSignal): KubeClient {
    const config = new KubeConfig();
    try {
      if (target.kubeconfig) config.loadFromFile(target.kubeconfig);
      else config.loadFromDefault();
    } catch (e) {
      throw new EnvironmentError(
        `cannot read kubeconfig ${target.kubeconfig ?? '(default)'}: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    if (target.context) {
      if (!config.getContexts().some((c) => c.name === target.context)) {
        throw new EnvironmentError(
          `context '${target.context}' is not in kubeconfig ${target.kubeconfig ?? '(default)'}: pick one of ${config
            .getContexts()
            .map((c) => c.name)
            .join(', ')}`,
        );
      }
      config.setCurrentContext(target.context);
    }
    const context = config.getCurrentContext();
    const server = config.getCurrentCluster()?.server;
    if (!context || !server) {
      throw new EnvironmentError(
        `kubeconfig ${target.kubeconfig ?? '(default)'} has no current context with a cluster: pass --context`,
      );
    }
    return new KubeClient(config, context, server.replace(/\/+$/, ''), signal);
  }

  /** The same client under another signal: cleanup runs after the run's signal has aborted. */
  withSignal(signal: AbortSignal): KubeClient {
    const c = new KubeClient(this.config, this.context, this.server, signal);
    for (const [k, v] of this.resources) c.resources.set(k, v);
    return c;
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    this.signal.throwIfAborted();
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    const opts: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    await this.config.applyToHTTPSOptions(opts);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) {
      const headers = opts.headers as Record<string, string>;
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
    const { status, text } = await send(url, { ...opts, signal }, body).catch((e: Error) => {
      if (this.signal.aborted) throw this.signal.reason;
      throw new EnvironmentError(
        `cannot reach the Kubernetes API of context '${this.context}' at ${this.server} (${method} ${url.pathname}): ${e.message}`,
      );
    });
    if (status < 200 || status > 299) {
      let reason = '';
      let message = text.trim();
      try {
        const s = JSON.parse(text) as { reason?: string; message?: string };
        reason = s.reason ?? '';
        message = s.message ?? message;
      } catch {
        // not a Status object: keep the body as the message
      }
      throw new ApiError(status, reason, `${method} ${url.pathname}: ${status} ${message}`);
    }
    if (options.text) return text as T;
    return (text ? JSON.parse(text) : {}) as T;
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** GET or undefined when it does not exist. */
  async find<T = KubeObject>(path: string): Promise<T | undefined> {
    try {
      return await this.get<T>(path);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Every item of a list (paged), with the apiVersion and kind that list items leave out. */
  async list(
    apiVersion: string,
    kind: string,
    namespace?: string,
    labelSelector?: string,
  ): Promise<KubeObject[]> {
    const base = await this.collectionPath(apiVersion, kind, namespace);
    const items: KubeObject[] = [];
    let cont = '';
    for (let page = 0; page < 1000; page++) {
      const query: Record<string, string> = { limit: '500' };
      if (cont) query.continue = cont;
      if (labelSelector) query.labelSelector = labelSelector;
      const list = await this.request<{ items?: KubeObject[]; metadata?: { continue?: string } }>(
        'GET',
        base,
        {
          query,
        },
      );
      for (const item of list.items ?? []) items.push({ ...item, apiVersion, kind });
      cont = list.metadata?.continue ?? '';
      if (!cont) break;
    }
    return items;
  }

  /** Server-side apply (the API server merges; we own the fields we set). */
  async apply(object: KubeObject): Promise<KubeObject> {
    return this.request<KubeObject>('PATCH', await this.objectPath(object), {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
    });
  }

  async mergePatch(object: KubeObject, patch: unknown): Promise<KubeObject> {
    return this.request<KubeObject>('PATCH', await this.objectPath(object), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: FIELD_MANAGER },
    });
  }

  async replace(object: KubeObject): Promise<KubeObject> {
    return this.request<KubeObject>('PUT', await this.objectPath(object), {
      body: object,
      query: { fieldManager: FIELD_MANAGER },
    });
  }

  /** Deletes (background propagation); true when it existed. */
  async delete(object: KubeObject): Promise<boolean> {
    try {
      await this.request('DELETE', await this.objectPath(object), {
        body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' },
      });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return false;
      throw e;
    }
  }

  async objectPath(object: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): Promise<string> {
    const name = object.metadata.name;
    if (!name) throw new Error(`${object.kind} without metadata.name cannot be addressed`);
    const namespace = object.metadata.namespace ?? 'default';
    return `${await this.collectionPath(object.apiVersion, object.kind, namespace)}/${encodeURIComponent(name)}`;
  }

  /** Without a namespace: every namespace (lists); objects without one live in `default`. */
  async collectionPath(apiVersion: string, kind: string, namespace?: string): Promise<string> {
    const r = await this.resource(apiVersion, kind);
    const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!r.namespaced || namespace === undefined) return `${root}/${r.plural}`;
    return `${root}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`;
  }

  /** Discovery: which resource serves a kind (GET /api/v1, /apis/<group>/<version>), cached. */
  async resource(apiVersion: string, kind: string): Promise<Resource> {
    let known = this.resources.get(apiVersion);
    if (!known) {
      const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      known = this.get<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>(root).then(
        (list) =>
          new Map(
            (list.resources ?? [])
              .filter((r) => !r.name.includes('/'))
              .map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]),
          ),
      );
      known.catch(() => this.resources.delete(apiVersion));
      this.resources.set(apiVersion, known);
    }
    const r = (await known).get(kind);
    if (!r) throw new ApiError(404, 'NotFound', `the cluster serves no ${kind} in ${apiVersion}`);
    return r;
  }
}

function send(
  url: URL,
  opts: https.RequestOptions & { signal: AbortSignal },
  body: string | undefined,
): Promise<{ status: number; text: string }> {
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
