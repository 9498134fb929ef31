/** Helpers for the cluster tests: manifests in, materialised objects out, looked up by kind/name. */
import { materialise } from './controlplane.ts';
import { loadObjects } from './load.ts';
import { type ClusterOptions, KIND_DEFAULTS } from './options.ts';
import type { RawEndpointSlice, RawPod, RawService } from './raw.ts';
import type { KubeObject } from './types.ts';

export const DUAL: ClusterOptions = {
  ...KIND_DEFAULTS,
  ipFamily: 'dual',
  // kind v1alpha4 default.go: dual-stack = both ranges, IPv4 first.
  serviceSubnets: ['10.96.0.0/16', 'fd00:10:96::/112'],
  podSubnets: ['10.244.0.0/16', 'fd00:10:244::/56'],
};

export const IPV6: ClusterOptions = {
  ...KIND_DEFAULTS,
  ipFamily: 'ipv6',
  serviceSubnets: ['fd00:10:96::/112'],
  podSubnets: ['fd00:10:244::/56'],
  // kubeadm GetDNSIP: the 10th address of the service range.
  clusterDNS: ['fd00:10:96::a'],
};

export class Cluster {
  constructor(readonly objects: KubeObject[]) {}

  static of(yaml: string, options: ClusterOptions = KIND_DEFAULTS): Cluster {
    return new Cluster(materialise(loadObjects(yaml, 'm.yaml').objects, options));
  }

  find(kind: string, name: string, namespace = 'default'): KubeObject | undefined {
    return this.objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (kind === 'Namespace' || o.metadata.namespace === namespace),
    );
  }

  service(name: string, namespace = 'default'): RawService {
    const s = this.find('Service', name, namespace);
    if (!s) throw new Error(`no Service ${namespace}/${name}`);
    return s as RawService;
  }

  pod(name: string, namespace = 'default'): RawPod {
    const p = this.find('Pod', name, namespace);
    if (!p) throw new Error(`no Pod ${namespace}/${name}`);
    return p as RawPod;
  }

  pods(namespace = 'default'): RawPod[] {
    return this.objects.filter((o) => o.kind === 'Pod' && o.metadata.namespace === namespace) as RawPod[];
  }

  /** Slices labelled for the Service, as CoreDNS finds them. */
  slices(service: string, namespace = 'default'): RawEndpointSlice[] {
    return this.objects.filter(
      (o) =>
        o.kind === 'EndpointSlice' &&
        o.metadata.namespace === namespace &&
        o.metadata.labels?.['kubernetes.io/service-name'] === service,
    ) as RawEndpointSlice[];
  }

  /** Every endpoint address of the Service's slices, with its ready condition and hostname. */
  endpoints(service: string, namespace = 'default') {
    return this.slices(service, namespace).flatMap((s) =>
      (s.endpoints ?? []).map((e) => ({
        address: e.addresses[0],
        ready: e.conditions?.ready,
        serving: e.conditions?.serving,
        terminating: e.conditions?.terminating,
        hostname: e.hostname,
        pod: e.targetRef?.name,
      })),
    );
  }
}

export function pod(name: string, labels: Record<string, string>, extra = ''): string {
  const l = Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {${l}}}\n${extra}\n`;
}
