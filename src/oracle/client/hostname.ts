/**
 * The pod's hostname as its processes see it (reference kubernetes-dns.md §4; kubelet
 * pkg/kubelet/kubelet_pods.go GeneratePodHostNameAndDomain, pkg/kubelet/util/util.go
 * GetNodenameForKernel, kuberuntime_sandbox.go generatePodSandboxConfig).
 */
import type { ClusterOptions } from '../../cluster/options.ts';
import type { Pod } from '../../cluster/types.ts';

/** kubelet truncatePodHostnameIfNeeded: a hostname is at most 63 characters. */
export const MAX_HOSTNAME = 63;
/** kubelet GetNodenameForKernel: the kernel nodename field holds 64 characters. */
export const MAX_KERNEL_FQDN = 64;

export interface PodHostname {
  /** Short hostname kubelet derives (also the /etc/hosts pod line's last name). */
  hostname: string;
  /** `<subdomain>.<ns>.svc.<clusterDomain>` when spec.subdomain is set. */
  domain: string | undefined;
  /** What `hostname` prints: the kernel (UTS) hostname. */
  kernelHostname: string;
  /** What `hostname -f` prints. */
  fqdn: string;
  /** Set when kubelet cannot create the sandbox (the pod stays ContainerCreating). */
  error?: string;
  explain: string[];
}

/** kubelet truncatePodHostnameIfNeeded: cut to 63, then strip trailing `-` and `.`. */
function truncateHostname(hostname: string): string {
  if (hostname.length <= MAX_HOSTNAME) return hostname;
  return hostname.slice(0, MAX_HOSTNAME).replace(/[-.]+$/, '');
}

/** kubelet GeneratePodHostNameAndDomain: spec.hostname or the pod name; domain from spec.subdomain. */
export function podHostnameAndDomain(
  pod: Pod,
  cluster: ClusterOptions,
): { hostname: string; domain?: string } {
  const hostname = truncateHostname(pod.hostname || pod.name);
  if (!pod.subdomain) return { hostname };
  return { hostname, domain: `${pod.subdomain}.${pod.namespace}.svc.${cluster.clusterDomain}` };
}

/**
 * The pod's view of its own name. hostNetwork pods keep the node's UTS namespace, so they see the
 * node's hostname (`nodeHostname`, e.g. the kind node container name) and spec.hostname is ignored.
 */
export function podHostname(
  pod: Pod,
  cluster: ClusterOptions,
  nodeHostname = pod.nodeName ?? '',
): PodHostname {
  const { hostname, domain } = podHostnameAndDomain(pod, cluster);
  const explain = [
    `hostname ${hostname}${domain ? `, domain ${domain}` : ''} — kubelet kubelet_pods.go GeneratePodHostNameAndDomain`,
  ];
  if (pod.hostNetwork) {
    explain.push(
      "hostNetwork: the node's UTS hostname is kept — kubelet kuberuntime_sandbox.go generatePodSandboxConfig",
    );
    return { hostname, domain, kernelHostname: nodeHostname, fqdn: nodeHostname, explain };
  }
  // `hostname -f` resolves the short name through /etc/hosts: the pod line's first name (hosts.ts).
  const fqdn = domain ? `${hostname}.${domain}` : hostname;
  if (domain && pod.setHostnameAsFQDN) {
    if (fqdn.length > MAX_KERNEL_FQDN) {
      const error = `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${MAX_KERNEL_FQDN} characters is the max, ${fqdn.length} characters requested)`;
      explain.push(`${error} — kubelet util.go GetNodenameForKernel`);
      return { hostname, domain, kernelHostname: '', fqdn: '', error, explain };
    }
    explain.push('setHostnameAsFQDN: the kernel hostname is the FQDN — kubelet util.go GetNodenameForKernel');
    return { hostname, domain, kernelHostname: fqdn, fqdn, explain };
  }
  return { hostname, domain, kernelHostname: hostname, fqdn, explain };
}
