/**
 * Kubernetes objects as the DNS model needs them. Two forms:
 * - `KubeObject`: an object exactly as the API serves it (or as written in a manifest). The local
 *   backend's API endpoint serves these; runs store them; `--objects` files contain them.
 * - `ClusterState`: the normalised, indexed view the oracle reads (built by `cluster/state.ts`).
 */

/** Any Kubernetes object, untyped beyond its identity. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** Where an object came from, for error messages (`file:line`). */
export interface ObjectSource {
  file: string;
  line: number;
}

export type IPFamily = 'IPv4' | 'IPv6';
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Namespace {
  name: string;
  labels: Record<string, string>;
}

export interface ServicePort {
  /** "" when unnamed. */
  name: string;
  port: number;
  protocol: Protocol;
  targetPort: number | string;
}

export interface Service {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** `spec.clusterIPs` (fallback `[clusterIP]`); `['None']` for headless; `[]` for ExternalName. */
  clusterIPs: string[];
  headless: boolean;
  externalName: string | undefined;
  ports: ServicePort[];
  /** null when the Service has no selector (endpoints are then written by hand). */
  selector: Record<string, string> | null;
  publishNotReadyAddresses: boolean;
  ipFamilies: IPFamily[];
  externalIPs: string[];
  /** LoadBalancer status ingress: an IP or a hostname each. */
  ingress: { ip?: string; hostname?: string }[];
}

export interface EndpointConditions {
  /** nil is read as ready by consumers (CoreDNS object/endpoint.go). */
  ready: boolean | undefined;
  serving: boolean | undefined;
  terminating: boolean | undefined;
}

export interface Endpoint {
  addresses: string[];
  hostname: string | undefined;
  conditions: EndpointConditions;
  targetRef: { kind: string; name: string; namespace: string } | undefined;
  nodeName: string | undefined;
  zone: string | undefined;
}

export interface EndpointSlicePort {
  /** "" when nil. */
  name: string;
  /** -1 when nil (CoreDNS's sentinel). */
  port: number;
  /** "" when nil. */
  protocol: string;
}

export interface EndpointSlice {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Label `kubernetes.io/service-name`; a slice without it belongs to no service. */
  serviceName: string | undefined;
  addressType: IPFamily | 'FQDN';
  ports: EndpointSlicePort[];
  endpoints: Endpoint[];
}

export interface PodDNSConfig {
  nameservers: string[];
  searches: string[];
  options: { name: string; value?: string }[];
}

export interface HostAlias {
  ip: string;
  hostnames: string[];
}

export type DNSPolicy = 'ClusterFirst' | 'ClusterFirstWithHostNet' | 'Default' | 'None';

export interface ContainerPort {
  name: string;
  containerPort: number;
  protocol: Protocol;
}

export interface Pod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  hostname: string | undefined;
  subdomain: string | undefined;
  setHostnameAsFQDN: boolean;
  /** `status.podIP` (primary). */
  podIP: string | undefined;
  /** `status.podIPs`, primary first. */
  podIPs: string[];
  phase: string;
  /** Pod condition Ready. */
  ready: boolean;
  deletionTimestamp: string | undefined;
  hostNetwork: boolean;
  dnsPolicy: DNSPolicy;
  dnsConfig: PodDNSConfig | undefined;
  hostAliases: HostAlias[];
  nodeName: string | undefined;
  /** Container ports (regular and restartable init containers), for named targetPorts. */
  ports: ContainerPort[];
}

/** The normalised cluster the oracle predicts from. Build it with `buildState` (cluster/state.ts). */
export interface ClusterState {
  namespaces: Namespace[];
  services: Service[];
  endpointSlices: EndpointSlice[];
  pods: Pod[];
}

/**
 * Fast, case-insensitive lookups over a ClusterState, shaped after the indexes CoreDNS's
 * kubernetes plugin keeps (plugin/kubernetes/controller.go). Implemented in cluster/state.ts.
 */
export interface ClusterIndex {
  readonly state: ClusterState;
  namespace(name: string): Namespace | undefined;
  service(namespace: string, name: string): Service | undefined;
  /** Slices labelled `kubernetes.io/service-name=<name>` in that namespace. */
  slicesOf(namespace: string, serviceName: string): EndpointSlice[];
  /** Services with `ip` among their clusterIPs. */
  servicesByClusterIP(ip: string): Service[];
  /** Slices holding an endpoint with address `ip`. */
  slicesByAddress(ip: string): EndpointSlice[];
  /** Pods whose `status.podIP` equals `ip` (string compare). */
  podsByIP(ip: string): Pod[];
  pod(namespace: string, name: string): Pod | undefined;
}
