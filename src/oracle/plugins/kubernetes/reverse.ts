/**
 * PTR lookups (reference coredns-kubernetes.md §4.10; CoreDNS plugin/kubernetes/reverse.go):
 * a cluster IP names its service; otherwise every ready endpoint address names
 * `<endpoint label>.<svc>.<ns>.svc.<primary zone>`.
 */
import { addressFromReverse } from '../ip.ts';
import { endpointHostname } from './controller.ts';
import { namespaceExposed } from './namespace.ts';
import { type Entry, type Lookup, nameError, type Query, type Serving } from './request.ts';
import type { Kubernetes } from './services.ts';

const SRC = 'CoreDNS plugin/kubernetes/reverse.go';

/** Reverse: a full reverse name → its address's records; anything else is parsed like a forward name. */
export function reverse(k: Kubernetes, q: Query, s: Serving): Lookup {
  const ip = addressFromReverse(q.name);
  if (ip === '') {
    const r = k.records(q, s);
    return { entries: [], err: r.err };
  }
  const entries = serviceRecordForIP(k, ip, s);
  if (entries.length === 0) {
    s.chain.explain(`PTR: no service or ready endpoint has address ${ip} → name error — ${SRC}`);
    return nameError('errNoItems');
  }
  return { entries, err: undefined };
}

/**
 * `namespaces` hides services and endpoints of unlisted (or missing) namespaces from PTR;
 * `namespace_labels` alone does not (the check runs only when `namespaces` is set).
 */
function hidden(k: Kubernetes, namespace: string, s: Serving): boolean {
  return k.cfg.namespaces.size > 0 && !namespaceExposed(k.cache, s.chain.state, namespace);
}

/** serviceRecordForIP: the first service with that cluster IP wins; else every matching ready endpoint. */
function serviceRecordForIP(k: Kubernetes, ip: string, s: Serving): Entry[] {
  const state = s.chain.state;
  const zone = k.cfg.primaryZone;
  for (const svc of state.servicesByClusterIP(ip)) {
    if (!k.cache.serviceVisible(svc)) continue;
    // Before 1.8.1 only spec.clusterIP was indexed.
    if (!k.version.dualStackClusterIPs && svc.clusterIPs[0] !== ip) continue;
    if (hidden(k, svc.namespace, s)) continue;
    s.chain.explain(
      `PTR: ${ip} is the cluster IP of service ${svc.namespace}/${svc.name} — ${SRC} serviceRecordForIP`,
    );
    return [{ host: `${svc.name}.${svc.namespace}.svc.${zone}`, port: 0, ttl: k.ttl, target: '' }];
  }
  const out: Entry[] = [];
  const slices = k.cache.slicesByAddress(state, ip);
  if (slices.length > 1) s.facts.ordered = false;
  for (const slice of slices) {
    if (hidden(k, slice.namespace, s)) continue;
    for (const e of slice.endpoints) {
      if (!k.cache.ready(e) || !e.addresses.includes(ip)) continue;
      // 1.11.4 and 1.12.0 only: endpoints without a hostname got no PTR (f4f0d55d, reverted 58d89991).
      if (k.version.endpointPtrNeedsHostname && !e.hostname) {
        s.chain.explain(
          `PTR: endpoint ${ip} of ${slice.namespace}/${slice.serviceName} has no hostname: no PTR in CoreDNS ${k.version.version} — ${SRC} (f4f0d55d)`,
        );
        continue;
      }
      const label = endpointHostname(e, ip, k.cfg.endpointPodNames, k.version);
      for (const a of e.addresses) {
        if (a !== ip) continue;
        out.push({
          host: `${label}.${slice.serviceName ?? ''}.${slice.namespace}.svc.${zone}`,
          port: 0,
          ttl: k.ttl,
          target: '',
        });
      }
    }
  }
  if (out.length) {
    s.chain.explain(
      `PTR: ${ip} is a ready endpoint address in ${slices.length} EndpointSlice(s): one name per service — ${SRC} serviceRecordForIP`,
    );
  }
  return out;
}
