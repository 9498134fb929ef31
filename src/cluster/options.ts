/**
 * Cluster-wide settings that shape DNS: the domain, the address ranges the control plane allocates
 * from, and the node's own resolv.conf (what kubelet merges into ClusterFirst pods and hands to
 * Default pods). Defaults are kind's (kind pkg/apis/config/v1alpha4/default.go, kubeadm GetDNSIP).
 */
export interface ClusterOptions {
  /** kubelet clusterDomain / kubeadm networking.dnsDomain. */
  clusterDomain: string;
  ipFamily: 'ipv4' | 'ipv6' | 'dual';
  /** One CIDR per family, primary family first. */
  serviceSubnets: string[];
  podSubnets: string[];
  /** kubelet clusterDNS: the kube-dns Service IP(s); kubeadm takes the 10th IP of the first service subnet. */
  clusterDNS: string[];
  /** The node's resolv.conf as kubelet reads it (kind: `dnsSearch: []` gives no search line). */
  nodeResolvConf: {
    nameservers: string[];
    search: string[];
    options: string[];
  };
}

export const KIND_DEFAULTS: ClusterOptions = {
  clusterDomain: 'cluster.local',
  ipFamily: 'ipv4',
  serviceSubnets: ['10.96.0.0/16'],
  podSubnets: ['10.244.0.0/16'],
  clusterDNS: ['10.96.0.10'],
  nodeResolvConf: { nameservers: ['172.18.0.1'], search: [], options: ['ndots:0'] },
};
