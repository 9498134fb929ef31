/**
 * The live state the oracle predicts from: every Namespace, Service, EndpointSlice and Pod the
 * cluster holds (CoreDNS's kubernetes plugin watches all of them, so the oracle sees all of them
 * too), plus CoreDNS's ConfigMap and Deployment (Corefile in force, version). Objects come back
 * as the API serves them, minus managedFields (bookkeeping that only makes runs larger), and
 * through the namespace mapping (namespaces.ts).
 */
import type { KubeObject } from '../../cluster/types.ts';
import type { KubeClient } from './client.ts';
import { COREDNS_CONFIGMAP, COREDNS_DEPLOYMENT, COREDNS_NAMESPACE } from './coredns.ts';
import type { NamespaceMapping } from './namespaces.ts';

const LISTED: [apiVersion: string, kind: string][] = [
  ['v1', 'Namespace'],
  ['v1', 'Service'],
  ['discovery.k8s.io/v1', 'EndpointSlice'],
  ['v1', 'Pod'],
];

function trimmed(o: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = o.metadata;
  return { ...o, metadata };
}

export async function readLiveObjects(client: KubeClient, mapping: NamespaceMapping): Promise<KubeObject[]> {
  const objects: KubeObject[] = [];
  for (const [apiVersion, kind] of LISTED) objects.push(...(await client.list(apiVersion, kind)));
  for (const [apiVersion, kind, name] of [
    ['v1', 'ConfigMap', COREDNS_CONFIGMAP],
    ['apps/v1', 'Deployment', COREDNS_DEPLOYMENT],
  ] as const) {
    const o = await client.find(
      await client.objectPath({ apiVersion, kind, metadata: { name, namespace: COREDNS_NAMESPACE } }),
    );
    if (o) objects.push({ ...o, apiVersion, kind });
  }
  return objects.flatMap((o) => {
    const view = mapping.objectFromCluster(trimmed(o));
    return view ? [view] : [];
  });
}
