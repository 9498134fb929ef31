/**
 * What every fresh kind cluster holds before any manifest is applied, as far as DNS can see it:
 * the four system namespaces, the `kubernetes` Service with its API-server EndpointSlice, and
 * kubeadm's `kube-dns` Service. Reference: kubernetes-dns.md §8.
 * CoreDNS's own pods (10.244.0.2/3 in kind) are not modelled: the local backend runs CoreDNS
 * outside the cluster, so kube-dns's slice is the controller's placeholder.
 */
import type { Network } from './allocation.ts';
import { apiServiceIP } from './allocation.ts';
import { LABEL_SERVICE_NAME } from './endpointslices.ts';
import { type Address, familyName, formatIP, nthAddress, parseCIDR } from './ip.ts';
import type { ClusterOptions } from './options.ts';
import type { RawEndpointSlice, RawService } from './raw.ts';
import type { KubeObject } from './types.ts';

/** kubeadm/kubelet create these (kube-node-lease since 1.14, kube-public by kubeadm bootstrap). */
export const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    // The API server adds this label to every namespace (NamespaceDefaultLabelName, 1.21+).
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/**
 * The `kubernetes` Service: ClusterIP = first address of the service range, port https 443 →
 * 6443, no selector (pkg/controlplane/controller/kubernetesservice; labels component=apiserver,
 * provider=kubernetes).
 */
export function kubernetesService(net: Network): RawService {
  const ip = formatIP(apiServiceIP(net));
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: ip,
      clusterIPs: [ip],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  };
}

/**
 * The API server's address as kind's control-plane node: 172.18.0.2 (or its IPv6 counterpart on
 * kind's fixed ULA network fc00:f853:ccd:e793::/64), port 6443.
 */
export function apiServerAddress(net: Network): Address {
  const family = net.families[0]!;
  return nthAddress(parseCIDR(family === 4 ? '172.18.0.0/16' : 'fc00:f853:ccd:e793::/64')!, 2n);
}

/**
 * The API server writes the `kubernetes` slice itself: named `kubernetes`, only the service-name
 * label, one ready endpoint per API server, port https 6443 (pkg/controlplane/reconcilers
 * endpointsadapter.go endpointSliceFromEndpoints).
 */
export function kubernetesSlice(net: Network): RawEndpointSlice {
  const a = apiServerAddress(net);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [LABEL_SERVICE_NAME]: 'kubernetes' } },
    addressType: familyName(a.family),
    endpoints: [{ addresses: [formatIP(a)], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
  };
}

/**
 * kubeadm's kube-dns Service (cmd/kubeadm/app/phases/addons/dns/manifests.go): ClusterIP =
 * kubelet clusterDNS, ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP, selector k8s-app=kube-dns.
 */
export function kubeDnsService(options: ClusterOptions): RawService {
  const ips = options.clusterDNS;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: {
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: ips[0],
      clusterIPs: [...ips],
      ipFamilyPolicy: ips.length > 1 ? 'RequireDualStack' : 'SingleStack',
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  };
}
