/**
 * From entries to resource records, per question type (reference coredns-kubernetes.md §4.2–4.11;
 * CoreDNS plugin/backend_lookup.go, the builders the kubernetes and etcd plugins share, and
 * plugin/etcd/msg/service.go for the record shapes).
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import { isSubDomain } from '../../server.ts';
import { formatIP, parseIP } from '../ip.ts';
import type { Entry, Lookup, NameError, Query, Serving } from './request.ts';
import type { Kubernetes } from './services.ts';

const SRC = 'CoreDNS plugin/backend_lookup.go';

/**
 * The SOA serial is CoreDNS's last cache-change time (Modified()), different on every replica and
 * restart; the comparison ignores it. The oracle writes this fixed value.
 */
export const SOA_SERIAL = 1;

export interface Built {
  records: ResourceRecord[];
  extra: ResourceRecord[];
  err: NameError | undefined;
}

const EMPTY: readonly ResourceRecord[] = Object.freeze([]);

function built(
  records: ResourceRecord[],
  err?: NameError,
  extra: ResourceRecord[] = EMPTY as ResourceRecord[],
): Built {
  return { records, extra, err };
}

// ---------------------------------------------------------------------------------------------
// msg.Service.HostType: an IPv4 (To4 non-nil) → A, another IP → AAAA, anything else → CNAME.

interface HostKind {
  family: 0 | 4 | 6;
  /** net.IP.String() of the address; "" for a name. */
  text: string;
}

const NAME_HOST: HostKind = Object.freeze({ family: 0, text: '' });
const hostKinds = new Map<string, HostKind>();
const HOST_KIND_LIMIT = 100_000;

function hostKind(host: string): HostKind {
  let k = hostKinds.get(host);
  if (k) return k;
  const ip = parseIP(host);
  k = ip ? { family: ip.family, text: formatIP(ip) } : NAME_HOST;
  if (hostKinds.size >= HOST_KIND_LIMIT) hostKinds.clear();
  hostKinds.set(host, k);
  return k;
}

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** dnsutil.Join(label, zone). */
function join(label: string, zone: string): string {
  return zone === '.' ? `${label}.` : `${label}.${zone}`;
}

/** plugin.Name(name).Matches(child): equal, or `child` below `name`. */
function nameMatches(name: string, child: string): boolean {
  return name === child || isSubDomain(name, child);
}

/** SOA: owner = zone as spelled, TTL min(ttl, 300), minimum = ttl. */
export function soa(k: Kubernetes, zone: string): ResourceRecord {
  const ttl = k.ttl;
  return {
    name: zone,
    type: 'SOA',
    ttl: Math.min(ttl, 300),
    data: `${join('ns.dns', zone)} ${join('hostmaster', zone)} ${SOA_SERIAL} 7200 1800 86400 ${ttl}`,
  };
}

/** checkForApex: the apex first tries `apex.dns.<zone>` (never a kubernetes name), then itself. */
function checkForApex(k: Kubernetes, q: Query, s: Serving): Lookup {
  return k.services(q, s);
}

/**
 * A, AAAA and TXT (backend_lookup.go A/AAAA/TXT): address (or text) records of the entries,
 * deduplicated by address; ExternalName entries become a CNAME followed by the target's records —
 * looked up inside the zone through this plugin (the CNAME only if that yields records), else
 * through the whole server (the CNAME plus whatever the answer section holds, whatever its rcode).
 */
export function addressRecords(
  k: Kubernetes,
  zone: string,
  q: Query,
  previous: ResourceRecord[],
  s: Serving,
): Built {
  const res = q.type === 'TXT' ? k.services(q, s) : checkForApex(k, q, s);
  if (res.err) return built([], res.err);
  const want = q.type === 'A' ? 4 : q.type === 'AAAA' ? 6 : 0;
  const records: ResourceRecord[] = [];
  const dup = new Set<string>();
  for (const e of res.entries) {
    if (e.text !== undefined) {
      if (q.type === 'TXT' && !dup.has(e.text)) {
        dup.add(e.text);
        records.push({ name: q.qname, type: 'TXT', ttl: e.ttl, data: `"${e.text}"` });
      }
      continue;
    }
    const kind = hostKind(e.host);
    if (kind.family === 0) {
      chase(k, zone, q, e, previous, records, s);
      continue;
    }
    if (kind.family === want && !dup.has(e.host)) {
      dup.add(e.host);
      records.push({ name: q.qname, type: q.type, ttl: e.ttl, data: kind.text });
    }
  }
  return built(records);
}

/** The CNAME branch of A/AAAA/TXT for one ExternalName entry. */
function chase(
  k: Kubernetes,
  zone: string,
  q: Query,
  e: Entry,
  previous: ResourceRecord[],
  records: ResourceRecord[],
  s: Serving,
): void {
  const target = fqdn(e.host);
  if (nameMatches(q.name, target)) {
    s.chain.explain(`${q.qname} CNAME ${target} would loop (target at or below the name): skipped — ${SRC}`);
    return;
  }
  const cname: ResourceRecord = { name: q.qname, type: 'CNAME', ttl: e.ttl, data: target };
  if (previous.length > k.version.maxCnameChainLength) {
    s.chain.explain(
      `CNAME chain longer than ${k.version.maxCnameChainLength}: ${target} not followed — ${SRC} maxCnameChainLength`,
    );
    return;
  }
  if (previous.some((r) => r.type === 'CNAME' && r.data === target)) {
    s.chain.explain(`CNAME loop: ${target} was already followed — CoreDNS plugin/pkg/dnsutil/cname.go`);
    return;
  }
  if (isSubDomain(zone, target)) {
    s.chain.explain(`${q.qname} is an alias of ${target}, inside ${zone}: resolved by this plugin — ${SRC}`);
    const q1: Query = { qname: target, name: target.toLowerCase(), type: q.type, zone };
    const sub = addressRecords(k, zone, q1, [...previous, cname], s);
    if (!sub.err && sub.records.length > 0) records.push(cname, ...sub.records);
    else
      s.chain.explain(
        `the alias target ${target} has no ${q.type} records: the CNAME is left out too — ${SRC}`,
      );
    return;
  }
  s.chain.explain(
    `${q.qname} is an alias of ${target}, outside the zone: the target is looked up through the whole server and its answer section appended, whatever its rcode — ${SRC}, CoreDNS plugin/pkg/upstream/upstream.go`,
  );
  const out = k.upstream(s, target, q.type);
  records.push(cname);
  if (!out.written) return;
  const f = s.facts;
  if (out.message.flags.tc && k.version.cnameTargetTruncationPropagated) f.truncated = true;
  if (out.unknown) f.unknown = true;
  if (out.forwardedTo !== undefined) f.forwardedTo = out.forwardedTo;
  if (out.ordered === false) f.ordered = false;
  const ranges = out.ttlRanges?.answer;
  out.message.answer.forEach((rr, i) => {
    const copy = { ...rr };
    records.push(copy);
    const r = ranges?.[i];
    if (r && (r.min !== rr.ttl || r.max !== rr.ttl)) {
      f.ranges ??= new Map();
      f.ranges.set(copy, r);
    }
  });
}

/**
 * SRV: priority 0; weight = floor(100 / n) over all n entries (sentinel ports and duplicates
 * included), at least 1; entries with port -1 give none; an SRV per (target, port) and a glue
 * address per (target, address).
 */
export function srvRecords(k: Kubernetes, q: Query, s: Serving): Built {
  const res = k.services(q, s);
  if (res.err) return built([], res.err);
  const n = res.entries.length;
  // Go: w1 := 100.0 / float64(100*n); w1 *= 100; weight := uint16(math.Floor(w1)), at least 1.
  const weight = Math.max(1, Math.floor((100 / (100 * n)) * 100));
  const records: ResourceRecord[] = [];
  const extra: ResourceRecord[] = [];
  const dup = new Set<string>();
  for (const e of res.entries) {
    if (e.port === -1) continue;
    const kind = hostKind(e.host);
    if (kind.family === 0) continue;
    const srvKey = `${e.target} ${e.port}`;
    if (!dup.has(srvKey)) {
      dup.add(srvKey);
      records.push({ name: q.qname, type: 'SRV', ttl: e.ttl, data: `0 ${weight} ${e.port} ${e.target}` });
    }
    const glueKey = `${e.target} @${e.host}`;
    if (!dup.has(glueKey)) {
      dup.add(glueKey);
      extra.push({ name: e.target, type: kind.family === 4 ? 'A' : 'AAAA', ttl: e.ttl, data: kind.text });
    }
  }
  if (n > 0) {
    s.chain.explain(
      `SRV: ${n} entr${n === 1 ? 'y' : 'ies'} → weight ${weight} each, ${records.length} SRV record(s) after dedup by (target, port), glue per (target, address) — ${SRC} SRV`,
    );
  }
  return built(records, undefined, extra);
}

/** MX: kubernetes entries never carry the mail flag, so only the existence of the name counts. */
export function mxRecords(k: Kubernetes, q: Query, s: Serving): Built {
  const res = k.services(q, s);
  if (res.err) return built([], res.err);
  s.chain.explain(`MX: kubernetes names never have mail exchangers — ${SRC} MX`);
  return built([]);
}

/** CNAME: the first entry only, if it is a name (an ExternalName); no chasing. */
export function cnameRecords(k: Kubernetes, q: Query, s: Serving): Built {
  const res = k.services(q, s);
  if (res.err) return built([], res.err);
  const first = res.entries[0];
  if (first && first.text === undefined && hostKind(first.host).family === 0) {
    return built([{ name: q.qname, type: 'CNAME', ttl: first.ttl, data: fqdn(first.host) }]);
  }
  return built([]);
}

/** PTR: one record per distinct name. */
export function ptrRecords(k: Kubernetes, q: Query, s: Serving): Built {
  const res = k.reverse(q, s);
  if (res.err) return built([], res.err);
  const records: ResourceRecord[] = [];
  const dup = new Set<string>();
  for (const e of res.entries) {
    if (hostKind(e.host).family !== 0 || dup.has(e.host)) continue;
    dup.add(e.host);
    records.push({ name: q.qname, type: 'PTR', ttl: e.ttl, data: fqdn(e.host) });
  }
  return built(records);
}

/** NS at the apex: one NS per distinct nameserver name; an address record per nameserver address (not deduplicated). */
export function nsRecords(k: Kubernetes, q: Query, s: Serving): Built {
  const res = k.services(q, s);
  const records: ResourceRecord[] = [];
  const extra: ResourceRecord[] = [];
  const seen = new Set<string>();
  for (const e of res.entries) {
    const kind = hostKind(e.host);
    if (kind.family === 0) continue;
    const target = fqdn(e.target);
    extra.push({ name: target, type: kind.family === 4 ? 'A' : 'AAAA', ttl: e.ttl, data: kind.text });
    if (seen.has(target)) continue;
    seen.add(target);
    records.push({ name: q.qname, type: 'NS', ttl: e.ttl, data: target });
  }
  return built(records, undefined, extra);
}
