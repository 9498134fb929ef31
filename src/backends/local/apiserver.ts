/**
 * The Kubernetes API endpoint CoreDNS's `kubernetes` plugin talks to in the local backend: enough
 * of the real API server for client-go's informers (reflector list + watch) over plain HTTP/1.1
 * with JSON (coredns-kubernetes.md §1.1–1.2):
 * - GET /version, /api, /apis, /api/v1, /apis/discovery.k8s.io/v1 (discovery);
 * - list and watch, cluster-wide or per namespace, of Namespaces, Services, Pods, Endpoints and
 *   discovery.k8s.io/v1 EndpointSlices; GET of one object;
 * - `labelSelector`, `fieldSelector`, `resourceVersion`, `timeoutSeconds`, `allowWatchBookmarks`,
 *   `sendInitialEvents` (the WatchList protocol: initial ADDED events, then a bookmark annotated
 *   `k8s.io/initial-events-end`);
 * - errors as the API server sends them: 404 NotFound and 405 MethodNotAllowed as Status objects,
 *   400 for a bad selector, and a watch from a resource version older than the event log kept here
 *   gets an ERROR event with a 410 Expired Status (the reflector then lists again).
 * `setObjects` replaces the whole set and turns the difference into watch events, so a scenario
 * step reaches CoreDNS the way a cluster change does. `waitForWatchers` tells when every watch
 * CoreDNS holds has been sent a given resource version.
 *
 * Observed by running them: CoreDNS 1.11.3 and 1.12.4 list each resource with
 * `limit=500&resourceVersion=0`, then watch from the list's version (`allowWatchBookmarks=true`,
 * `timeoutSeconds` 5–10 min); 1.14.7 (newer client-go) skips the list and opens WatchList streams
 * (`sendInitialEvents=true&resourceVersionMatch=NotOlderThan`). None asks for discovery or /version.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../cluster/types.ts';
import { fieldMatcher, labelMatcher, type Matcher } from './selectors.ts';

interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

const RESOURCES: Resource[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints', namespaced: true },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    kind: 'EndpointSlice',
    namespaced: true,
  },
];

/** The Kubernetes version /version reports (client-go only logs it). */
const SERVED_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.0+dnsconform' };
/** Events kept for watches that resume from an older resource version. */
const EVENT_LOG_LIMIT = 10_000;
/** After the last event is in the socket: time for CoreDNS's informer goroutines to apply it. */
const SETTLE_MS = 100;

function apiVersionOf(r: Resource): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

function resourceOf(object: KubeObject): Resource | undefined {
  return RESOURCES.find((r) => r.kind === object.kind && apiVersionOf(r) === object.apiVersion);
}

function keyOf(o: KubeObject): string {
  return `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name ?? ''}`;
}

/** The object without the fields this server sets, for change detection. */
function content(o: KubeObject): unknown {
  const { resourceVersion: _rv, ...metadata } = o.metadata;
  return { ...o, metadata };
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface LoggedEvent {
  rv: number;
  resource: Resource;
  type: EventType;
  object: KubeObject;
  /** The object before a MODIFIED event (a filtered watch needs both to decide). */
  previous?: KubeObject;
}

interface Watch {
  resource: Resource;
  match: Matcher;
  res: ServerResponse;
  bookmarks: boolean;
  /** Events up to this resource version have been written to the response. */
  position: number;
  /** …and handed to the kernel. */
  flushed: number;
}

export interface ApiServerOptions {
  /** Address to listen on (default 127.0.0.1; the uplink address in network-namespace mode). */
  host?: string;
  /** Every request, one line each (debug log). */
  log?: (line: string) => void;
}

export class ApiServer {
  private readonly stored = new Map<string, KubeObject>();
  private rv = 1;
  private readonly events: LoggedEvent[] = [];
  /** The oldest resource version a watch can resume from (older ones get 410 Expired). */
  private replayableFrom = 0;
  private readonly watches = new Set<Watch>();
  /** Resources a client has listed or watched: those it expects to be kept up to date. */
  private readonly followed = new Set<Resource>();
  private readonly uid = new Map<string, string>();
  /** Request lines, newest last (bounded). */
  readonly requests: string[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly log: (line: string) => void,
  ) {}

  static async start(opts: ApiServerOptions = {}): Promise<ApiServer> {
    const host = opts.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const hostPart = host.includes(':') ? `[${host}]` : host;
    const api = new ApiServer(server, `http://${hostPart}:${port}`, opts.log ?? (() => undefined));
    server.on('request', (req, res) => api.handle(req, res));
    return api;
  }

  /** The current resource version (what a list would report). */
  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Every object held, as served (resourceVersion, uid and creationTimestamp set). */
  objects(): KubeObject[] {
    return [...this.stored.values()].map((o) => structuredClone(o));
  }

  /**
   * Makes the served set exactly `objects`: new ones are ADDED, changed ones MODIFIED, missing ones
   * DELETED, each with its own resource version. Returns the resource version after the change.
   */
  setObjects(objects: KubeObject[]): string {
    const next = new Map<string, KubeObject>();
    for (const o of objects) next.set(keyOf(o), o);
    const fresh: LoggedEvent[] = [];
    for (const [key, o] of next) {
      const old = this.stored.get(key);
      if (old && isDeepStrictEqual(content(old), content(this.withServerFields(o, old, 0)))) continue;
      const served = this.withServerFields(o, old, ++this.rv);
      this.stored.set(key, served);
      const resource = resourceOf(served);
      if (resource) {
        fresh.push({
          rv: this.rv,
          resource,
          type: old ? 'MODIFIED' : 'ADDED',
          object: served,
          ...(old ? { previous: old } : {}),
        });
      }
    }
    for (const [key, old] of this.stored) {
      if (next.has(key)) continue;
      this.stored.delete(key);
      const resource = resourceOf(old);
      const gone = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
      if (resource) fresh.push({ rv: this.rv, resource, type: 'DELETED', object: gone });
    }
    this.events.push(...fresh);
    if (this.events.length > EVENT_LOG_LIMIT) {
      this.events.splice(0, this.events.length - EVENT_LOG_LIMIT);
      this.replayableFrom = (this.events[0] as LoggedEvent).rv - 1;
    }
    for (const w of this.watches) this.catchUp(w);
    return this.resourceVersion;
  }

  /** The object as the API server would hold it: identity fields kept across updates. */
  private withServerFields(o: KubeObject, old: KubeObject | undefined, rv: number): KubeObject {
    const key = keyOf(o);
    let uid = o.metadata.uid ?? old?.metadata.uid ?? this.uid.get(key);
    if (!uid) {
      uid = randomUUID();
      this.uid.set(key, uid);
    }
    const creationTimestamp =
      o.metadata.creationTimestamp ?? old?.metadata.creationTimestamp ?? '2024-01-01T00:00:00Z';
    return {
      ...structuredClone(o),
      metadata: {
        ...structuredClone(o.metadata),
        uid,
        creationTimestamp,
        resourceVersion: String(rv || old?.metadata.resourceVersion || 0),
      },
    };
  }

  /**
   * Resolves once every resource a client follows has an open watch that was sent (and flushed)
   * everything up to `rv`, plus a short settle time for CoreDNS to apply it. Bounded by `timeoutMs`.
   */
  async waitForWatchers(rv: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
    const target = Number(rv);
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      opts.signal?.throwIfAborted();
      const lagging = [...this.followed].filter(
        (r) => ![...this.watches].some((w) => w.resource === r && w.flushed >= target),
      );
      if (lagging.length === 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `CoreDNS did not catch up with resource version ${rv} within ${opts.timeoutMs} ms (no current watch of ${lagging.map((r) => r.plural).join(', ')})`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }

  /** A new client (CoreDNS restarted): only what it lists and watches from now on is waited for. */
  forgetClients(): void {
    this.followed.clear();
  }

  /** Number of open watch streams per resource (tests and debugging). */
  watchCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const w of this.watches) counts[w.resource.plural] = (counts[w.resource.plural] ?? 0) + 1;
    return counts;
  }

  async stop(): Promise<void> {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // --- HTTP ---------------------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const line = `${req.method} ${req.url}`;
    this.requests.push(line);
    if (this.requests.length > 1000) this.requests.shift();
    this.log(`api: ${line}`);
    const url = new URL(req.url ?? '/', 'http://api');
    let reply: Reply | undefined;
    if (req.method !== 'GET') {
      reply = failure(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
    } else {
      try {
        reply = this.route(url, res);
      } catch (e) {
        reply = failure(400, 'BadRequest', (e as Error).message);
      }
    }
    if (reply) {
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.code, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    }
  }

  /** The reply, or undefined when a watch stream took over the response. */
  private route(url: URL, res: ServerResponse): Reply | undefined {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/version') return ok({ ...SERVED_VERSION, platform: 'linux/amd64' });
    if (path === '/api') return ok({ kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') return ok(groupList());
    const parts = path.split('/').filter(Boolean);
    let group = '';
    let version: string | undefined;
    let rest: string[];
    if (parts[0] === 'api') {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1] ?? '';
      version = parts[2];
      rest = parts.slice(3);
    } else return notFound(path);
    const inGroup = RESOURCES.filter((r) => r.group === group && r.version === version);
    if (inGroup.length === 0) return notFound(path);
    if (rest.length === 0) return ok(resourceList(group, version as string, inGroup));

    // …/{plural}[/{name}] or …/namespaces/{namespace}/{plural}[/{name}]
    let namespace: string | undefined;
    let plural: string | undefined;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [, namespace, plural, name] = rest;
    else [plural, name] = rest;
    if (rest.length > (namespace === undefined ? 2 : 4)) return notFound(path);
    const resource = inGroup.find((r) => r.plural === plural);
    if (!resource || (namespace !== undefined && !resource.namespaced)) return notFound(path);
    if (name !== undefined) return this.getOne(resource, namespace, name);
    const match = this.matcher(url, namespace);
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      this.watch(res, resource, match, url.searchParams);
      return undefined;
    }
    return this.list(resource, match);
  }

  private matcher(url: URL, namespace: string | undefined): Matcher {
    const labels = labelMatcher(url.searchParams.get('labelSelector'));
    const fields = fieldMatcher(url.searchParams.get('fieldSelector'));
    return (o) => (namespace === undefined || o.metadata.namespace === namespace) && labels(o) && fields(o);
  }

  private served(resource: Resource): KubeObject[] {
    return [...this.stored.values()].filter((o) => resourceOf(o) === resource);
  }

  private list(resource: Resource, match: Matcher): Reply {
    this.followed.add(resource);
    return ok({
      kind: `${resource.kind}List`,
      apiVersion: apiVersionOf(resource),
      metadata: { resourceVersion: this.resourceVersion },
      items: this.served(resource).filter(match),
    });
  }

  private getOne(resource: Resource, namespace: string | undefined, name: string): Reply {
    const o = this.served(resource).find(
      (x) => x.metadata.name === name && x.metadata.namespace === namespace,
    );
    if (o) return ok(o);
    return failure(404, 'NotFound', `${resource.plural} "${name}" not found`, {
      name,
      kind: resource.plural,
    });
  }

  private watch(res: ServerResponse, resource: Resource, match: Matcher, params: URLSearchParams): void {
    this.followed.add(resource);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const w: Watch = {
      resource,
      match,
      res,
      bookmarks: params.get('allowWatchBookmarks') === 'true',
      position: this.rv,
      flushed: 0,
    };
    const from = params.get('resourceVersion') ?? '';
    const initialEvents = params.get('sendInitialEvents') === 'true';
    if (initialEvents || from === '' || from === '0') {
      // A watch without a version starts with the current state as ADDED events (like sendInitialEvents).
      for (const o of this.served(resource).filter(match)) this.send(w, 'ADDED', o);
      if (initialEvents) {
        this.send(w, 'BOOKMARK', this.bookmark(resource, { 'k8s.io/initial-events-end': 'true' }));
      }
    } else if (Number(from) < this.replayableFrom) {
      this.send(
        w,
        'ERROR',
        statusObject(410, 'Expired', `too old resource version: ${from} (${this.replayableFrom})`),
      );
      res.end();
      return;
    } else {
      w.position = Math.min(Number(from), this.rv);
    }
    this.watches.add(w);
    this.catchUp(w);
    const timeout = Number(params.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    timer?.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.watches.delete(w);
    });
  }

  /** Writes every logged event after the watch's position that it should see. */
  private catchUp(w: Watch): void {
    let sent = false;
    const send = (type: EventType, object: KubeObject) => {
      this.send(w, type, object);
      sent = true;
    };
    for (const e of this.events) {
      if (e.rv <= w.position || e.resource !== w.resource) continue;
      const now = w.match(e.object);
      if (e.type !== 'MODIFIED') {
        if (now) send(e.type, e.object);
        continue;
      }
      // A filtered watch sees an object enter or leave its selection as ADDED or DELETED.
      const before = e.previous !== undefined && w.match(e.previous);
      if (before && now) send('MODIFIED', e.object);
      else if (now) send('ADDED', e.object);
      else if (before) send('DELETED', e.object);
    }
    if (!sent && w.bookmarks && w.position < this.rv) this.send(w, 'BOOKMARK', this.bookmark(w.resource));
    const target = this.rv;
    w.position = target;
    w.res.write('', () => {
      w.flushed = Math.max(w.flushed, target);
    });
  }

  private bookmark(resource: Resource, annotations?: Record<string, string>): KubeObject {
    return {
      kind: resource.kind,
      apiVersion: apiVersionOf(resource),
      metadata: { resourceVersion: this.resourceVersion, ...(annotations ? { annotations } : {}) },
    };
  }

  private send(w: Watch, type: string, object: unknown): void {
    w.res.write(`${JSON.stringify({ type, object })}\n`);
  }
}

// --- responses ------------------------------------------------------------------------------------

interface Reply {
  code: number;
  body: unknown;
}

function ok(body: unknown): Reply {
  return { code: 200, body };
}

/** A Status object as the API server sends with errors (apimachinery metav1.Status). */
function statusObject(code: number, reason: string, message: string, details?: Record<string, string>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function failure(code: number, reason: string, message: string, details?: Record<string, string>): Reply {
  return { code, body: statusObject(code, reason, message, details) };
}

function notFound(path: string): Reply {
  return failure(404, 'NotFound', `the server could not find the requested resource (${path})`);
}

function groupList() {
  const groups = [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const version = RESOURCES.find((r) => r.group === name)?.version as string;
      const gv = { groupVersion: `${name}/${version}`, version };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

function resourceList(group: string, version: string, resources: Resource[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.map((r) => ({
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['get', 'list', 'watch'],
    })),
  };
}
