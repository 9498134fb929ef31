/**
 * Behaviour profile per CoreDNS version: what changed, when (reference coredns-kubernetes.md §10).
 * Each flag names the commit that changed the behaviour and the first release that carries it
 * (`git tag --contains <commit>` on github.com/coredns/coredns).
 */
import { InputError } from '../errors.ts';

export interface VersionProfile {
  /** e.g. "1.12.1". */
  version: string;

  // --- plugin/kubernetes ------------------------------------------------------------------------

  /** `*` and `any` are wildcards in the service, namespace, port and protocol labels (removed abaf9386, 1.9.0). */
  readonly wildcardQueries: boolean;
  /** Every `spec.clusterIPs` entry is served, not only `spec.clusterIP` (51c05679, 1.8.1). */
  readonly dualStackClusterIPs: boolean;
  /** ExternalName is checked before the endpoint/headless branch of findServices (272ccb19, 1.8.1). */
  readonly externalNameBeforeEndpoints: boolean;
  /** EndpointSlice conversion ignored `conditions.ready`: not-ready endpoints served (1.8.1–1.8.3; fixed ef53f372, 1.8.4). */
  readonly servesNotReadyEndpoints: boolean;
  /** An SOA question is answered with the SOA only at the zone apex (d6d8a997, 1.8.4). */
  readonly soaOnlyAtApex: boolean;
  /** AXFR/IXFR are refused by the kubernetes plugin (74ef6e00, 1.8.4). */
  readonly refusesZoneTransfers: boolean;
  /** Pod (targetRef) names of 64+ characters are not used as endpoint labels (5534625c, 1.8.6). */
  readonly longPodNamesIgnored: boolean;
  /**
   * ns.go nsAddrs falls back to `ns.dns.<zone>` + the local IPs only when no local IP is a ready
   * endpoint at all; before, whenever no address was collected (3fe9d41a, 1.9.1).
   */
  readonly nsFallbackOnlyWithoutEndpoint: boolean;
  /** The TC bit of a CNAME target's upstream reply is copied into the reply (66dc74ca, 1.9.1). */
  readonly cnameTargetTruncationPropagated: boolean;
  /** TXT for a name without data is NXDOMAIN, not NODATA (c3228615, 1.10.1). */
  readonly txtNameErrors: boolean;
  /** An ExternalName service does not answer names with an endpoint label below it (47c99dc7, 1.10.1). */
  readonly externalNameRejectsEndpoint: boolean;
  /** An ExternalName service does not answer `_port._proto.` names below it (5b5a6ac6, 1.11.0). */
  readonly externalNameRejectsPortProtocol: boolean;
  /** With `noendpoints`, any endpoint lookup dereferences a nil lister and panics → SERVFAIL (fixed 6d3db023, 1.11.0). */
  readonly noEndpointsPanics: boolean;
  /** Endpoint PTRs only for addresses with a `hostname` (f4f0d55d, 1.11.4; reverted 58d89991, 1.12.1). */
  readonly endpointPtrNeedsHostname: boolean;
  /** Longest CNAME chain followed inside the zone (plugin/backend_lookup.go maxCnameChainLength: 7 → 10 in 33d0d058, 1.12.1). */
  readonly maxCnameChainLength: number;
  /** A dashed IPv6 endpoint label ending in `-` gets a `0` appended (1025a199, 1.12.3). */
  readonly ipv6DashedLabelZeroFix: boolean;

  // --- plugin/kubernetes setup: options by release ---------------------------------------------

  /** `multicluster ZONES…` (5c71bd0b, 1.12.2). */
  readonly multiclusterOption: boolean;
  /** `startup_timeout D` (ab74d3ac, 1.12.3). */
  readonly startupTimeoutOption: boolean;
  /** `apiserver_qps`, `apiserver_burst`, `apiserver_max_inflight` (1.14.0). */
  readonly apiserverThrottleOptions: boolean;
  /** `zonal` (c2ca1b2c, 1.14.7). */
  readonly zonalOption: boolean;
}

/**
 * The CoreDNS of the newest kind release's default node image: kind v0.32.0 → kindest/node v1.36.1
 * → kubeadm 1.36 `CoreDNSVersion` v1.14.2 (cmd/kubeadm/app/constants/constants.go at v1.36.1).
 */
export const DEFAULT_COREDNS_VERSION = '1.14.2';

const OLDEST = [1, 8, 0] as const;
const NEWEST_MINOR = [1, 15] as const;

/** `1.12.1` (optionally `v1.12.1`) → [1, 12, 1]; undefined for anything else. */
function parse(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const profiles = new Map<string, VersionProfile>();

/**
 * The behaviour profile of a CoreDNS release from 1.8.0 to 1.15.x. Anything else is refused with
 * an InputError naming the supported range.
 */
export function profileFor(version: string): VersionProfile {
  const cached = profiles.get(version);
  if (cached) return cached;
  const v = parse(version);
  const supported = `supported: ${OLDEST.join('.')} … ${NEWEST_MINOR.join('.')}.x`;
  if (!v) throw new InputError(`'${version}' is not a CoreDNS version (X.Y.Z; ${supported})`);
  const n = v[0] * 1_000_000 + v[1] * 1_000 + v[2];
  const at = (major: number, minor: number, patch: number) => n >= major * 1_000_000 + minor * 1_000 + patch;
  if (!at(...OLDEST) || v[0] !== 1 || v[1] > NEWEST_MINOR[1]) {
    throw new InputError(`CoreDNS ${version} is not modelled (${supported})`);
  }
  const text = `${v[0]}.${v[1]}.${v[2]}`;
  const p: VersionProfile = {
    version: text,
    wildcardQueries: !at(1, 9, 0),
    dualStackClusterIPs: at(1, 8, 1),
    externalNameBeforeEndpoints: at(1, 8, 1),
    servesNotReadyEndpoints: at(1, 8, 1) && !at(1, 8, 4),
    soaOnlyAtApex: at(1, 8, 4),
    refusesZoneTransfers: at(1, 8, 4),
    longPodNamesIgnored: at(1, 8, 6),
    nsFallbackOnlyWithoutEndpoint: at(1, 9, 1),
    cnameTargetTruncationPropagated: at(1, 9, 1),
    txtNameErrors: at(1, 10, 1),
    externalNameRejectsEndpoint: at(1, 10, 1),
    externalNameRejectsPortProtocol: at(1, 11, 0),
    noEndpointsPanics: !at(1, 11, 0),
    endpointPtrNeedsHostname: at(1, 11, 4) && !at(1, 12, 1),
    maxCnameChainLength: at(1, 12, 1) ? 10 : 7,
    ipv6DashedLabelZeroFix: at(1, 12, 3),
    multiclusterOption: at(1, 12, 2),
    startupTimeoutOption: at(1, 12, 3),
    apiserverThrottleOptions: at(1, 14, 0),
    zonalOption: at(1, 14, 7),
  };
  profiles.set(version, p);
  return p;
}
