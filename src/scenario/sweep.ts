/**
 * The sweep: every name a cluster state implies under the kubernetes plugin's grammar
 * (reference/coredns-kubernetes.md §3–§4; Kubernetes DNS spec, reference/kubernetes-dns.md §1.2),
 * plus near misses that must fail the same way CoreDNS fails them. Bounded and deterministic: the
 * same state gives the same questions in the same order; over the limit, each kind keeps a fair
 * share (round robin across kinds), so no kind crowds out the others.
 */
import { parseIP } from '../cluster/ip.ts';
import type { ClusterOptions } from '../cluster/options.ts';
import type { ClusterIndex, Service } from '../cluster/types.ts';
import type { Question } from '../dns/message.ts';

type Kind = 'service' | 'endpoint' | 'srv' | 'ptr' | 'pod' | 'zone' | 'near-miss';
const KINDS: Kind[] = ['service', 'endpoint', 'srv', 'ptr', 'pod', 'zone', 'near-miss'];

export function sweepQueries(state: ClusterIndex, options: ClusterOptions, limit: number): Question[] {
  const domain = options.clusterDomain.replace(/\.$/, '').toLowerCase();
  const byKind = new Map<Kind, Question[]>(KINDS.map((k) => [k, []]));
  const seen = new Set<string>();
  const ask = (kind: Kind, name: string, type: string) => {
    const q = { name: `${name}.`.toLowerCase(), type };
    const id = `${q.name} ${type}`;
    if (seen.has(id)) return;
    seen.add(id);
    byKind.get(kind)!.push(q);
  };

  const services = [...state.state.services].sort(byNamespaceName);
  for (const svc of services) {
    const base = `${svc.name}.${svc.namespace}.svc.${domain}`;
    const endpoints = state
      .slicesOf(svc.namespace, svc.name)
      .flatMap((s) => s.endpoints)
      .filter((e) => e.addresses.length > 0);
    const addresses = svc.headless ? endpoints.flatMap((e) => e.addresses) : svc.clusterIPs;
    const families = new Set(addresses.map((a) => parseIP(a)?.family));

    // §4.2: A/AAAA of the service (ClusterIPs, or the endpoints of a headless service); §4.5 ExternalName.
    if (svc.type === 'ExternalName') ask('service', base, 'CNAME');
    ask('service', base, 'A');
    if (families.has(6) || options.ipFamily !== 'ipv4') ask('service', base, 'AAAA');
    // §4.4: bare SRV, and _port._proto for each named port.
    ask('srv', base, 'SRV');
    for (const p of svc.ports) {
      if (p.name) ask('srv', `_${p.name}._${p.protocol.toLowerCase()}.${base}`, 'SRV');
    }
    // §4.3: headless endpoints by hostname, else by dashed IP.
    if (svc.headless) {
      for (const e of endpoints) {
        for (const a of e.addresses) {
          const label = e.hostname ?? dashed(a);
          ask('endpoint', `${label}.${base}`, parseIP(a)?.family === 6 ? 'AAAA' : 'A');
        }
      }
    }
    // §4.10: PTR for ClusterIPs and endpoint IPs.
    for (const ip of [
      ...svc.clusterIPs.filter((ip) => ip !== 'None'),
      ...endpoints.flatMap((e) => e.addresses),
    ]) {
      const r = reverseName(ip);
      if (r) ask('ptr', r, 'PTR');
    }
    nearMisses(svc, base, families, endpoints.length > 0, ask);
  }

  // §4.7: `<dashed-ip>.<ns>.pod.<zone>` for each pod IP.
  for (const pod of [...state.state.pods].sort(byNamespaceName)) {
    for (const ip of pod.podIPs) {
      ask('pod', `${dashed(ip)}.${pod.namespace}.pod.${domain}`, parseIP(ip)?.family === 6 ? 'AAAA' : 'A');
    }
  }

  // §4.6, §4.8, §4.9: dns-version, apex SOA/NS, ns.dns, and each namespace's `<ns>.svc` name.
  ask('zone', `dns-version.${domain}`, 'TXT');
  ask('zone', domain, 'SOA');
  ask('zone', domain, 'NS');
  ask('zone', `ns.dns.${domain}`, 'A');
  for (const ns of [...state.state.namespaces].sort((a, b) => compare(a.name, b.name))) {
    ask('zone', `${ns.name}.svc.${domain}`, 'A');
  }
  // Near misses outside any service: an unknown namespace, an unknown pod-style name.
  ask('near-miss', `nope.nonexistent-ns.svc.${domain}`, 'A');
  ask('near-miss', `1-2-3.default.pod.${domain}`, 'A');

  return trimFairly(byKind, limit);
}

function nearMisses(
  svc: Service,
  base: string,
  families: Set<4 | 6 | undefined>,
  hasEndpoints: boolean,
  ask: (kind: Kind, name: string, type: string) => void,
): void {
  const rest = base.slice(svc.name.length + 1 + svc.namespace.length); // `.svc.<domain>`
  ask('near-miss', `${svc.name}.${svc.namespace}-x${rest}`, 'A'); // wrong namespace
  ask('near-miss', `${svc.name}x.${svc.namespace}${rest}`, 'A'); // typo'd service
  ask('near-miss', `extra.${base}`, 'A'); // extra label
  ask('near-miss', `_nope._tcp.${base}`, 'SRV'); // wrong port
  const named = svc.ports.find((p) => p.name);
  if (named) {
    const other = named.protocol === 'UDP' ? 'tcp' : 'udp';
    ask('near-miss', `_${named.name}._${other}.${base}`, 'SRV'); // wrong protocol
  }
  if (svc.headless && hasEndpoints) ask('near-miss', `missing-endpoint.${base}`, 'A');
  if (!svc.headless && svc.type !== 'ExternalName' && !families.has(6)) ask('near-miss', base, 'AAAA');
  ask('near-miss', base, 'TXT');
}

/** Round robin across kinds up to `limit`, then each kind's picks in their own order. */
function trimFairly(byKind: Map<Kind, Question[]>, limit: number): Question[] {
  const taken = new Map<Kind, number>(KINDS.map((k) => [k, 0]));
  let total = 0;
  for (let progress = true; progress && total < limit; ) {
    progress = false;
    for (const k of KINDS) {
      if (total >= limit) break;
      const n = taken.get(k)!;
      if (n < byKind.get(k)!.length) {
        taken.set(k, n + 1);
        total++;
        progress = true;
      }
    }
  }
  return KINDS.flatMap((k) => byKind.get(k)!.slice(0, taken.get(k)!));
}

/** `10.244.1.5` → `10-244-1-5`; IPv6 colons become dashes as well (kubernetes plugin parse.go). */
function dashed(ip: string): string {
  return ip.replaceAll('.', '-').replaceAll(':', '-');
}

/** The in-addr.arpa / ip6.arpa name of an IP, without the trailing dot. */
function reverseName(ip: string): string | undefined {
  const a = parseIP(ip);
  if (!a) return undefined;
  if (a.family === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${a.value.toString(16).padStart(32, '0').split('').reverse().join('.')}.ip6.arpa`;
}

function byNamespaceName(
  a: { namespace: string; name: string },
  b: { namespace: string; name: string },
): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
