/**
 * The zone's nameserver (reference coredns-kubernetes.md §4.8; CoreDNS plugin/kubernetes/ns.go):
 * the names and addresses of the Service(s) whose ready endpoints are this CoreDNS process's own
 * addresses — in a cluster, `kube-dns.kube-system.svc.<zone>` and its cluster IP — or, when the
 * process is no ready endpoint of any Service, `ns.dns.<zone>` with the process's addresses.
 */
import { canonicalIP } from '../ip.ts';
import { endpointHostname } from './controller.ts';
import type { Serving } from './request.ts';
import type { Kubernetes } from './services.ts';

const SRC = 'CoreDNS plugin/kubernetes/ns.go';
const DEFAULT_NS_NAME = 'ns.dns.';

export interface NSAddr {
  /** Fully qualified owner name of the address record. */
  name: string;
  /** Go-canonical address text. */
  ip: string;
  family: 4 | 6;
}

/** isDefaultNS: the lowercased question starts with `ns.dns.` and the zone (as spelled) follows at once. */
export function isDefaultNS(name: string, zone: string): boolean {
  return name.startsWith(DEFAULT_NS_NAME) && name.indexOf(zone) === DEFAULT_NS_NAME.length;
}

function addr(name: string, ipText: string): NSAddr {
  const ip = canonicalIP(ipText) ?? ipText;
  return { name, ip, family: ip.includes(':') ? 6 : 4 };
}

/** nsAddrs(false, false, zone). */
export function nsAddrs(k: Kubernetes, zone: string, s: Serving): NSAddr[] {
  const out: NSAddr[] = [];
  const state = s.chain.state;
  const local = k.cfg.localIPs;
  let foundEndpoint = false;
  for (const localIP of local) {
    const slices = k.cache.slicesByAddress(state, localIP);
    if (slices.length > 1) s.facts.ordered = false;
    for (const slice of slices) {
      foundEndpoint = true;
      if (slice.serviceName === undefined) continue;
      const svc = k.cache.service(state, slice.namespace, slice.serviceName);
      if (!svc) continue;
      const svcName = `${svc.name}.${svc.namespace}.svc.${zone}`;
      if (svc.clusterIPs[0] === 'None') {
        // A headless service: every ready address of that slice, under its endpoint label.
        for (const e of slice.endpoints) {
          if (!k.cache.ready(e)) continue;
          for (const ip of e.addresses) {
            out.push(addr(`${endpointHostname(e, ip, k.cfg.endpointPodNames, k.version)}.${svcName}`, ip));
          }
        }
      } else {
        const ips = k.version.dualStackClusterIPs ? svc.clusterIPs : svc.clusterIPs.slice(0, 1);
        for (const ip of ips) out.push(addr(svcName, ip));
      }
    }
  }
  const fallback = k.version.nsFallbackOnlyWithoutEndpoint ? !foundEndpoint : out.length === 0;
  if (fallback) {
    for (const ip of local) out.push(addr(`${DEFAULT_NS_NAME}${zone}`, ip));
    s.chain.explain(
      local.length
        ? `nameserver: CoreDNS's addresses (${local.join(', ')}) are no ready endpoint of a service → ns.dns.${zone} — ${SRC} nsAddrs`
        : `nameserver: CoreDNS has no non-loopback address to report (none declared, or \`bind\`) → no nameserver records — ${SRC} nsAddrs`,
    );
  } else {
    s.chain.explain(
      `nameserver: the service(s) with CoreDNS's address ${local.join(', ')} as a ready endpoint: ${[...new Set(out.map((a) => a.name))].join(', ')} — ${SRC} nsAddrs`,
    );
  }
  return out;
}
