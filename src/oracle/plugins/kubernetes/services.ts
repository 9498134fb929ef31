/**
 * The lookups behind every answer (reference coredns-kubernetes.md §4; CoreDNS
 * plugin/kubernetes/kubernetes.go Services, Records, findServices, findPods): a question becomes a
 * list of msg.Service entries — a cluster IP, an endpoint address, a pod IP or an ExternalName —
 * or a name error. The record builders (records.ts) turn the entries into RRs.
 */
import type { EndpointSlice, EndpointSlicePort, Service, ServicePort } from '../../../cluster/types.ts';
import type { Outcome } from '../../chain.ts';
import type { VersionProfile } from '../../versions.ts';
import { parseIP } from '../ip.ts';
import { endpointHostname, KubeCache } from './controller.ts';
import { namespaceExposed } from './namespace.ts';
import { isDefaultNS, nsAddrs } from './ns.ts';
import { parseRequest, type RecordRequest, trimZone } from './parse.ts';
import { type Entry, type Lookup, NONE, nameError, type Query, type Serving } from './request.ts';
import { reverse } from './reverse.ts';
import { isReverse, type KubernetesConfig } from './setup.ts';

const SRC = 'CoreDNS plugin/kubernetes/kubernetes.go';

/** DNSSchemaVersion: the only TXT record, `dns-version.<zone>`, with a fixed TTL. */
export const DNS_SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;

/** object/service.go, object/endpoint.go: a port list that is empty gets one sentinel port -1. */
const SENTINEL_PORTS: readonly { name: string; port: number; protocol: string }[] = Object.freeze([
  { name: '', port: -1, protocol: '' },
]);

/** Before 1.9.0 (abaf9386) `*` and `any` matched every service, namespace, port, protocol, endpoint. */
function isWildcard(s: string): boolean {
  return s === '*' || s === 'any';
}

/** Go net.ParseIP(host) != nil, i.e. msg.Service.HostType() is not CNAME. */
export function isIPHost(host: string): boolean {
  return parseIP(host) !== undefined;
}

export class Kubernetes {
  readonly cache: KubeCache;

  constructor(
    readonly cfg: KubernetesConfig,
    readonly version: VersionProfile,
  ) {
    this.cache = new KubeCache(cfg, version);
  }

  get ttl(): number {
    return this.cfg.ttl;
  }

  /** `a` (from the question, lowercase) matches `b` (from an object): strings.EqualFold, wildcards before 1.9.0. */
  private match(a: string, b: string): boolean {
    if (this.version.wildcardQueries && (isWildcard(a) || isWildcard(b))) return true;
    return a === b || a === b.toLowerCase();
  }

  /** matchPortAndProtocol: a filter that is not given matches everything. */
  private portMatches(r: RecordRequest, p: { name: string; protocol: string }): boolean {
    return (
      (r.port === '' || this.match(r.port, p.name)) &&
      (r.protocol === '' || this.match(r.protocol, p.protocol))
    );
  }

  private wild(s: string): boolean {
    return this.version.wildcardQueries && isWildcard(s);
  }

  isMultiClusterZone(zone: string): boolean {
    return this.cfg.multicluster.length > 0 && this.cfg.multicluster.includes(zone.toLowerCase());
  }

  /** plugin/pkg/upstream Lookup: the question re-enters the whole server (usually cache → forward). */
  upstream(s: Serving, name: string, type: string): Outcome {
    return s.chain.lookup({ name, type, clientIP: s.req.clientIP, port: s.req.port });
  }

  /** Services: the entries a record builder works from, per question type. */
  services(q: Query, s: Serving): Lookup {
    switch (q.type) {
      case 'TXT':
        return this.txt(q, s);
      case 'NS':
        // Only reached at the apex (handler.go): the CoreDNS service's own names and addresses.
        return {
          entries: nsAddrs(this, q.zone, s).map((a) => ({
            host: a.ip,
            port: 0,
            ttl: this.ttl,
            target: a.name,
          })),
          err: undefined,
        };
    }
    if (isDefaultNS(q.name, q.zone)) {
      // ns.go isDefaultNS: `ns.dns.<zone>` answers the nameserver addresses of the asked family.
      const family = q.type === 'A' ? 4 : q.type === 'AAAA' ? 6 : 0;
      const entries: Entry[] = [];
      for (const a of nsAddrs(this, q.zone, s)) {
        if (a.family === family) entries.push({ host: a.ip, port: 0, ttl: this.ttl, target: q.qname });
      }
      s.chain.explain(
        `${q.qname} is ns.dns.<zone>: the nameserver's own ${family ? `addresses (${entries.length})` : 'name has no records of this type'} — CoreDNS plugin/kubernetes/ns.go`,
      );
      return { entries, err: undefined };
    }
    const res = this.records(q, s);
    if (q.type !== 'SRV') return res;
    // No SRV for ExternalName services: entries whose host is a name are dropped.
    const internal = res.entries.filter((e) => isIPHost(e.host));
    if (internal.length < res.entries.length) {
      s.chain.explain(`SRV: ExternalName entries are dropped — ${SRC} Services`);
    }
    return { entries: internal, err: res.err };
  }

  /**
   * TXT: only `dns-version.<zone>` has data ("1.1.0", TTL 28800). Any other name is NODATA —
   * since 1.10.1 (c3228615) only if it has records of another type, else NXDOMAIN.
   */
  private txt(q: Query, s: Serving): Lookup {
    if (trimZone(q.name, q.zone) === 'dns-version') {
      s.chain.explain(
        `TXT dns-version.<zone>: the DNS schema version "${DNS_SCHEMA_VERSION}", TTL ${DNS_VERSION_TTL} — ${SRC} Services`,
      );
      return {
        entries: [{ host: '', port: 0, ttl: DNS_VERSION_TTL, target: q.qname, text: DNS_SCHEMA_VERSION }],
        err: undefined,
      };
    }
    if (!this.version.txtNameErrors) {
      s.chain.explain(
        `TXT for a name other than dns-version: no data, whether or not the name exists (before 1.10.1) — ${SRC} Services`,
      );
      return NONE;
    }
    const other = this.records(q, s);
    if (other.entries.length > 0) {
      s.chain.explain(`TXT: ${q.qname} has records of other types, so NODATA — ${SRC} Services (c3228615)`);
      return NONE;
    }
    if (other.err === undefined && this.cfg.zonal) {
      const r = parseRequest(q.name, q.zone, { multicluster: this.isMultiClusterZone(q.zone), zonal: true });
      if (typeof r !== 'string' && r.topologyZone !== '') return NONE;
    }
    s.chain.explain(
      `TXT: ${q.qname} has no records of any type → name error (even where an A question gets NODATA) — ${SRC} Services (c3228615)`,
    );
    return nameError('errNoItems');
  }

  /** Records: parse the name, check the namespace, then find pods or services. */
  records(q: Query, s: Serving): Lookup {
    const r = parseRequest(q.name, q.zone, {
      multicluster: this.isMultiClusterZone(q.zone),
      zonal: this.cfg.zonal,
    });
    if (typeof r === 'string') {
      s.chain.explain(
        `${q.qname}: the labels left of ${q.zone} do not follow <svc>.<ns>.svc or <ip>.<ns>.pod (or are too many) → name error — CoreDNS plugin/kubernetes/parse.go parseRequest`,
      );
      return nameError(r);
    }
    if (r.podOrSvc === '') {
      s.chain.explain(
        `${q.qname} is the zone apex or its bare svc./pod. name: exists, no data — CoreDNS plugin/kubernetes/parse.go`,
      );
      return NONE;
    }
    if (isReverse(q.name)) {
      s.chain.explain(`${q.qname}: a svc/pod name inside a reverse zone does not exist — ${SRC} Records`);
      return nameError('errNoItems');
    }
    if (!this.wild(r.namespace) && !namespaceExposed(this.cache, s.chain.state, r.namespace)) {
      s.chain.explain(this.unexposedReason(r.namespace, s));
      return nameError('errNsNotExposed');
    }
    return r.podOrSvc === 'pod' ? this.findPods(r, q.zone, s) : this.findServices(r, q.zone, s);
  }

  private unexposedReason(ns: string, s: Serving): string {
    const listed = this.cfg.namespaces;
    const why =
      listed.size > 0 && !listed.has(ns)
        ? `is not listed by the namespaces option`
        : s.chain.state.namespace(ns)
          ? `does not match namespace_labels`
          : `does not exist`;
    return `namespace ${ns} ${why} → name error — CoreDNS plugin/kubernetes/namespace.go namespaceExposed`;
  }

  /** findPods: `<dashed-ip>.<ns>.pod.<zone>` per the `pods` mode (reference §4.7). */
  private findPods(r: RecordRequest, zone: string, s: Serving): Lookup {
    const SRCP = `${SRC} findPods`;
    const mode = this.cfg.podMode;
    if (mode === 'disabled') {
      s.chain.explain(`pods disabled (the default): every name under pod.<zone> is a name error — ${SRCP}`);
      return nameError('errNoItems');
    }
    const namespace = r.namespace;
    const state = s.chain.state;
    const nsWild = this.wild(namespace);
    if (!nsWild && !namespaceExposed(this.cache, state, namespace)) return nameError('errNoItems');
    const podname = r.service;
    if (podname === '') {
      s.chain.explain(`namespace ${namespace} exists: ${namespace}.pod.<zone> has no data — ${SRCP}`);
      return NONE;
    }
    // Exactly three dashes and no "--": an IPv4 address; anything else is read as IPv6.
    let dashes = 0;
    for (let i = 0; i < podname.length; i++) if (podname.charCodeAt(i) === 45) dashes++;
    const ip =
      dashes === 3 && !podname.includes('--') ? podname.replaceAll('-', '.') : podname.replaceAll('-', ':');
    const target = `${podname}.${namespace}.pod.${zone}`;
    if (mode === 'insecure') {
      if (!isIPHost(ip)) {
        s.chain.explain(
          `pods insecure: ${podname} does not spell an IP address (Go net.ParseIP) → name error — ${SRCP}`,
        );
        return nameError('errNoItems');
      }
      s.chain.explain(`pods insecure: ${podname} → ${ip}, answered without looking for such a pod — ${SRCP}`);
      return { entries: [{ host: ip, port: 0, ttl: this.ttl, target }], err: undefined };
    }
    const entries: Entry[] = [];
    const pods = this.cache.podsByIP(state, ip);
    for (const p of pods) {
      if (nsWild && !namespaceExposed(this.cache, state, p.namespace)) continue;
      if (ip === p.podIP && this.match(namespace, p.namespace)) {
        entries.push({ host: ip, port: 0, ttl: this.ttl, target });
      }
    }
    if (entries.length === 0) {
      if (this.wild(podname) && !nsWild && namespaceExposed(this.cache, state, namespace)) return NONE;
      s.chain.explain(
        `pods verified: no running pod in ${namespace} has status.podIP "${ip}" → name error — ${SRCP}`,
      );
      return nameError('errNoItems');
    }
    s.chain.explain(`pods verified: pod ${namespace}/${pods[0]?.name} has status.podIP ${ip} — ${SRCP}`);
    return { entries, err: undefined };
  }

  /** The services a request names: one index lookup, or (before 1.9.0) a wildcard scan. */
  private serviceList(r: RecordRequest, s: Serving): Service[] {
    const state = s.chain.state;
    if (this.wild(r.service) || this.wild(r.namespace)) {
      return state.state.services.filter(
        (svc) =>
          this.match(r.namespace, svc.namespace) &&
          this.match(r.service, svc.name) &&
          this.cache.serviceVisible(svc) &&
          (!this.wild(r.namespace) || namespaceExposed(this.cache, state, svc.namespace)),
      );
    }
    const svc = this.cache.service(state, r.namespace, r.service);
    return svc ? [svc] : [];
  }

  /** findServices: the entries of `<svc>.<ns>.svc.<zone>` and the names below it (reference §4.1). */
  private findServices(r: RecordRequest, zone: string, s: Serving): Lookup {
    const SRCF = `${SRC} findServices`;
    const state = s.chain.state;
    const nsWild = this.wild(r.namespace);
    if (r.service === '') {
      s.chain.explain(`namespace ${r.namespace} exists: ${r.namespace}.svc.<zone> has no data — ${SRCF}`);
      return NONE;
    }
    let err: Lookup['err'] = 'errNoItems';
    if (this.wild(r.service) && !nsWild && namespaceExposed(this.cache, state, r.namespace)) err = undefined;
    if (this.isMultiClusterZone(zone)) {
      s.chain.unmodelled('kubernetes (multicluster ServiceImports)');
      s.chain.explain(
        `${zone} is a multicluster zone: its services come from ServiceImports, which the oracle does not model — CoreDNS plugin/kubernetes/multicluster.go`,
      );
      return nameError('errNoItems');
    }
    const services = this.serviceList(r, s);
    if (services.length === 0) {
      s.chain.explain(`no service ${r.namespace}/${r.service} in CoreDNS's cache → name error — ${SRCF}`);
    }
    const entries: Entry[] = [];
    const ttl = this.ttl;
    for (const svc of services) {
      const name = `${svc.namespace}/${svc.name}`;
      const headless = this.headless(svc);

      // ignore empty_service: a ClusterIP service without a ready address does not exist.
      if (this.cfg.ignoreEmptyService && svc.type !== 'ExternalName' && !headless) {
        const count =
          this.wild(r.service) || nsWild
            ? this.allReadyAddresses(s)
            : this.cache.readyAddressCount(this.slicesFor(r, svc, s));
        if (count === 0) {
          s.chain.explain(
            `ignore empty_service: service ${name} has no ready endpoint address → skipped — ${SRCF}`,
          );
          continue;
        }
      }
      // zonal: zone-scoped names exist only under headless services.
      if (r.topologyZone !== '' && !headless) continue;

      if (svc.type === 'ExternalName' && this.version.externalNameBeforeEndpoints) {
        if (this.externalName(svc, r, zone, entries, s)) err = undefined;
        continue;
      }
      if (headless || r.endpoint !== '') {
        if (r.topologyZone !== '') err = undefined;
        if (this.endpointEntries(svc, r, zone, this.slicesFor(r, svc, s), entries, s)) err = undefined;
        continue;
      }
      if (svc.type === 'ExternalName') {
        if (this.externalName(svc, r, zone, entries, s)) err = undefined;
        continue;
      }
      // ClusterIP, NodePort, LoadBalancer: one entry per matching port and cluster IP.
      const ips = this.version.dualStackClusterIPs ? svc.clusterIPs : svc.clusterIPs.slice(0, 1);
      const ports: readonly ServicePort[] | typeof SENTINEL_PORTS = svc.ports.length
        ? svc.ports
        : SENTINEL_PORTS;
      let matched = 0;
      for (const p of ports) {
        if (!this.portMatches(r, p)) continue;
        err = undefined;
        matched++;
        for (const ip of ips) {
          entries.push({ host: ip, port: p.port, ttl, target: `${svc.name}.${svc.namespace}.svc.${zone}` });
        }
      }
      s.chain.explain(
        matched
          ? `service ${name} (${svc.type}): its cluster IP${ips.length > 1 ? 's' : ''} ${ips.join(', ')}${r.port || r.protocol ? ` for port ${r.port || '*'}/${r.protocol || '*'}` : ''} — ${SRCF}`
          : `service ${name}: no port matches ${r.port || '*'}/${r.protocol || '*'} → name error — ${SRCF}`,
      );
    }
    return { entries, err };
  }

  /** EpIndex(<svc>.<ns>) of the request (EndpointsList() filtered to the service under a wildcard). */
  private slicesFor(r: RecordRequest, svc: Service, s: Serving): readonly EndpointSlice[] {
    const state = s.chain.state;
    return this.wild(r.service) || this.wild(r.namespace)
      ? this.cache.slicesOf(state, svc.namespace, svc.name)
      : this.cache.slicesOf(state, r.namespace, r.service);
  }

  /** svc.Headless(): clusterIPs[0] == "None" (before 1.8.1: clusterIP == "None"). */
  private headless(svc: Service): boolean {
    return svc.clusterIPs[0] === 'None';
  }

  /** Before 1.9.0, `ignore empty_service` under a wildcard counted every ready address in the cluster. */
  private allReadyAddresses(s: Serving): number {
    const slices = s.chain.state.state.endpointSlices.filter((x) => this.cache.sliceVisible(x));
    return this.cfg.endpoints ? this.cache.readyAddressCount(slices) : 0;
  }

  /** The ExternalName branch: one CNAME entry, unless a sub-label is asked or the name is an IP. */
  private externalName(svc: Service, r: RecordRequest, zone: string, entries: Entry[], s: Serving): boolean {
    const SRCE = `${SRC} findServices`;
    const name = `${svc.namespace}/${svc.name}`;
    if (r.endpoint !== '' && this.version.externalNameRejectsEndpoint) {
      s.chain.explain(
        `ExternalName service ${name} has no endpoints: ${r.endpoint}.… does not exist — ${SRCE} (47c99dc7)`,
      );
      return false;
    }
    if ((r.port !== '' || r.protocol !== '') && this.version.externalNameRejectsPortProtocol) {
      s.chain.explain(
        `ExternalName service ${name} has no ports: _${r.port}._${r.protocol}.… does not exist — ${SRCE} (5b5a6ac6)`,
      );
      return false;
    }
    const host = svc.externalName ?? '';
    if (isIPHost(host)) {
      s.chain.explain(
        `ExternalName service ${name} names an IP address (${host}): not served → name error — ${SRCE}`,
      );
      return false;
    }
    entries.push({ host, port: 0, ttl: this.ttl, target: `${svc.name}.${svc.namespace}.svc.${zone}` });
    s.chain.explain(`ExternalName service ${name}: an alias of ${host} — ${SRCE}`);
    return true;
  }

  /** The endpoint branch: headless services, and `<endpoint>.<svc>…` under any service. */
  private endpointEntries(
    svc: Service,
    r: RecordRequest,
    zone: string,
    slices: readonly EndpointSlice[],
    entries: Entry[],
    s: Serving,
  ): boolean {
    if (slices.length > 1) s.facts.ordered = false; // client-go index over a Go map: slice order is random
    const before = entries.length;
    let added = this.addEndpoints(svc, r, zone, slices, r.topologyZone, entries);
    if (added === 0 && r.topologyZone !== '' && r.topologyPrefer) {
      added = this.addEndpoints(svc, r, zone, slices, '', entries);
    }
    const name = `${svc.namespace}/${svc.name}`;
    const what = r.endpoint ? `endpoint ${r.endpoint} of ${name}` : `headless service ${name}`;
    s.chain.explain(
      added
        ? `${what}: one entry per ready endpoint address × port (${entries.length - before}) from ${slices.length} EndpointSlice${slices.length === 1 ? '' : 's'} — ${SRC} findServices`
        : `${what}: no ready endpoint address${r.endpoint ? ' with that label' : ''}${r.port || r.protocol ? ' and port' : ''} → name error — ${SRC} findServices`,
    );
    return added > 0;
  }

  private addEndpoints(
    svc: Service,
    r: RecordRequest,
    zone: string,
    slices: readonly EndpointSlice[],
    topologyZone: string,
    entries: Entry[],
  ): number {
    let added = 0;
    const suffix = `.${svc.name}.${svc.namespace}.svc.${zone}`;
    for (const slice of slices) {
      const ports: readonly EndpointSlicePort[] = slice.ports.length ? slice.ports : SENTINEL_PORTS;
      for (const ep of slice.endpoints) {
        if (!this.cache.ready(ep)) continue;
        if (topologyZone !== '' && (ep.zone ?? '').toLowerCase() !== topologyZone) continue;
        for (const ip of ep.addresses) {
          const label = endpointHostname(ep, ip, this.cfg.endpointPodNames, this.version);
          if (r.endpoint !== '' && !this.match(r.endpoint, label)) continue;
          for (const p of ports) {
            if (!this.portMatches(r, p)) continue;
            entries.push({ host: ip, port: p.port, ttl: this.ttl, target: `${label}${suffix}` });
            added++;
          }
        }
      }
    }
    return added;
  }

  /** Reverse (reverse.go), for PTR questions. */
  reverse(q: Query, s: Serving): Lookup {
    return reverse(this, q, s);
  }
}
