/**
 * What CoreDNS's caches hold of the cluster (plugin/kubernetes/controller.go and
 * plugin/kubernetes/object/{service,endpoint,pod,namespace}.go, reference §1.1): objects filtered
 * by the `labels` / `namespace_labels` selectors the informers send to the API server, only ready
 * endpoints, pods only with `pods verified` and never in a terminal phase or terminating.
 */
import type { ClusterIndex, Endpoint, EndpointSlice, Pod, Service } from '../../../cluster/types.ts';
import type { VersionProfile } from '../../versions.ts';
import { matchesSelector } from './labels.ts';
import { PluginPanic } from './request.ts';
import type { KubernetesConfig } from './setup.ts';

const NO_SLICES: readonly EndpointSlice[] = Object.freeze([]);

export class KubeCache {
  constructor(
    readonly cfg: KubernetesConfig,
    readonly version: VersionProfile,
  ) {}

  /** GetNamespaceByName: the namespace informer lists only namespaces matching `namespace_labels`. */
  namespaceExists(state: ClusterIndex, name: string): boolean {
    const ns = state.namespace(name);
    if (!ns) return false;
    const sel = this.cfg.namespaceLabels;
    return !sel || matchesSelector(sel, ns.labels);
  }

  /** SvcIndex(<name>.<ns>): the service, if the `labels` selector lets it into the cache. */
  service(state: ClusterIndex, namespace: string, name: string): Service | undefined {
    const svc = state.service(namespace, name);
    return svc && this.serviceVisible(svc) ? svc : undefined;
  }

  serviceVisible(svc: Service): boolean {
    const sel = this.cfg.labels;
    return !sel || matchesSelector(sel, svc.labels);
  }

  sliceVisible(slice: EndpointSlice): boolean {
    const sel = this.cfg.labels;
    return !sel || matchesSelector(sel, slice.labels);
  }

  /**
   * The endpoint lister is touched. With `noendpoints` it is empty — or, before 1.11.0, nil, and
   * the call panics (fixed by 6d3db023).
   */
  private endpointLister(): boolean {
    if (this.cfg.endpoints) return true;
    if (this.version.noEndpointsPanics) {
      throw new PluginPanic(
        `noendpoints: the EndpointSlice lister is nil and CoreDNS ${this.version.version} panics on the lookup`,
      );
    }
    return false;
  }

  /** EpIndex(<name>.<ns>): slices labelled for the service, as the informer holds them. */
  slicesOf(state: ClusterIndex, namespace: string, name: string): readonly EndpointSlice[] {
    if (!this.endpointLister()) return NO_SLICES;
    const all = state.slicesOf(namespace, name);
    if (!this.cfg.labels) return all;
    return all.filter((s) => this.sliceVisible(s));
  }

  /** EpIndexReverse(ip): slices holding a ready endpoint address equal to `ip` (object.Endpoints.IndexIP). */
  slicesByAddress(state: ClusterIndex, ip: string): EndpointSlice[] {
    if (!this.endpointLister()) return [];
    const out: EndpointSlice[] = [];
    for (const s of state.slicesByAddress(ip)) {
      if (!this.sliceVisible(s)) continue;
      if (s.endpoints.some((e) => this.ready(e) && e.addresses.includes(ip))) out.push(s);
    }
    return out;
  }

  /**
   * object/endpoint.go endpointsliceReady: `conditions.ready` nil or true. CoreDNS 1.8.1–1.8.3
   * ignored the condition (fixed by ef53f372, 54093796 in 1.8.4).
   */
  ready(e: Endpoint): boolean {
    return this.version.servesNotReadyEndpoints || e.conditions.ready !== false;
  }

  /** The number of ready addresses over the slices (ignore empty_service). */
  readyAddressCount(slices: readonly EndpointSlice[]): number {
    let n = 0;
    for (const s of slices) for (const e of s.endpoints) if (this.ready(e)) n += e.addresses.length;
    return n;
  }

  /**
   * PodIndex(ip): pods the informer holds with that `status.podIP`. The informer only runs with
   * `pods verified`; its field selector drops Succeeded/Failed/Unknown pods and object/pod.go
   * skips pods with a deletionTimestamp.
   */
  podsByIP(state: ClusterIndex, ip: string): Pod[] {
    if (this.cfg.podMode !== 'verified') return [];
    const out: Pod[] = [];
    for (const p of state.podsByIP(ip)) {
      if (p.podIP !== ip || p.deletionTimestamp !== undefined) continue;
      if (p.phase === 'Succeeded' || p.phase === 'Failed' || p.phase === 'Unknown') continue;
      if (this.cfg.labels && !matchesSelector(this.cfg.labels, p.labels)) continue;
      out.push(p);
    }
    return out;
  }
}

/**
 * kubernetes.go endpointHostname: the DNS label of an endpoint address — its hostname, else (with
 * `endpoint_pod_names`) its pod name when shorter than 64 characters (since 1.8.6), else the IP
 * with `.`/`:` turned into `-` (an IPv6 form ending in `-` gets a `0` since 1.12.3).
 */
export function endpointHostname(
  e: Endpoint,
  ip: string,
  endpointPodNames: boolean,
  version: VersionProfile,
): string {
  if (e.hostname) return e.hostname;
  const pod = e.targetRef?.name;
  if (endpointPodNames && pod && (!version.longPodNamesIgnored || pod.length < 64)) return pod;
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  if (ip.includes(':')) {
    const dashed = ip.replaceAll(':', '-');
    return version.ipv6DashedLabelZeroFix && dashed.endsWith('-') ? `${dashed}0` : dashed;
  }
  return '';
}
