/**
 * From live-like objects to the normalised ClusterState the oracle reads, and the indexes it
 * queries. Normalisation applies the API's defaults and the readings CoreDNS makes of nil fields
 * (plugin/kubernetes/object/{service,endpoint,pod}.go), so the oracle never has to.
 * Objects of other kinds (workloads, Endpoints) are not part of the state: CoreDNS does not read them.
 */

import { LABEL_SERVICE_NAME } from './endpointslices.ts';
import type { RawEndpointSlice, RawPod, RawService } from './raw.ts';
import type {
  ClusterIndex,
  ClusterState,
  ContainerPort,
  DNSPolicy,
  Endpoint,
  EndpointSlice,
  IPFamily,
  KubeObject,
  Namespace,
  Pod,
  PodDNSConfig,
  Protocol,
  Service,
} from './types.ts';

function nsOf(o: KubeObject): string {
  return o.metadata.namespace ?? 'default';
}

function familyOf(ip: string): IPFamily {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

function toNamespace(o: KubeObject): Namespace {
  return { name: o.metadata.name as string, labels: { ...o.metadata.labels } };
}

/**
 * Services: clusterIPs fall back to [clusterIP] (objects from before dual-stack), ExternalName has
 * none; ports default protocol TCP and targetPort = port; an empty selector is no selector; ipFamilies
 * fall back to the ClusterIPs' families.
 */
function toService(o: RawService): Service {
  const spec = o.spec ?? {};
  const type = (spec.type ?? 'ClusterIP') as Service['type'];
  const clusterIPs =
    type === 'ExternalName'
      ? []
      : spec.clusterIPs?.length
        ? [...spec.clusterIPs]
        : spec.clusterIP
          ? [spec.clusterIP]
          : [];
  const headless = clusterIPs[0] === 'None';
  const selector = spec.selector && Object.keys(spec.selector).length > 0 ? { ...spec.selector } : null;
  return {
    namespace: nsOf(o),
    name: o.metadata.name as string,
    labels: { ...o.metadata.labels },
    type,
    clusterIPs,
    headless,
    externalName: type === 'ExternalName' ? spec.externalName : undefined,
    ports: (spec.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port,
      protocol: (p.protocol ?? 'TCP') as Protocol,
      targetPort: p.targetPort ?? p.port,
    })),
    selector,
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true,
    // Without ipFamilies (objects from old API servers) the EndpointSlice controller assumes the
    // ClusterIP's family, or both for headless Services (endpointslice utils.go getAddressTypesForService).
    ipFamilies: spec.ipFamilies?.length
      ? (spec.ipFamilies as IPFamily[])
      : headless
        ? ['IPv4', 'IPv6']
        : clusterIPs.map(familyOf),
    externalIPs: [...(spec.externalIPs ?? [])],
    ingress: (o.status?.loadBalancer?.ingress ?? []).map((i) => {
      const out: { ip?: string; hostname?: string } = {};
      if (i.ip) out.ip = i.ip;
      if (i.hostname) out.hostname = i.hostname;
      return out;
    }),
  };
}

/** A nil condition stays undefined: CoreDNS reads a nil `ready` as ready (object/endpoint.go). */
function flag(v: boolean | null | undefined): boolean | undefined {
  return v === null || v === undefined ? undefined : v;
}

/** EndpointSlices: nil port name/protocol → "", nil port → -1 (CoreDNS object/endpoint.go). */
function toSlice(o: RawEndpointSlice): EndpointSlice {
  const namespace = nsOf(o);
  const labels = { ...o.metadata.labels };
  return {
    namespace,
    name: o.metadata.name as string,
    labels,
    serviceName: labels[LABEL_SERVICE_NAME],
    addressType: o.addressType as EndpointSlice['addressType'],
    ports: (o.ports ?? []).map((p) => ({
      name: p.name ?? '',
      port: p.port ?? -1,
      protocol: p.protocol ?? '',
    })),
    endpoints: (o.endpoints ?? []).map(
      (e): Endpoint => ({
        addresses: [...e.addresses],
        hostname: e.hostname ?? undefined,
        conditions: {
          ready: flag(e.conditions?.ready),
          serving: flag(e.conditions?.serving),
          terminating: flag(e.conditions?.terminating),
        },
        targetRef: e.targetRef
          ? {
              kind: e.targetRef.kind ?? '',
              name: e.targetRef.name ?? '',
              namespace: e.targetRef.namespace ?? namespace,
            }
          : undefined,
        nodeName: e.nodeName ?? undefined,
        zone: e.zone ?? undefined,
      }),
    ),
  };
}

/**
 * Pods: dnsPolicy defaults to ClusterFirst, container ports to TCP; podIPs fall back to [podIP];
 * the container ports include restartable init containers (sidecars), as FindPort reads them.
 */
function toPod(o: RawPod): Pod {
  const spec = o.spec ?? {};
  const status = o.status ?? {};
  const podIPs = status.podIPs?.length ? status.podIPs.map((p) => p.ip) : status.podIP ? [status.podIP] : [];
  const ports: ContainerPort[] = [];
  const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(spec.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) {
      ports.push({
        name: p.name ?? '',
        containerPort: p.containerPort,
        protocol: (p.protocol ?? 'TCP') as Protocol,
      });
    }
  }
  let dnsConfig: PodDNSConfig | undefined;
  if (spec.dnsConfig) {
    dnsConfig = {
      nameservers: [...(spec.dnsConfig.nameservers ?? [])],
      searches: [...(spec.dnsConfig.searches ?? [])],
      options: (spec.dnsConfig.options ?? []).map((opt) =>
        opt.value === undefined ? { name: opt.name ?? '' } : { name: opt.name ?? '', value: opt.value },
      ),
    };
  }
  return {
    namespace: nsOf(o),
    name: o.metadata.name as string,
    labels: { ...o.metadata.labels },
    hostname: spec.hostname || undefined,
    subdomain: spec.subdomain || undefined,
    setHostnameAsFQDN: spec.setHostnameAsFQDN === true,
    podIP: status.podIP || podIPs[0],
    podIPs,
    phase: status.phase ?? 'Pending',
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deletionTimestamp: o.metadata.deletionTimestamp ?? undefined,
    hostNetwork: spec.hostNetwork === true,
    dnsPolicy: (spec.dnsPolicy ?? 'ClusterFirst') as DNSPolicy,
    dnsConfig,
    hostAliases: (spec.hostAliases ?? []).map((h) => ({
      ip: h.ip ?? '',
      hostnames: [...(h.hostnames ?? [])],
    })),
    nodeName: spec.nodeName || undefined,
    ports,
  };
}

/** The normalised state of live-like objects (run `materialise` first on bare manifests). */
export function buildState(objects: KubeObject[]): ClusterState {
  const state: ClusterState = { namespaces: [], services: [], endpointSlices: [], pods: [] };
  for (const o of objects) {
    switch (o.kind) {
      case 'Namespace':
        state.namespaces.push(toNamespace(o));
        break;
      case 'Service':
        state.services.push(toService(o as RawService));
        break;
      case 'EndpointSlice':
        state.endpointSlices.push(toSlice(o as RawEndpointSlice));
        break;
      case 'Pod':
        state.pods.push(toPod(o as RawPod));
        break;
    }
  }
  return state;
}

const NONE: never[] = Object.freeze([]) as unknown as never[];

/** Map of maps keyed by lowercased (namespace, name): no string building per lookup. */
class NamedMap<T> {
  private readonly outer = new Map<string, Map<string, T>>();

  get(ns: string, name: string): T | undefined {
    return this.outer.get(ns.toLowerCase())?.get(name.toLowerCase());
  }

  /** Keys must already be lowercase. */
  getOrSet(ns: string, name: string, make: () => T): T {
    let inner = this.outer.get(ns);
    if (!inner) {
      inner = new Map();
      this.outer.set(ns, inner);
    }
    let v = inner.get(name);
    if (v === undefined) {
      v = make();
      inner.set(name, v);
    }
    return v;
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/**
 * The lookups the oracle makes, each one Map access (names and IPs compare case-insensitively,
 * as CoreDNS lowercases query names; keys are lowercased once here). Returned arrays are shared:
 * do not modify them.
 */
export function indexState(state: ClusterState): ClusterIndex {
  const namespaces = new Map<string, Namespace>();
  const services = new NamedMap<Service>();
  const pods = new NamedMap<Pod>();
  const slices = new NamedMap<EndpointSlice[]>();
  const byClusterIP = new Map<string, Service[]>();
  const byAddress = new Map<string, EndpointSlice[]>();
  const byPodIP = new Map<string, Pod[]>();

  for (const n of state.namespaces)
    if (!namespaces.has(n.name.toLowerCase())) namespaces.set(n.name.toLowerCase(), n);
  for (const s of state.services) {
    services.getOrSet(s.namespace.toLowerCase(), s.name.toLowerCase(), () => s);
    for (const ip of s.clusterIPs) if (ip !== 'None') push(byClusterIP, ip.toLowerCase(), s);
  }
  for (const sl of state.endpointSlices) {
    if (sl.serviceName !== undefined) {
      slices.getOrSet(sl.namespace.toLowerCase(), sl.serviceName.toLowerCase(), () => []).push(sl);
    }
    const seen = new Set<string>();
    for (const ep of sl.endpoints) {
      for (const a of ep.addresses) {
        const key = a.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        push(byAddress, key, sl);
      }
    }
  }
  for (const p of state.pods) {
    pods.getOrSet(p.namespace.toLowerCase(), p.name.toLowerCase(), () => p);
    if (p.podIP) push(byPodIP, p.podIP.toLowerCase(), p);
  }

  return {
    state,
    namespace: (name) => namespaces.get(name.toLowerCase()),
    service: (ns, name) => services.get(ns, name),
    slicesOf: (ns, name) => slices.get(ns, name) ?? NONE,
    servicesByClusterIP: (ip) => byClusterIP.get(ip.toLowerCase()) ?? NONE,
    slicesByAddress: (ip) => byAddress.get(ip.toLowerCase()) ?? NONE,
    podsByIP: (ip) => byPodIP.get(ip.toLowerCase()) ?? NONE,
    pod: (ns, name) => pods.get(ns, name),
  };
}
