/**
 * The kind cluster config (kind.x-k8s.io/v1alpha4, kind pkg/apis/config/v1alpha4/types.go) for a
 * scenario's ClusterOptions, and the cluster name derived from it: equal options give the same
 * name, so a cluster is reused across scenarios and Corefile variants (and across runs with --keep).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { formatIP, nthAddress, parseCIDR } from '../../cluster/ip.ts';
import type { ClusterOptions } from '../../cluster/options.ts';
import { InputError } from '../../errors.ts';

/** kind v0.32.0 pkg/apis/config/defaults/image.go. */
export const DEFAULT_NODE_IMAGE =
  'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

/** kubeadm GetDNSIP: the 10th address of the first service subnet is kubelet's clusterDNS. */
export function kubeadmDNSIP(serviceSubnet: string): string | undefined {
  const cidr = parseCIDR(serviceSubnet);
  return cidr ? formatIP(nthAddress(cidr, 10n)) : undefined;
}

/**
 * What kind can express of ClusterOptions. The cluster domain goes through a kubeadm patch
 * (kind#1466; kubeadm hands it on to kubelet's clusterDomain and the Corefile); `dnsSearch`
 * gives nodes the search list the options name, `[]` by default, so the CI host's search domains
 * do not leak into pods (kind#3097). Node nameservers and options are Docker's and cannot be set.
 */
export function kindConfig(options: ClusterOptions, nodeImage: string): Record<string, unknown> {
  const first = options.serviceSubnets[0];
  if (!first)
    throw new InputError('cluster options: at least one service subnet is needed', {
      file: 'cluster options',
    });
  const dnsIP = kubeadmDNSIP(first);
  if (options.clusterDNS[0] !== undefined && options.clusterDNS[0] !== dnsIP) {
    throw new InputError(
      `the kind backend cannot use clusterDNS ${options.clusterDNS[0]}: kubeadm gives kube-dns the 10th address of the service subnet (${dnsIP}); drop clusterDNS or change serviceSubnets`,
      { file: 'cluster options' },
    );
  }
  const config: Record<string, unknown> = {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    networking: {
      ipFamily: options.ipFamily,
      podSubnet: options.podSubnets.join(','),
      serviceSubnet: options.serviceSubnets.join(','),
      dnsSearch: [...options.nodeResolvConf.search],
    },
    kubeadmConfigPatches: [
      stringify({ kind: 'ClusterConfiguration', networking: { dnsDomain: options.clusterDomain } }),
    ],
    nodes: [{ role: 'control-plane', image: nodeImage }],
  };
  return config;
}

export function kindConfigYAML(options: ClusterOptions, nodeImage: string): string {
  return stringify(kindConfig(options, nodeImage));
}

/** `dnsconform-<12 hex of sha256(config)>`: matches kind's `^[a-z0-9.-]+$`, and kubeconfig context `kind-<name>`. */
export function clusterName(configYAML: string): string {
  return `dnsconform-${createHash('sha256').update(configYAML).digest('hex').slice(0, 12)}`;
}

export const CLUSTER_NAME = /^dnsconform-[0-9a-f]{12}$/;

/** The context names `kind create cluster --name dnsconform-<hash>` gives (kind prefixes `kind-`). */
export function isDnsconformContext(context: string): boolean {
  return context.startsWith('kind-') && CLUSTER_NAME.test(context.slice('kind-'.length));
}
