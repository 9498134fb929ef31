/**
 * The cache plugin as a client sees it (reference coredns-kubernetes.md §8.1; CoreDNS
 * plugin/cache/{cache,handler,item}.go, plugin/pkg/response/typify.go, plugin/pkg/dnsutil/ttl.go).
 *
 * The oracle has no clock: it cannot know whether a live reply is a cache miss or a hit. It predicts
 * the miss (what the chain behind the cache writes, with every TTL rewritten to one value d) and,
 * where the reply is stored, the range of TTLs a hit can show (d counting down to 1).
 */
import type { DnsMessage, ResourceRecord } from '../../../dns/message.ts';
import type { Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import {
  matchZone,
  rangesOf,
  SECTIONS,
  type SectionRanges,
  significantRanges,
  type WrittenOutcome,
} from '../../server.ts';
import type { TtlRange } from '../../types.ts';
import { type CacheConfig, parseCache } from './setup.ts';

const SRC = 'CoreDNS plugin/cache/cache.go';

/** response.Type (plugin/pkg/response/typify.go). */
export type ResponseType =
  | 'NoError'
  | 'NameError'
  | 'NoData'
  | 'Delegation'
  | 'ServerError'
  | 'OtherError'
  | 'Meta';

/** response.Typify, as of `version`. */
export function typify(m: DnsMessage, qtype: string, version: string): ResponseType {
  if (qtype === 'AXFR' || qtype === 'IXFR') return 'Meta';
  const hasAnswer = m.answer.length > 0;
  if (hasAnswer && m.rcode === 'NOERROR') return 'NoError';
  // Since 1.14.5 (#8199): NXDOMAIN with records in the answer is an error, NXDOMAIN without SOA a denial.
  const since1145 = versionAtLeast(version, '1.14.5');
  if (since1145 && hasAnswer && m.rcode === 'NXDOMAIN') return 'OtherError';
  const soa = m.authority.some((r) => r.type === 'SOA');
  const ns = m.authority.some((r) => r.type === 'NS');
  if (soa && m.rcode === 'NOERROR') return 'NoData';
  if (m.rcode === 'NXDOMAIN' && (soa || since1145)) return 'NameError';
  if (m.rcode === 'SERVFAIL' || m.rcode === 'NOTIMP') return 'ServerError';
  if (ns && m.rcode === 'NOERROR') return 'Delegation';
  if (m.rcode === 'NOERROR') return 'NoError';
  return 'OtherError';
}

/**
 * answersQuestion (1.14.7): a NOERROR answer holds a record of the asked type at the end of the
 * CNAME chain that starts at the question name (ANY: any record at the name; CNAME: a CNAME).
 */
export function answersQuestion(m: DnsMessage, qname: string, qtype: string): boolean {
  if (m.rcode !== 'NOERROR' || m.answer.length === 0) return false;
  const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const cnameOf = (owner: string): string | undefined | null => {
    let target: string | undefined;
    for (const r of m.answer) {
      if (r.type !== 'CNAME' || !eq(r.name, owner)) continue;
      if (target !== undefined && !eq(target, r.data)) return null; // two canonical names: malformed
      target = r.data;
    }
    return target;
  };
  if (qtype === 'ANY') return m.answer.some((r) => eq(r.name, qname));
  if (qtype === 'CNAME') return typeof cnameOf(qname) === 'string';
  const seen = new Set<string>();
  let name = qname;
  for (;;) {
    if (seen.has(name.toLowerCase())) return false; // loop
    seen.add(name.toLowerCase());
    const next = cnameOf(name);
    if (next === null) return false;
    if (next === undefined) break;
    name = next;
  }
  return m.answer.some((r) => r.type === qtype && eq(r.name, name));
}

/** cacheResponseType: since 1.14.7 a NOERROR whose answer does not answer, but with an SOA, is NODATA. */
function cacheResponseType(m: DnsMessage, req: Request, version: string): ResponseType {
  const t = typify(m, req.type, version);
  if (
    versionAtLeast(version, '1.14.7') &&
    t === 'NoError' &&
    m.authority.some((r) => r.type === 'SOA') &&
    m.answer.length > 0 &&
    !answersQuestion(m, req.name, req.type)
  ) {
    return 'NoData';
  }
  return t;
}

/** cache.go key(): whether a reply of this type may be stored at all. */
function storable(m: DnsMessage, t: ResponseType, req: Request, version: string): boolean {
  if (m.flags.tc) return false;
  if (t === 'OtherError' || t === 'Meta') return false;
  const soa = m.authority.some((r) => r.type === 'SOA');
  // Since 1.14.5: negative caching needs an SOA for the denial TTL.
  if (versionAtLeast(version, '1.14.5') && t === 'NameError' && !soa) return false;
  // Since 1.14.7 (#8232): SOA-less NODATA hidden in a NOERROR with a non-answering CNAME chain.
  if (
    versionAtLeast(version, '1.14.7') &&
    t === 'NoError' &&
    !soa &&
    m.answer.length > 0 &&
    !answersQuestion(m, req.name, req.type)
  ) {
    return false;
  }
  return true;
}

/**
 * dnsutil.MinimalTTL(WithMaximum): the lowest TTL of the reply (OPT excluded, not modelled here);
 * 5 for error types and for replies without records. The start value is 3600, and since 1.14.4
 * (#8134) the cache's own cap.
 */
function minimalTTL(ttls: number[], t: ResponseType, maximum: number): number {
  if (t !== 'NoError' && t !== 'NameError' && t !== 'NoData') return 5;
  if (ttls.length === 0) return 5;
  let min = maximum;
  for (const ttl of ttls) if (ttl < min) min = ttl;
  return min;
}

/** WriteMsg's duration: the one TTL every record of the reply is rewritten to. */
function duration(c: CacheConfig, t: ResponseType, ttls: number[], version: string): number {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const start = (cap: number) => (versionAtLeast(version, '1.14.4') ? cap : 3600);
  if (t === 'NameError' || t === 'NoData')
    return clamp(minimalTTL(ttls, t, start(c.nttl)), c.minnttl, c.nttl);
  if (t === 'ServerError') return c.failttl;
  return clamp(minimalTTL(ttls, t, start(c.pttl)), c.minpttl, c.pttl);
}

function allTtls(
  m: DnsMessage,
  pick: (r: ResourceRecord, range: TtlRange | undefined) => number,
  rs: SectionRanges,
) {
  const out: number[] = [];
  for (const s of SECTIONS) {
    const rrs = m[s];
    for (let i = 0; i < rrs.length; i++) out.push(pick(rrs[i] as ResourceRecord, rs[s][i]));
  }
  return out;
}

/** The cache's effect on one reply written behind it. */
export function throughCache(
  c: CacheConfig,
  version: string,
  req: Request,
  out: WrittenOutcome,
  explain: (rule: string) => void,
): WrittenOutcome {
  const m = out.message;
  const t = cacheResponseType(m, req, version);
  const ranges = rangesOf(out);
  const d = duration(
    c,
    t,
    allTtls(m, (r) => r.ttl, ranges),
    version,
  );
  const low = duration(
    c,
    t,
    allTtls(m, (r, x) => x?.min ?? r.ttl, ranges),
    version,
  );
  const high = duration(
    c,
    t,
    allTtls(m, (r, x) => x?.max ?? r.ttl, ranges),
    version,
  );
  explain(
    `cache: a ${t} reply has every TTL set to ${d} (lowest TTL clamped to the cache's bounds) — ${SRC} WriteMsg`,
  );

  const negative = t === 'NameError' || t === 'NoData' || t === 'ServerError';
  const except = negative ? c.denialExcept : c.successExcept;
  let stored = storable(m, t, req, version) && high > 0;
  if (stored && matchZone(except, req.name)) {
    stored = false;
    explain(
      `cache: not stored (disable ${negative ? 'denial' : 'success'} ${matchZone(except, req.name)}), so the TTL stays ${d} — ${SRC} set`,
    );
  }
  let min = low;
  let max = high;
  if (stored) {
    // A hit shows the stored duration minus the whole seconds elapsed, ≥ 1 (item.go ttl, handler.go).
    const hitMin = c.keepttl ? low : c.serveStale ? c.staleTTL : 1;
    min = Math.min(low, hitMin);
    if (c.serveStale) max = Math.max(high, c.staleTTL);
    explain(
      `cache: stored for ${d}s; a cache hit shows a TTL between ${min} and ${max} and sets aa — CoreDNS plugin/cache/item.go toMsg`,
    );
  }
  const rewrite = (rrs: ResourceRecord[]) => rrs.map((r) => (r.ttl === d ? r : { ...r, ttl: d }));
  const message: DnsMessage = {
    ...m,
    answer: rewrite(m.answer),
    authority: rewrite(m.authority),
    additional: rewrite(m.additional),
  };
  const range = (rrs: ResourceRecord[]) => rrs.map(() => ({ min, max }));
  const next: WrittenOutcome = { ...out, message };
  const ttlRanges = significantRanges(message, {
    answer: range(m.answer),
    authority: range(m.authority),
    additional: range(m.additional),
  });
  if (ttlRanges) next.ttlRanges = ttlRanges;
  else delete next.ttlRanges;
  return next;
}

export const cachePlugin: PluginModel = {
  name: 'cache',
  setup(directives, block, file, version) {
    const c = parseCache(directives, block, file, version.version);
    return {
      serve(req, ctx, next): Outcome {
        if (!matchZone(c.zones, req.name)) return next(req);
        const out = next(req);
        // Unwritten error rcodes never reach the cache's writer: the server writes them bare.
        if (!out.written) return out;
        return throughCache(c, version.version, req, out, (r) => ctx.explain(r));
      },
    };
  },
};
