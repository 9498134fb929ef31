import { describe, expect, it } from 'vitest';
import { loadObjects } from './load.ts';
import { buildState, indexState } from './state.ts';

// Live-like objects as `kubectl get -o yaml` prints them, including old-style and nil fields.
const objects = loadObjects(
  `
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop}
- apiVersion: v1
  kind: Service
  metadata: {name: old, namespace: shop}
  spec: {clusterIP: 10.96.0.20, ports: [{port: 80}], selector: {}}
- apiVersion: v1
  kind: Service
  metadata: {name: db, namespace: shop}
  spec: {clusterIP: None, clusterIPs: [None], ipFamilies: [IPv4], selector: {app: db}, publishNotReadyAddresses: true}
- apiVersion: v1
  kind: Service
  metadata: {name: ext, namespace: shop}
  spec: {type: ExternalName, externalName: example.com}
- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: db-abcde, namespace: shop, labels: {kubernetes.io/service-name: db}}
  addressType: IPv4
  endpoints:
  - addresses: [10.244.0.7]
    hostname: db-0
    targetRef: {kind: Pod, name: db-0}
  ports:
  - {}
- apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: shop, labels: {app: db}}
  spec:
    hostname: db-0
    subdomain: db
    dnsConfig: {options: [{name: ndots, value: "2"}, {name: edns0}]}
    hostAliases: [{ip: 192.0.2.1, hostnames: [foo.local]}]
    containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]
    initContainers: [{name: side, restartPolicy: Always, ports: [{name: m, containerPort: 9000, protocol: UDP}]}, {name: init, ports: [{name: x, containerPort: 1}]}]
  status: {phase: Running, podIP: 10.244.0.7, conditions: [{type: Ready, status: "True"}]}
`,
  'live.yaml',
).objects;

describe('buildState', () => {
  const state = buildState(objects);
  const svc = (name: string) => state.services.find((s) => s.name === name)!;

  // CoreDNS object/service.go: ClusterIPs fall back to [ClusterIP] for objects from old API servers.
  it('Service clusterIPs fall back to [clusterIP]; ipFamilies to their family; ports defaulted', () => {
    expect(svc('old').clusterIPs).toEqual(['10.96.0.20']);
    expect(svc('old').ipFamilies).toEqual(['IPv4']);
    expect(svc('old').ports).toEqual([{ name: '', port: 80, protocol: 'TCP', targetPort: 80 }]);
    expect(svc('old').selector).toBeNull();
  });

  it('headless and ExternalName', () => {
    expect(svc('db')).toMatchObject({ clusterIPs: ['None'], headless: true, publishNotReadyAddresses: true });
    expect(svc('ext')).toMatchObject({
      clusterIPs: [],
      headless: false,
      externalName: 'example.com',
      type: 'ExternalName',
    });
  });

  // CoreDNS object/endpoint.go: nil port → -1, nil name/protocol → ""; nil ready stays nil (read as ready).
  it('EndpointSlice nil fields', () => {
    const s = state.endpointSlices[0]!;
    expect(s.serviceName).toBe('db');
    expect(s.ports).toEqual([{ name: '', port: -1, protocol: '' }]);
    expect(s.endpoints[0]).toEqual({
      addresses: ['10.244.0.7'],
      hostname: 'db-0',
      conditions: { ready: undefined, serving: undefined, terminating: undefined },
      targetRef: { kind: 'Pod', name: 'db-0', namespace: 'shop' },
      nodeName: undefined,
      zone: undefined,
    });
  });

  it('pods: defaults, dnsConfig, hostAliases, podIPs from podIP, ports incl. sidecars only', () => {
    const p = state.pods[0]!;
    expect(p).toMatchObject({
      hostname: 'db-0',
      subdomain: 'db',
      dnsPolicy: 'ClusterFirst',
      podIP: '10.244.0.7',
      podIPs: ['10.244.0.7'],
      ready: true,
      phase: 'Running',
      hostNetwork: false,
      hostAliases: [{ ip: '192.0.2.1', hostnames: ['foo.local'] }],
      dnsConfig: {
        nameservers: [],
        searches: [],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    // FindPort reads regular containers and restartable init containers only.
    expect(p.ports).toEqual([
      { name: 'pg', containerPort: 5432, protocol: 'TCP' },
      { name: 'm', containerPort: 9000, protocol: 'UDP' },
    ]);
  });
});

describe('indexState', () => {
  const index = indexState(buildState(objects));

  it('looks names up case-insensitively', () => {
    expect(index.namespace('SHOP')?.name).toBe('shop');
    expect(index.service('Shop', 'DB')?.name).toBe('db');
    expect(index.pod('shop', 'DB-0')?.name).toBe('db-0');
    expect(index.slicesOf('SHOP', 'Db').map((s) => s.name)).toEqual(['db-abcde']);
  });

  it('finds by address', () => {
    expect(index.servicesByClusterIP('10.96.0.20').map((s) => s.name)).toEqual(['old']);
    expect(index.servicesByClusterIP('None')).toEqual([]);
    expect(index.slicesByAddress('10.244.0.7').map((s) => s.name)).toEqual(['db-abcde']);
    expect(index.podsByIP('10.244.0.7').map((p) => p.name)).toEqual(['db-0']);
  });

  it('misses return nothing', () => {
    expect(index.service('shop', 'nope')).toBeUndefined();
    expect(index.namespace('nope')).toBeUndefined();
    expect(index.slicesOf('nope', 'db')).toEqual([]);
    expect(index.podsByIP('10.0.0.1')).toEqual([]);
  });
});
