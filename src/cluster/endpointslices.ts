/**
 * The EndpointSlice controller (kube-controller-manager), one rule per function, after
 * kubernetes/endpointslice (staging k8s.io/endpointslice) reconciler.go, utils.go and
 * util/controller_utils.go. Reference: /work/shared/reference/kubernetes-dns.md §5.1–§5.5.
 *
 * Deterministic where the controller is not: pods are taken in name order (the controller reads
 * them in informer order) and slices are filled in that order.
 */
import { type Family, familyName } from './ip.ts';
import type { NameRegistry } from './names.ts';
import { podIPOf } from './pods.ts';
import {
  controllerRef,
  ensureUid,
  nameOf,
  namespaceOf,
  type RawEndpoint,
  type RawEndpointPort,
  type RawEndpointSlice,
  type RawPod,
  type RawService,
  type RawServicePort,
} from './raw.ts';
import { childPrefix } from './workloads.ts';

/** discovery/v1 well_known_labels.go. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
/** core/v1 well_known_labels.go IsHeadlessService. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** kube-controller-manager --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** Pods of a namespace, indexed by `key=value` label pairs, for selector matching. */
export class PodIndex {
  private readonly byLabel = new Map<string, RawPod[]>();

  constructor(pods: RawPod[]) {
    const sorted = [...pods].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
    for (const pod of sorted) {
      for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
        const key = `${namespaceOf(pod)}\0${k}=${v}`;
        const list = this.byLabel.get(key);
        if (list) list.push(pod);
        else this.byLabel.set(key, [pod]);
      }
    }
  }

  /** Pods in `namespace` whose labels include every selector pair, in name order. */
  select(namespace: string, selector: Record<string, string>): RawPod[] {
    const pairs = Object.entries(selector);
    const first = pairs[0];
    if (!first) return [];
    const candidates = this.byLabel.get(`${namespace}\0${first[0]}=${first[1]}`) ?? [];
    return candidates.filter((p) => pairs.every(([k, v]) => p.metadata.labels?.[k] === v));
  }
}

/** util ShouldPodBeInEndpoints(pod, includeTerminating=true): skip terminal pods and pods without an IP. */
export function shouldPodBeInEndpoints(pod: RawPod): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return Boolean(pod.status?.podIP || pod.status?.podIPs?.length);
}

/** util IsPodReady: the Ready condition is "True". */
export function isPodReady(pod: RawPod): boolean {
  return pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
}

/** util ShouldSetHostname: spec.hostname set, spec.subdomain names this Service, same namespace. */
export function shouldSetHostname(pod: RawPod, svc: RawService): boolean {
  return (
    Boolean(pod.spec?.hostname) &&
    pod.spec?.subdomain === nameOf(svc) &&
    namespaceOf(pod) === namespaceOf(svc)
  );
}

/**
 * utils.go FindPort: a numeric targetPort is used as is; a named one is looked up among the
 * containers' ports with the same protocol, then among restartable (sidecar) init containers.
 */
export function findPort(pod: RawPod, sp: RawServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/**
 * utils.go getEndpointPorts: one entry per Service port the pod can serve (a pod lacking a named
 * port just omits it); a headless Service without ports gets none.
 */
export function endpointPorts(svc: RawService, pod: RawPod): RawEndpointPort[] {
  const out: RawEndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: RawEndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/**
 * utils.go podToEndpoint: serving = Ready; terminating = deletionTimestamp set;
 * ready = publishNotReadyAddresses || (serving && !terminating). Nodes carry no zone label in
 * kind, so `zone` stays unset. Undefined when the pod has no address of `family`.
 */
export function podToEndpoint(pod: RawPod, svc: RawService, family: Family): RawEndpoint | undefined {
  const address = podIPOf(pod, family);
  if (!address) return undefined;
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: RawEndpoint = { addresses: [address], conditions: { ready, serving, terminating } };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  ep.targetRef = {
    kind: 'Pod',
    namespace: namespaceOf(pod),
    name: nameOf(pod),
    uid: pod.metadata.uid as string,
  };
  return ep;
}

/**
 * utils.go setEndpointSliceLabels: the Service's labels minus the reserved ones, plus
 * service-name, managed-by, and the headless label when the Service has no ClusterIP.
 */
export function sliceLabels(svc: RawService): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) labels[k] = v;
  }
  const ip = svc.spec?.clusterIP;
  if (ip === 'None' || ip === '' || ip === undefined) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = nameOf(svc);
  labels[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return labels;
}

/**
 * utils.go newEndpointSlice: generateName `<service>-`, owned by the Service. Empty endpoint and
 * port lists are stored as null: both fields lack omitempty (discovery/v1 types.go) and the
 * API server's storage does not keep empty lists, so `kubectl get -o json` shows `null`.
 */
function newSlice(
  svc: RawService,
  family: Family,
  ports: RawEndpointPort[],
  endpoints: RawEndpoint[],
  names: NameRegistry,
): RawEndpointSlice {
  const ns = namespaceOf(svc);
  const generateName = childPrefix(nameOf(svc));
  const name = names.generate(
    'EndpointSlice',
    ns,
    generateName,
    `${ns}/${nameOf(svc)}/${family}/${stablePorts(ports)}`,
  );
  const slice: RawEndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name,
      generateName,
      namespace: ns,
      labels: sliceLabels(svc),
      ownerReferences: [controllerRef(svc)],
    },
    addressType: familyName(family),
    endpoints: endpoints.length ? endpoints : null,
    ports: ports.length ? ports : null,
  };
  ensureUid(slice);
  return slice;
}

/** util NewPortMapKey: pods are grouped by their port set, whatever the order of its entries. */
function stablePorts(ports: RawEndpointPort[]): string {
  return ports
    .map((p) => `${p.name}/${p.protocol}/${p.port}/${p.appProtocol ?? ''}`)
    .sort()
    .join(',');
}

/**
 * reconciler.go reconcile + reconcileByAddressType for a Service with a selector: one set of
 * slices per family in spec.ipFamilies; pods grouped by port set; at most 100 endpoints a slice;
 * a placeholder slice (no endpoints, no ports) for a family that would otherwise have none.
 */
export function serviceSlices(svc: RawService, selected: RawPod[], names: NameRegistry): RawEndpointSlice[] {
  const slices: RawEndpointSlice[] = [];
  for (const f of svc.spec?.ipFamilies ?? []) {
    const family: Family = f === 'IPv6' ? 6 : 4;
    const groups = new Map<string, { ports: RawEndpointPort[]; endpoints: RawEndpoint[] }>();
    for (const pod of selected) {
      if (!shouldPodBeInEndpoints(pod)) continue;
      const ports = endpointPorts(svc, pod);
      const key = stablePorts(ports);
      const group = groups.get(key) ?? { ports, endpoints: [] };
      groups.set(key, group);
      const ep = podToEndpoint(pod, svc, family);
      if (ep) group.endpoints.push(ep);
    }
    let made = 0;
    for (const { ports, endpoints } of groups.values()) {
      for (let i = 0; i < endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
        slices.push(newSlice(svc, family, ports, endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE), names));
        made++;
      }
    }
    if (made === 0) slices.push(newSlice(svc, family, [], [], names));
  }
  return slices;
}

/**
 * The controller's slices for every Service that has a selector and is not ExternalName
 * (§5.1; endpointslice_controller.go syncService skips `Selector == nil`, and an empty selector
 * map is not kept by the API server's storage, so `selector: {}` counts as none).
 * A Service whose controller slices are already present (a live dump) gets no more.
 */
export function controllerSlices(
  services: RawService[],
  pods: RawPod[],
  existing: RawEndpointSlice[],
  names: NameRegistry,
): RawEndpointSlice[] {
  const managed = new Set<string>();
  for (const s of existing) {
    if (s.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME) {
      managed.add(`${namespaceOf(s)}/${s.metadata.labels[LABEL_SERVICE_NAME]}`);
    }
  }
  const index = new PodIndex(pods);
  const out: RawEndpointSlice[] = [];
  for (const svc of services) {
    const selector = svc.spec?.selector;
    if (svc.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
    if (managed.has(`${namespaceOf(svc)}/${nameOf(svc)}`)) continue;
    out.push(...serviceSlices(svc, index.select(namespaceOf(svc), selector), names));
  }
  return out;
}
