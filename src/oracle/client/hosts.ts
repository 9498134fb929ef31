/**
 * The pod's /etc/hosts exactly as kubelet writes it (reference kubernetes-dns.md §3; kubelet
 * pkg/kubelet/kubelet_pods.go managedHostsFileContent, nodeHostsFileContent,
 * hostsEntriesFromHostAliases), and how a stub resolver reads it.
 */
import type { ClusterOptions } from '../../cluster/options.ts';
import type { HostAlias, Pod } from '../../cluster/types.ts';
import { podHostnameAndDomain } from './hostname.ts';

const MANAGED_HEADER = '# Kubernetes-managed hosts file.\n';
const HOST_NETWORK_HEADER = '# Kubernetes-managed hosts file (host network).\n';

/** kubelet managedHostsFileContent: the fixed loopback block (Kubernetes' own fe00:: lines). */
const LOOPBACK_BLOCK =
  '127.0.0.1\tlocalhost\n' +
  '::1\tlocalhost ip6-localhost ip6-loopback\n' +
  'fe00::0\tip6-localnet\n' +
  'fe00::0\tip6-mcastprefix\n' +
  'fe00::1\tip6-allnodes\n' +
  'fe00::2\tip6-allrouters\n';

/** kubelet hostsEntriesFromHostAliases: a blank line, a comment, one tab-joined line per alias entry. */
function hostAliasesBlock(aliases: HostAlias[]): string {
  if (aliases.length === 0) return '';
  return `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${a.hostnames.join('\t')}\n`).join('')}`;
}

/**
 * The file kubelet mounts at /etc/hosts, or undefined when kubelet does not manage it (the pod has
 * no IP yet). hostNetwork pods get the node's file (`nodeHostsFile`) under their own header.
 */
export function podHostsFile(pod: Pod, cluster: ClusterOptions, nodeHostsFile = ''): string | undefined {
  if (pod.podIPs.length === 0 && !pod.podIP) return undefined;
  if (pod.hostNetwork) return HOST_NETWORK_HEADER + nodeHostsFile + hostAliasesBlock(pod.hostAliases);
  const { hostname, domain } = podHostnameAndDomain(pod, cluster);
  const ips = pod.podIPs.length ? pod.podIPs : [pod.podIP as string];
  // One line per pod IP; with a subdomain the FQDN comes first, so `hostname -f` prints it.
  const podLines = ips.map((ip) =>
    domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`,
  );
  return MANAGED_HEADER + LOOPBACK_BLOCK + podLines.join('') + hostAliasesBlock(pod.hostAliases);
}

export interface HostsEntry {
  address: string;
  /** Canonical name first, then aliases. */
  names: string[];
}

/** hosts(5): `#` starts a comment; address then names, separated by blanks. */
export function parseHostsFile(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    const [address, ...names] = fields;
    if (address && names.length) entries.push({ address, names });
  }
  return entries;
}

export function isIPv6(address: string): boolean {
  return address.includes(':');
}

export interface HostsMatch {
  /** The first matching line's first name (glibc h_name / ai_canonname; musl canon). */
  canonical: string;
  addresses: string[];
}

/**
 * glibc nss_files (nss/nss_files/files-hosts.c): names compared case-insensitively with the canonical
 * name and every alias, no search list; every matching line of the family contributes its address.
 */
export function glibcHostsLookup(
  entries: HostsEntry[],
  name: string,
  family: 'inet' | 'inet6' | 'unspec',
): HostsMatch | undefined {
  const want = name.toLowerCase();
  const lines = entries.filter(
    (e) =>
      e.names.some((n) => n.toLowerCase() === want) &&
      (family === 'unspec' || (family === 'inet6') === isIPv6(e.address)),
  );
  const first = lines[0];
  if (!first) return undefined;
  return { canonical: first.names[0] as string, addresses: lines.map((e) => e.address) };
}
