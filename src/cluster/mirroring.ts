/**
 * The EndpointSlice mirroring controller: hand-written Endpoints of selector-less Services
 * become EndpointSlices (kubernetes pkg/controller/endpointslicemirroring: reconciler.go,
 * reconciler_helpers.go, utils.go). Reference: kubernetes-dns.md §5.6.
 */

import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from './endpointslices.ts';
import { canonicalIP, parseIP } from './ip.ts';
import type { NameRegistry } from './names.ts';
import {
  controllerRef,
  ensureUid,
  nameOf,
  namespaceOf,
  type RawEndpoint,
  type RawEndpointAddress,
  type RawEndpointPort,
  type RawEndpointSlice,
  type RawEndpoints,
  type RawService,
} from './raw.ts';
import { childPrefix } from './workloads.ts';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
/** discovery/v1 LabelSkipMirror: Endpoints labelled "true" are not mirrored. */
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
/** kube-controller-manager --mirroring-max-endpoints-per-subset default. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;
/** client-go resourcelock LeaderElectionRecordAnnotationKey: leader-election Endpoints are not mirrored. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
/** core/v1 LastAppliedConfigAnnotation and EndpointsLastChangeTriggerTime: not copied to slices. */
const UNCOPIED_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'endpoints.kubernetes.io/last-change-trigger-time',
];

/**
 * endpointslicemirroring_controller.go syncEndpoints: mirror only when the Service exists, has no
 * selector, and the Endpoints are neither skip-mirror nor a leader-election record.
 */
export function shouldMirror(ep: RawEndpoints, svc: RawService | undefined): boolean {
  if (!svc) return false;
  if (Object.keys(svc.spec?.selector ?? {}).length > 0) return false;
  if (ep.metadata.labels?.[LABEL_SKIP_MIRROR] === 'true') return false;
  return ep.metadata.annotations?.[LEADER_ANNOTATION] === undefined;
}

/** utils.go addressToEndpoint: one address (re-stringified), ready as given, hostname/nodeName/targetRef copied. */
function addressToEndpoint(a: RawEndpointAddress, ready: boolean): RawEndpoint {
  const ep: RawEndpoint = { addresses: [canonicalIP(a.ip)!], conditions: { ready } };
  if (a.hostname) ep.hostname = a.hostname;
  if (a.nodeName) ep.nodeName = a.nodeName;
  if (a.targetRef) ep.targetRef = a.targetRef;
  return ep;
}

/** utils.go epPortsToEpsPorts: name, port, protocol (and appProtocol) copied. */
function slicePorts(ports: RawEndpointPort[]): RawEndpointPort[] {
  return ports.map((p) => {
    const out: RawEndpointPort = { name: p.name ?? '', port: p.port ?? 0, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
    return out;
  });
}

/** utils.go newEndpointSlice: the Endpoints' labels and annotations, owned by the Endpoints. */
function newSlice(
  ep: RawEndpoints,
  family: 'IPv4' | 'IPv6',
  ports: RawEndpointPort[],
  endpoints: RawEndpoint[],
  names: NameRegistry,
): RawEndpointSlice {
  const ns = namespaceOf(ep);
  const labels = {
    ...ep.metadata.labels,
    [LABEL_SERVICE_NAME]: nameOf(ep),
    [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME,
  };
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata.annotations ?? {})) {
    if (!UNCOPIED_ANNOTATIONS.includes(k)) annotations[k] = v;
  }
  const generateName = childPrefix(nameOf(ep));
  const metadata: RawEndpointSlice['metadata'] = {
    name: names.generate(
      'EndpointSlice',
      ns,
      generateName,
      `${ns}/${nameOf(ep)}/mirror/${family}/${JSON.stringify(ports)}`,
    ),
    generateName,
    namespace: ns,
    labels,
  };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  metadata.ownerReferences = [controllerRef(ep)];
  const slice: RawEndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata,
    addressType: family,
    endpoints,
    ports: ports.length ? ports : null,
  };
  ensureUid(slice);
  return slice;
}

/**
 * reconciler.go reconcile: subsets with equal ports share a slice per address family; `addresses`
 * become ready=true endpoints, `notReadyAddresses` ready=false; at most 1000 addresses of a
 * subset are mirrored; a key with no addresses gets no slice (no placeholder here).
 */
export function mirrorEndpoints(ep: RawEndpoints, names: NameRegistry): RawEndpointSlice[] {
  const groups = new Map<
    string,
    { family: 'IPv4' | 'IPv6'; ports: RawEndpointPort[]; endpoints: RawEndpoint[] }
  >();
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports ?? []);
    const portKey = ports
      .map((p) => JSON.stringify(p))
      .sort()
      .join(',');
    let added = 0;
    const add = (a: RawEndpointAddress, ready: boolean) => {
      if (added >= MAX_ENDPOINTS_PER_SUBSET) return;
      const ip = parseIP(a.ip);
      if (!ip) return; // skipped with an event by the controller; load.ts already rejects these
      added++;
      const family = ip.family === 4 ? 'IPv4' : 'IPv6';
      const key = `${family}|${portKey}`;
      const g = groups.get(key) ?? { family, ports, endpoints: [] };
      groups.set(key, g);
      g.endpoints.push(addressToEndpoint(a, ready));
    };
    for (const a of subset.addresses ?? []) add(a, true);
    for (const a of subset.notReadyAddresses ?? []) add(a, false);
  }
  const out: RawEndpointSlice[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SUBSET) {
      out.push(newSlice(ep, g.family, g.ports, g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SUBSET), names));
    }
  }
  return out;
}

/** Mirrored slices for all Endpoints that qualify and are not mirrored already (a live dump). */
export function mirroredSlices(
  endpoints: RawEndpoints[],
  services: RawService[],
  existing: RawEndpointSlice[],
  names: NameRegistry,
): RawEndpointSlice[] {
  const svcByKey = new Map(services.map((s) => [`${namespaceOf(s)}/${nameOf(s)}`, s]));
  const mirrored = new Set<string>();
  for (const s of existing) {
    if (s.metadata.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME) {
      mirrored.add(`${namespaceOf(s)}/${s.metadata.labels[LABEL_SERVICE_NAME]}`);
    }
  }
  const out: RawEndpointSlice[] = [];
  for (const ep of endpoints) {
    const key = `${namespaceOf(ep)}/${nameOf(ep)}`;
    if (mirrored.has(key) || !shouldMirror(ep, svcByKey.get(key))) continue;
    out.push(...mirrorEndpoints(ep, names));
  }
  return out;
}
