/**
 * The fields of each supported kind that the model reads, with the types the API server would
 * insist on (Kubernetes API reference, core/v1 and discovery/v1 types.go). Fields not listed are
 * not checked: live objects carry many more, and they do not change what DNS answers.
 * `null` is accepted everywhere, as the API server reads it as "unset".
 */
import { parseCIDR, parseIP } from './ip.ts';

export type Check = (value: unknown) => string | undefined | Problem;

/** A problem deeper inside the value: `path` is relative to the value checked. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return 'a list';
  if (v && typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

export const str: Check = (v) =>
  typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`;

export const bool: Check = (v) =>
  typeof v === 'boolean' ? undefined : `expected true or false, got ${describe(v)}`;

export function int(min: number, max: number): Check {
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return `expected an integer, got ${describe(v)}`;
    if (v < min || v > max) return `must be between ${min} and ${max}, got ${v}`;
    return undefined;
  };
}

export const port = int(1, 65535);

/** intstr.IntOrString: a port number or an IANA_SVC_NAME. */
export const intOrString: Check = (v) =>
  typeof v === 'string' ? undefined : port(v) && `expected a port number or name, got ${describe(v)}`;

export function oneOf(...values: string[]): Check {
  return (v) =>
    typeof v === 'string' && values.includes(v)
      ? undefined
      : `expected one of ${values.join(', ')}, got ${describe(v)}`;
}

export const ip: Check = (v) =>
  typeof v !== 'string'
    ? `expected an IP address, got ${describe(v)}`
    : parseIP(v)
      ? undefined
      : `${JSON.stringify(v)} is not a valid IP address`;

export const cidr: Check = (v) =>
  typeof v !== 'string'
    ? `expected a CIDR, got ${describe(v)}`
    : parseCIDR(v)
      ? undefined
      : `${JSON.stringify(v)} is not a valid CIDR`;

/** Service spec.clusterIP(s): an IP, "None" (headless), or "" (allocate one). */
export const clusterIP: Check = (v) => (v === 'None' || v === '' ? undefined : ip(v));

export function listOf(item: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return `expected a list, got ${describe(v)}`;
    for (let i = 0; i < v.length; i++) {
      const p = sub(item, v[i], [i]);
      if (p) return p;
    }
    return undefined;
  };
}

export function mapOf(value: Check): Check {
  return (v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return `expected a mapping, got ${describe(v)}`;
    for (const [k, x] of Object.entries(v)) {
      const p = sub(value, x, [k]);
      if (p) return p;
    }
    return undefined;
  };
}

export function obj(fields: Record<string, Check>): Check {
  return (v) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return `expected a mapping, got ${describe(v)}`;
    const o = v as Record<string, unknown>;
    for (const [k, check] of Object.entries(fields)) {
      const p = sub(check, o[k], [k]);
      if (p) return p;
    }
    return undefined;
  };
}

function sub(check: Check, value: unknown, at: (string | number)[]): Problem | undefined {
  if (value === undefined || value === null) return undefined;
  const r = check(value);
  if (r === undefined) return undefined;
  return typeof r === 'string' ? { path: at, message: r } : { path: [...at, ...r.path], message: r.message };
}

/** Runs `check` on `value`; the problem's path is relative to `value`. */
export function validate(check: Check, value: unknown): Problem | undefined {
  return sub(check, value, []);
}

const protocol = oneOf('TCP', 'UDP', 'SCTP');
const labels = mapOf(str);

const metadata = obj({
  name: str,
  generateName: str,
  namespace: str,
  labels,
  annotations: labels,
  uid: str,
  deletionTimestamp: str,
});

const container = obj({
  name: str,
  ports: listOf(obj({ name: str, containerPort: port, protocol })),
  restartPolicy: str,
});

// core/v1 PodSpec: the fields kubelet's DNS setup, the EndpointSlice controller and CoreDNS read.
const podSpec = obj({
  hostname: str,
  subdomain: str,
  setHostnameAsFQDN: bool,
  hostNetwork: bool,
  dnsPolicy: oneOf('ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'),
  dnsConfig: obj({
    nameservers: listOf(ip),
    searches: listOf(str),
    options: listOf(obj({ name: str, value: str })),
  }),
  hostAliases: listOf(obj({ ip, hostnames: listOf(str) })),
  nodeName: str,
  containers: listOf(container),
  initContainers: listOf(container),
});

const template = obj({ metadata: obj({ labels, annotations: labels }), spec: podSpec });

const labelSelector = obj({
  matchLabels: labels,
  matchExpressions: listOf(obj({ key: str, operator: str, values: listOf(str) })),
});

const replicas = int(0, 1_000_000);

const endpointAddress = obj({
  ip,
  hostname: str,
  nodeName: str,
  targetRef: obj({ kind: str, name: str, namespace: str, uid: str }),
});

const endpointPort = obj({ name: str, port, protocol, appProtocol: str });

/** Per kind: the apiVersion the model understands and the fields it reads. */
export const KINDS: Record<string, { apiVersion: string; namespaced: boolean; check: Check }> = {
  Namespace: { apiVersion: 'v1', namespaced: false, check: obj({ metadata }) },
  Service: {
    apiVersion: 'v1',
    namespaced: true,
    check: obj({
      metadata,
      spec: obj({
        type: oneOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
        clusterIP,
        clusterIPs: listOf(clusterIP),
        ipFamilies: listOf(oneOf('IPv4', 'IPv6')),
        ipFamilyPolicy: oneOf('SingleStack', 'PreferDualStack', 'RequireDualStack'),
        externalName: str,
        externalIPs: listOf(ip),
        selector: labels,
        publishNotReadyAddresses: bool,
        ports: listOf(obj({ name: str, port, targetPort: intOrString, protocol, appProtocol: str })),
      }),
      status: obj({
        loadBalancer: obj({ ingress: listOf(obj({ ip, hostname: str })) }),
      }),
    }),
  },
  EndpointSlice: {
    apiVersion: 'discovery.k8s.io/v1',
    namespaced: true,
    check: obj({
      metadata,
      addressType: oneOf('IPv4', 'IPv6', 'FQDN'),
      endpoints: listOf(
        obj({
          addresses: listOf(str),
          conditions: obj({ ready: bool, serving: bool, terminating: bool }),
          hostname: str,
          nodeName: str,
          zone: str,
          targetRef: obj({ kind: str, name: str, namespace: str, uid: str }),
        }),
      ),
      ports: listOf(obj({ name: str, port: int(0, 65535), protocol, appProtocol: str })),
    }),
  },
  Endpoints: {
    apiVersion: 'v1',
    namespaced: true,
    check: obj({
      metadata,
      subsets: listOf(
        obj({
          addresses: listOf(endpointAddress),
          notReadyAddresses: listOf(endpointAddress),
          ports: listOf(endpointPort),
        }),
      ),
    }),
  },
  Pod: {
    apiVersion: 'v1',
    namespaced: true,
    check: obj({
      metadata,
      spec: podSpec,
      status: obj({
        phase: oneOf('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'),
        podIP: ip,
        podIPs: listOf(obj({ ip })),
        hostIP: ip,
        conditions: listOf(obj({ type: str, status: oneOf('True', 'False', 'Unknown') })),
      }),
    }),
  },
  StatefulSet: {
    apiVersion: 'apps/v1',
    namespaced: true,
    check: obj({
      metadata,
      spec: obj({
        replicas,
        serviceName: str,
        selector: labelSelector,
        podManagementPolicy: oneOf('OrderedReady', 'Parallel'),
        ordinals: obj({ start: replicas }),
        template,
      }),
    }),
  },
  Deployment: {
    apiVersion: 'apps/v1',
    namespaced: true,
    check: obj({ metadata, spec: obj({ replicas, selector: labelSelector, template }) }),
  },
  ReplicaSet: {
    apiVersion: 'apps/v1',
    namespaced: true,
    check: obj({ metadata, spec: obj({ replicas, selector: labelSelector, template }) }),
  },
  Job: {
    apiVersion: 'batch/v1',
    namespaced: true,
    check: obj({
      metadata,
      spec: obj({
        parallelism: replicas,
        completions: replicas,
        completionMode: oneOf('NonIndexed', 'Indexed'),
        selector: labelSelector,
        template,
      }),
    }),
  },
};

/** RFC 1123 label: what namespace names, hostnames and subdomains must be (apimachinery validation). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain (≤253 chars): names of most objects, pods included. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1035 label: Service names (apimachinery ValidateServiceName / IsDNS1035Label). */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
