/**
 * ServeDNS (reference coredns-kubernetes.md §2.3, §6; CoreDNS plugin/kubernetes/handler.go):
 * zone match, dispatch per question type, then the reply — records with aa=1; a name error as
 * NXDOMAIN with the zone's SOA (or, with `fallthrough` for that name, the next plugin); no records
 * as NODATA with the SOA.
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Next, Outcome, Request } from '../../chain.ts';
import { reply } from '../../server.ts';
import type { TtlRange } from '../../types.ts';
import {
  addressRecords,
  type Built,
  cnameRecords,
  mxRecords,
  nsRecords,
  ptrRecords,
  soa,
  srvRecords,
} from './records.ts';
import { newFacts, PluginPanic, type Query, type ReplyFacts, type Serving } from './request.ts';
import type { Kubernetes } from './services.ts';

const SRC = 'CoreDNS plugin/kubernetes/handler.go';

/** plugin.Zones.Matches on a lowercased name: the longest zone containing it (zones are lowercase). */
export function matchZone(zones: readonly string[], lower: string): string | undefined {
  let best: string | undefined;
  for (const z of zones) {
    if (best !== undefined && z.length <= best.length) continue;
    if (
      z === '.' ||
      lower === z ||
      (lower.endsWith(z) && lower.charCodeAt(lower.length - z.length - 1) === 46) /* . */
    ) {
      best = z;
    }
  }
  return best;
}

const NO_RECORDS: Built = Object.freeze({ records: [], extra: [], err: undefined }) as unknown as Built;

/** The records for one question, by type. */
function lookup(k: Kubernetes, q: Query, s: Serving): Built | 'REFUSED' {
  switch (q.type) {
    case 'A':
    case 'AAAA':
    case 'TXT':
      return addressRecords(k, q.zone, q, [], s);
    case 'CNAME':
      return cnameRecords(k, q, s);
    case 'PTR':
      return ptrRecords(k, q, s);
    case 'MX':
      return mxRecords(k, q, s);
    case 'SRV':
      return srvRecords(k, q, s);
    case 'SOA':
      // Since 1.8.4 (d6d8a997) only the apex has an SOA answer; any other name (existing or
      // not) gets NODATA. Before, every name in the zone was answered with the zone's SOA.
      if (q.qname === q.zone || !k.version.soaOnlyAtApex)
        return { records: [soa(k, q.zone)], extra: [], err: undefined };
      s.chain.explain(
        `SOA for ${q.qname}, not the zone apex: no data (the name is not checked) — ${SRC} (d6d8a997)`,
      );
      return NO_RECORDS;
    case 'AXFR':
    case 'IXFR':
      if (k.version.refusesZoneTransfers) return 'REFUSED';
      break;
    case 'NS':
      // Compares the lowercased name with the zone as spelled: only a lowercase apex gets NS records.
      if (q.name === q.zone) return nsRecords(k, q, s);
      break;
  }
  // Any other type: an A lookup only decides NODATA versus NXDOMAIN; it never yields records.
  s.chain.explain(
    `${q.type}: kubernetes has no such records; an A lookup decides whether the name exists — ${SRC}`,
  );
  const res = k.services({ ...q, type: 'A' }, s);
  return { records: [], extra: [], err: res.err };
}

/** Per-record TTL ranges when an upstream answer was copied in from behind a cache. */
function ttlRanges(facts: ReplyFacts, built: Built): Extract<Outcome, { written: true }>['ttlRanges'] {
  const ranges = facts.ranges;
  if (!ranges) return undefined;
  const exact = (rr: ResourceRecord): TtlRange => ranges.get(rr) ?? { min: rr.ttl, max: rr.ttl };
  return { answer: built.records.map(exact), authority: [], additional: built.extra.map(exact) };
}

export function serveDNS(k: Kubernetes, req: Request, ctx: ChainContext, next: Next): Outcome {
  const lower = req.name.toLowerCase();
  const matched = matchZone(k.cfg.zones, lower);
  if (matched === undefined) return next(req);
  // The zone as spelled in the question: SOA owner, SRV/NS targets keep the client's letter case.
  const zone = req.name.slice(req.name.length - matched.length);
  const q: Query = { qname: req.name, name: lower, type: req.type, zone };
  const s: Serving = { chain: ctx, req, facts: newFacts() };

  let result: Built | 'REFUSED';
  try {
    result = lookup(k, q, s);
  } catch (e) {
    if (!(e instanceof PluginPanic)) throw e;
    ctx.explain(`${e.message} → the server recovers and answers SERVFAIL — CoreDNS core/dnsserver/server.go`);
    return { written: false, rcode: 'SERVFAIL' };
  }
  if (result === 'REFUSED') {
    ctx.explain(`${req.type}: zone transfers are refused by the kubernetes plugin — ${SRC} (74ef6e00)`);
    return { written: false, rcode: 'REFUSED' };
  }

  const facts = s.facts;
  if (result.err) {
    const fall = k.cfg.fallthrough;
    if (fall && matchZone(fall, lower) !== undefined) {
      ctx.explain(
        `name error for ${req.name}, and fallthrough covers it: the next plugin answers — ${SRC}, CoreDNS plugin/pkg/fall/fall.go`,
      );
      return next(req);
    }
    ctx.explain(
      `${req.name} does not exist → NXDOMAIN, aa, with the SOA of ${zone} — ${SRC}, CoreDNS plugin/backend_lookup.go BackendError`,
    );
    return { written: true, message: reply('NXDOMAIN', true, [], [soa(k, zone)]) };
  }
  if (result.records.length === 0) {
    ctx.explain(
      `${req.name} exists but has no ${req.type} records → NODATA (NOERROR, aa, SOA of ${zone}) — ${SRC}`,
    );
    return { written: true, message: reply('NOERROR', true, [], [soa(k, zone)]) };
  }
  const message = reply('NOERROR', true, result.records, [], result.extra);
  if (facts.truncated) message.flags.tc = true;
  const out: Outcome = { written: true, message };
  if (!facts.ordered) out.ordered = false;
  if (facts.unknown) out.unknown = true;
  if (facts.forwardedTo !== undefined) out.forwardedTo = facts.forwardedTo;
  const ranges = ttlRanges(facts, result);
  if (ranges) out.ttlRanges = ranges;
  return out;
}
