/**
 * The control-plane model: from manifests to the objects a kind cluster's API server would hold
 * once its controllers have settled — as `kubectl get -o json` shows them. Deterministic (same
 * input → same output) and idempotent (its own output, or a live dump, passes through unchanged).
 *
 * The steps, in the order the real components act:
 * 1. baseline objects of a fresh kind cluster (baseline.ts),
 * 2. workload controllers create ReplicaSets and pods (workloads.ts),
 * 3. scheduler + kubelet give pods a node, addresses and a status (pods.ts, allocation.ts),
 * 4. the API server defaults Services and allocates ClusterIPs (services.ts, allocation.ts),
 * 5. the EndpointSlice controller and the mirroring controller write slices
 *    (endpointslices.ts, mirroring.ts).
 */
import { clusterNetwork, PodIPAllocator, ServiceIPAllocator } from './allocation.ts';
import {
  kubeDnsService,
  kubernetesService,
  kubernetesSlice,
  namespaceObject,
  SYSTEM_NAMESPACES,
} from './baseline.ts';
import { controllerSlices } from './endpointslices.ts';
import { inheritSource } from './load.ts';
import { mirroredSlices } from './mirroring.ts';
import { NameRegistry } from './names.ts';
import type { ClusterOptions } from './options.ts';
import { completePods } from './pods.ts';
import { ensureUid, type RawEndpointSlice, type RawEndpoints, type RawPod, type RawService } from './raw.ts';
import { KINDS } from './schema.ts';
import { completeServices } from './services.ts';
import type { KubeObject } from './types.ts';
import { expandWorkloads } from './workloads.ts';

function ofKind<T extends KubeObject>(objects: KubeObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** Namespace, name (from generateName) and uid, as the API server sets them on create. */
function identify(objects: KubeObject[], names: NameRegistry): void {
  for (const o of objects) {
    if (KINDS[o.kind]?.namespaced ?? true) o.metadata.namespace ??= 'default';
    if (o.metadata.name) names.add(o.kind, o.metadata.namespace ?? '', o.metadata.name);
  }
  for (const o of objects) {
    const ns = o.metadata.namespace ?? '';
    if (!o.metadata.name && o.kind !== 'Pod') {
      o.metadata.name = names.generate(
        o.kind,
        ns,
        o.metadata.generateName!,
        `${ns}/${o.kind}/${o.metadata.generateName}`,
      );
    }
    if (o.metadata.name) ensureUid(o);
  }
}

/**
 * Namespaces: the system ones, then every namespace an object uses but no manifest declares.
 * kubectl would refuse objects in a missing namespace; we create it instead, because object
 * dumps (`kubectl get svc,pods -A -o yaml`) routinely leave the Namespaces out although the
 * cluster they came from had them. Declared Namespaces get the label the API server adds.
 */
function namespaces(objects: KubeObject[], names: NameRegistry): KubeObject[] {
  const created: KubeObject[] = [];
  const ensure = (name: string) => {
    if (names.has('Namespace', '', name)) return;
    names.add('Namespace', '', name);
    created.push(namespaceObject(name));
  };
  for (const ns of SYSTEM_NAMESPACES) ensure(ns);
  for (const o of objects) {
    if (o.kind === 'Namespace') {
      // The API server labels every namespace with its name (NamespaceDefaultLabelName, 1.21+).
      o.metadata.labels = { 'kubernetes.io/metadata.name': o.metadata.name as string, ...o.metadata.labels };
    } else if (o.metadata.namespace) ensure(o.metadata.namespace);
  }
  for (const o of created) ensureUid(o);
  return created;
}

export function materialise(manifests: KubeObject[], options: ClusterOptions): KubeObject[] {
  const net = clusterNetwork(options);
  const input = manifests.map((o) => {
    const copy = structuredClone(o);
    inheritSource(copy, o);
    return copy;
  });
  const names = new NameRegistry();
  identify(input, names);

  // 1. baseline
  const baseline: KubeObject[] = [];
  if (!names.has('Service', 'default', 'kubernetes')) {
    baseline.push(kubernetesService(net));
    if (!names.has('EndpointSlice', 'default', 'kubernetes')) baseline.push(kubernetesSlice(net));
  }
  if (!names.has('Service', 'kube-system', 'kube-dns')) baseline.push(kubeDnsService(options));
  identify(baseline, names);

  // 2. workloads
  const generated = expandWorkloads(input, names);
  const all = [...baseline, ...input, ...generated];

  // 3. pods
  completePods(ofKind<RawPod>(all, 'Pod'), new PodIPAllocator(net), names);

  // 4. services
  const services = ofKind<RawService>(all, 'Service');
  completeServices(services, net, new ServiceIPAllocator(net));

  // 5. EndpointSlices
  const given = ofKind<RawEndpointSlice>(all, 'EndpointSlice');
  const slices = [
    ...controllerSlices(services, ofKind<RawPod>(all, 'Pod'), given, names),
    ...mirroredSlices(ofKind<RawEndpoints>(all, 'Endpoints'), services, given, names),
  ];

  return [...namespaces(all, names), ...all, ...slices];
}
