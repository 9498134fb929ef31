/**
 * The API endpoint at the HTTP level, as client-go's reflector uses it (requests copied from what
 * CoreDNS 1.11.3, 1.12.4 and 1.14.7 send, see the request log in coredns.test.ts). Semantics from
 * the Kubernetes API conventions (api-concepts: "Efficient detection of changes", "Watch
 * bookmarks", "Streaming lists", "410 Gone responses") and apimachinery's selector parsers.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../cluster/types.ts';
import { ApiServer } from './apiserver.ts';

// biome-ignore lint/suspicious/noExplicitAny: API JSON, read loosely by the assertions
type Json = any;

const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function start(objects: KubeObject[]): Promise<ApiServer> {
  const api = await ApiServer.start();
  servers.push(api);
  api.setObjects(objects);
  return api;
}

function get(api: ApiServer, path: string): Promise<{ code: number; body: Json }> {
  return new Promise((resolve, reject) => {
    request(`${api.url}${path}`, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) }));
    })
      .on('error', reject)
      .end();
  });
}

/** Opens a watch and collects its events until `count` have arrived. */
function watch(api: ApiServer, path: string) {
  const events: Json[] = [];
  let wake = () => {};
  let buffer = '';
  const req = request(`${api.url}${path}`, (res) => {
    res.on('data', (c) => {
      buffer += c;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      wake();
    });
  });
  req.end();
  return {
    events,
    async until(count: number) {
      for (let i = 0; i < 200 && events.length < count; i++) {
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 10);
        });
      }
      return events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason ?? ''}`);
    },
    close: () => req.destroy(),
  };
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const svc = (name: string, labels: Record<string, string> = {}, clusterIP = '10.96.0.1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', labels },
  spec: { clusterIP },
});
const pod = (name: string, phase: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  status: { phase },
});

describe('list', () => {
  it('lists cluster-wide with the current resourceVersion, filtered by label and field selectors', async () => {
    const api = await start([
      ns('default', { env: 'prod' }),
      ns('dev', { env: 'dev' }),
      ns('other'),
      pod('running', 'Running'),
      pod('done', 'Succeeded'),
    ]);
    const all = await get(api, '/api/v1/namespaces?limit=500&resourceVersion=0');
    expect(all.body.kind).toBe('NamespaceList');
    expect(all.body.metadata.resourceVersion).toBe(api.resourceVersion);
    expect(all.body.items.map((o: KubeObject) => o.metadata.name)).toEqual(['default', 'dev', 'other']);
    const sel = await get(api, `/api/v1/namespaces?labelSelector=${encodeURIComponent('env in (dev,prod)')}`);
    expect(sel.body.items.map((o: KubeObject) => o.metadata.name)).toEqual(['default', 'dev']);
    // selector.go: `!=` and `notin` also select objects without the key.
    const ne = await get(api, `/api/v1/namespaces?labelSelector=${encodeURIComponent('env!=dev')}`);
    expect(ne.body.items.map((o: KubeObject) => o.metadata.name)).toEqual(['default', 'other']);
    const phase = encodeURIComponent('status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown');
    const pods = await get(api, `/api/v1/pods?fieldSelector=${phase}`);
    expect(pods.body.items.map((o: KubeObject) => o.metadata.name)).toEqual(['running']);
  });

  it('404 NotFound and 405 MethodNotAllowed as Status objects; 400 for a bad selector', async () => {
    const api = await start([]);
    const missing = await get(api, '/apis/discovery.k8s.io/v1beta1/endpointslices');
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    const one = await get(api, '/api/v1/namespaces/default/services/nope');
    expect(one.body).toMatchObject({ reason: 'NotFound', details: { name: 'nope', kind: 'services' } });
    const bad = await get(api, `/api/v1/services?labelSelector=${encodeURIComponent('a in (b')}`);
    expect(bad.code).toBe(400);
  });
});

describe('watch', () => {
  it('from a list resourceVersion: ADDED, MODIFIED, DELETED in order, each with its own resourceVersion', async () => {
    const api = await start([ns('default'), svc('a'), svc('b')]);
    const rv = api.resourceVersion;
    const w = watch(api, `/api/v1/services?allowWatchBookmarks=true&resourceVersion=${rv}&watch=true`);
    await new Promise((r) => setTimeout(r, 50));
    api.setObjects([ns('default'), svc('a', {}, '10.96.0.2'), svc('c')]);
    expect(await w.until(3)).toEqual(['MODIFIED a', 'ADDED c', 'DELETED b']);
    const rvs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect(rvs.every((v) => v > Number(rv))).toBe(true);
    expect(new Set(rvs).size).toBe(3);
    w.close();
  });

  it('a label-filtered watch sees an object leave and enter its selection as DELETED and ADDED', async () => {
    const api = await start([svc('a', { app: 'web' })]);
    const w = watch(
      api,
      `/api/v1/services?labelSelector=app%3Dweb&resourceVersion=${api.resourceVersion}&watch=true`,
    );
    await new Promise((r) => setTimeout(r, 50));
    api.setObjects([svc('a', { app: 'db' })]);
    api.setObjects([svc('a', { app: 'web' })]);
    expect(await w.until(2)).toEqual(['DELETED a', 'ADDED a']);
    w.close();
  });

  it('sendInitialEvents: current objects as ADDED, then a bookmark marked initial-events-end', async () => {
    const api = await start([svc('a'), svc('b')]);
    const w = watch(
      api,
      '/api/v1/services?allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&watch=true',
    );
    expect(await w.until(3)).toEqual(['ADDED a', 'ADDED b', 'BOOKMARK ']);
    expect(w.events[2].object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    w.close();
  });

  it('a bookmark-enabled watch hears of resource versions that did not concern it', async () => {
    const api = await start([ns('default'), svc('a')]);
    const w = watch(
      api,
      `/api/v1/services?allowWatchBookmarks=true&resourceVersion=${api.resourceVersion}&watch=true`,
    );
    await new Promise((r) => setTimeout(r, 50));
    const rv = api.setObjects([ns('default'), ns('x'), svc('a')]);
    expect(await w.until(1)).toEqual(['BOOKMARK ']);
    expect(w.events[0].object.metadata.resourceVersion).toBe(rv);
    await api.waitForWatchers(rv, { timeoutMs: 2000 });
    w.close();
  });

  it('waitForWatchers fails, bounded, when a followed resource has no current watch', async () => {
    const api = await start([svc('a')]);
    await get(api, '/api/v1/services?limit=500&resourceVersion=0');
    const rv = api.setObjects([svc('b')]);
    await expect(api.waitForWatchers(rv, { timeoutMs: 100 })).rejects.toThrow(/no current watch of services/);
  });
});
