/**
 * "Namespace exposed" (reference coredns-kubernetes.md §5.1; CoreDNS plugin/kubernetes/namespace.go):
 * listed by the `namespaces` option (or that option absent) AND present in the namespace cache
 * (which `namespace_labels` filters).
 */
import type { ClusterIndex } from '../../../cluster/types.ts';
import type { KubeCache } from './controller.ts';

/** configuredNamespace: the `namespaces` option lists it, or the option is not used. */
export function configuredNamespace(cache: KubeCache, namespace: string): boolean {
  const listed = cache.cfg.namespaces;
  return listed.size === 0 || listed.has(namespace);
}

/** namespaceExposed = configuredNamespace ∧ filteredNamespaceExists. */
export function namespaceExposed(cache: KubeCache, state: ClusterIndex, namespace: string): boolean {
  return configuredNamespace(cache, namespace) && cache.namespaceExists(state, namespace);
}
