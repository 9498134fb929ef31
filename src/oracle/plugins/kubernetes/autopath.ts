/**
 * The search path autopath walks for a client (reference coredns-kubernetes.md §8.3; CoreDNS
 * plugin/kubernetes/autopath.go AutoPath): only for names in a kubernetes zone, only with
 * `pods verified`, and only when the client's address is some pod's `status.podIP` — then
 * `<pod ns>.svc.<zone>`, `svc.<zone>`, `<zone>`, CoreDNS's own resolv.conf search entries, and "".
 */
import type { ClusterIndex } from '../../../cluster/types.ts';
import { canonicalIP } from '../ip.ts';
import { matchZone } from './handler.ts';
import type { Kubernetes } from './services.ts';

/** AutoPath(state): the search path for a question from `clientIP`, or undefined for none. */
export function autoPathSearch(
  k: Kubernetes,
  qname: string,
  clientIP: string | undefined,
  state: ClusterIndex,
): string[] | undefined {
  const zone = matchZone(k.cfg.zones, qname.toLowerCase());
  if (zone === undefined || k.cfg.podMode !== 'verified' || clientIP === undefined) return undefined;
  // podWithIP: the first pod the informer indexes under the client's address.
  const ip = canonicalIP(clientIP) ?? clientIP;
  const pod = k.cache.podsByIP(state, ip)[0];
  if (!pod) return undefined;
  const head =
    zone === '.'
      ? [`${pod.namespace}.svc.`, 'svc.', '.']
      : [`${pod.namespace}.svc.${zone}`, `svc.${zone}`, zone];
  return [...head, ...k.cfg.resolvSearch, ''];
}

/** The namespace autopath would search first for this client (its pod's namespace), if any. */
export function clientNamespace(k: Kubernetes, clientIP: string, state: ClusterIndex): string | undefined {
  return k.cache.podsByIP(state, canonicalIP(clientIP) ?? clientIP)[0]?.namespace;
}
