/**
 * The cache plugin as a client sees it (reference coredns-kubernetes.md §8.1; CoreDNS
 * plugin/cache/{cache,handler,item}.go, plugin/pkg/response/typify.go, plugin/pkg/dnsutil/ttl.go).
 *
 * The oracle has no clock: it cannot know whether a live reply is a cache miss or a hit. It predicts
 * the miss (what the chain behind the cache writes, with every TTL rewritten to one value d) and,
 * where the reply is stored, the range of TTLs a hit can show (d counting down to 1).
 */
import type { DnsMessage, ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { matchZone, SECTIONS, type SectionRanges, type WrittenOutcome } from '../../server.ts';
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

/** The version-dependent rules of the cache, decided once per setup. */
interface Rules {
  /** 1.14.4 (#8134): MinimalTTL starts from the cache's own cap instead of 3600. */
  capStart: boolean;
  /** 1.14.5 (#8199): NXDOMAIN with answers is an error; NXDOMAIN without SOA a denial that is not stored. */
  nxdomainRework: boolean;
  /** 1.14.7 (#8232): NOERROR whose answer does not answer the question counts as NODATA. */
  answerCheck: boolean;
}

function rulesFor(version: string): Rules {
  return {
    capStart: versionAtLeast(version, '1.14.4'),
    nxdomainRework: versionAtLeast(version, '1.14.5'),
    answerCheck: versionAtLeast(version, '1.14.7'),
  };
}

function hasType(rrs: ResourceRecord[], type: string): boolean {
  for (const r of rrs) if (r.type === type) return true;
  return false;
}

/** response.Typify, as of the version's rules. */
export function typify(m: DnsMessage, qtype: string, r: Rules): ResponseType {
  if (qtype === 'AXFR' || qtype === 'IXFR') return 'Meta';
  const hasAnswer = m.answer.length > 0;
  if (hasAnswer && m.rcode === 'NOERROR') return 'NoError';
  if (r.nxdomainRework && hasAnswer && m.rcode === 'NXDOMAIN') return 'OtherError';
  const soa = hasType(m.authority, 'SOA');
  if (soa && m.rcode === 'NOERROR') return 'NoData';
  if (m.rcode === 'NXDOMAIN' && (soa || r.nxdomainRework)) return 'NameError';
  if (m.rcode === 'SERVFAIL' || m.rcode === 'NOTIMP') return 'ServerError';
  if (m.rcode === 'NOERROR' && hasType(m.authority, 'NS')) return 'Delegation';
  if (m.rcode === 'NOERROR') return 'NoError';
  return 'OtherError';
}

/** The CNAME target of `owner` in the answer; null when it has two different ones (malformed). */
function cnameOf(answer: ResourceRecord[], owner: string): string | undefined | null {
  let target: string | undefined;
  const o = owner.toLowerCase();
  for (const r of answer) {
    if (r.type !== 'CNAME' || r.name.toLowerCase() !== o) continue;
    if (target !== undefined && target.toLowerCase() !== r.data.toLowerCase()) return null;
    target = r.data;
  }
  return target;
}

/**
 * answersQuestion (1.14.7): a NOERROR answer holds a record of the asked type at the end of the
 * CNAME chain that starts at the question name (ANY: any record at the name; CNAME: a CNAME).
 */
export function answersQuestion(m: DnsMessage, qname: string, qtype: string): boolean {
  if (m.rcode !== 'NOERROR' || m.answer.length === 0) return false;
  if (qtype === 'ANY') return m.answer.some((r) => r.name.toLowerCase() === qname.toLowerCase());
  if (qtype === 'CNAME') return typeof cnameOf(m.answer, qname) === 'string';
  const seen = new Set<string>();
  let name = qname.toLowerCase();
  for (;;) {
    if (seen.has(name)) return false; // loop
    seen.add(name);
    const next = cnameOf(m.answer, name);
    if (next === null) return false;
    if (next === undefined) break;
    name = next.toLowerCase();
  }
  for (const r of m.answer) if (r.type === qtype && r.name.toLowerCase() === name) return true;
  return false;
}

/** cacheResponseType: since 1.14.7 a NOERROR whose answer does not answer, but with an SOA, is NODATA. */
function cacheResponseType(m: DnsMessage, req: Request, r: Rules): ResponseType {
  const t = typify(m, req.type, r);
  if (
    r.answerCheck &&
    t === 'NoError' &&
    hasType(m.authority, 'SOA') &&
    !answersQuestion(m, req.name, req.type)
  ) {
    return 'NoData';
  }
  return t;
}

/** cache.go key(): whether a reply of this type may be stored at all. */
function storable(m: DnsMessage, t: ResponseType, req: Request, r: Rules): boolean {
  if (m.flags.tc) return false;
  if (t === 'OtherError' || t === 'Meta') return false;
  if (r.nxdomainRework && t === 'NameError' && !hasType(m.authority, 'SOA')) return false;
  if (
    r.answerCheck &&
    t === 'NoError' &&
    m.answer.length > 0 &&
    !hasType(m.authority, 'SOA') &&
    !answersQuestion(m, req.name, req.type)
  ) {
    return false;
  }
  return true;
}

type Bound = 'min' | 'max' | 'ttl';

/**
 * dnsutil.MinimalTTL(WithMaximum): the lowest TTL of the reply (OPT excluded, not modelled here),
 * over the records' nominal TTLs or their range bounds; 5 for error types and for replies
 * without records.
 */
function minimalTTL(
  m: DnsMessage,
  ranges: SectionRanges | undefined,
  bound: Bound,
  t: ResponseType,
  maximum: number,
): number {
  if (t !== 'NoError' && t !== 'NameError' && t !== 'NoData') return 5;
  if (m.answer.length + m.authority.length + m.additional.length === 0) return 5;
  let min = maximum;
  for (const s of SECTIONS) {
    const rrs = m[s];
    const rs = ranges?.[s];
    for (let i = 0; i < rrs.length; i++) {
      const x = rs?.[i];
      const ttl = bound === 'ttl' || !x ? (rrs[i] as ResourceRecord).ttl : x[bound];
      if (ttl < min) min = ttl;
    }
  }
  return min;
}

/** WriteMsg's duration: the one TTL every record of the reply is rewritten to. */
function duration(
  c: CacheConfig,
  r: Rules,
  t: ResponseType,
  m: DnsMessage,
  ranges: SectionRanges | undefined,
  bound: Bound,
): number {
  if (t === 'ServerError') return c.failttl;
  const negative = t === 'NameError' || t === 'NoData';
  const cap = negative ? c.nttl : c.pttl;
  const floor = negative ? c.minnttl : c.minpttl;
  const ttl = minimalTTL(m, ranges, bound, t, r.capStart ? cap : 3600);
  return Math.min(Math.max(ttl, floor), cap);
}

function withTtl(rrs: ResourceRecord[], d: number): ResourceRecord[] {
  let same = true;
  for (const rr of rrs) if (rr.ttl !== d) same = false;
  if (same) return rrs;
  const out = new Array<ResourceRecord>(rrs.length);
  for (let i = 0; i < rrs.length; i++) {
    const rr = rrs[i] as ResourceRecord;
    out[i] = rr.ttl === d ? rr : { name: rr.name, type: rr.type, ttl: d, data: rr.data };
  }
  return out;
}

function sameRange(n: number, range: TtlRange): TtlRange[] {
  const out = new Array<TtlRange>(n);
  for (let i = 0; i < n; i++) out[i] = range;
  return out;
}

/** Explanations repeat with few distinct values: build each text once. */
const texts = new Map<string, Map<number, string>>();
function recall(kind: string, key: number): string | undefined {
  return texts.get(kind)?.get(key);
}
function remember(kind: string, key: number, text: string): string {
  let byValue = texts.get(kind);
  if (!byValue) {
    byValue = new Map();
    texts.set(kind, byValue);
  }
  byValue.set(key, text);
  return text;
}

/** The cache's effect on one reply written behind it. */
function throughCache(
  c: CacheConfig,
  r: Rules,
  req: Request,
  out: WrittenOutcome,
  ctx: ChainContext,
): WrittenOutcome {
  const m = out.message;
  const t = cacheResponseType(m, req, r);
  const ranges = out.ttlRanges;
  const d = duration(c, r, t, m, ranges, 'ttl');
  const low = ranges ? duration(c, r, t, m, ranges, 'min') : d;
  const high = ranges ? duration(c, r, t, m, ranges, 'max') : d;
  ctx.explain(
    recall(t, d) ??
      remember(
        t,
        d,
        `cache: a ${t} reply has every TTL set to ${d} (lowest TTL clamped to the cache's bounds) — ${SRC} WriteMsg`,
      ),
  );

  const negative = t === 'NameError' || t === 'NoData' || t === 'ServerError';
  let stored = storable(m, t, req, r) && high > 0;
  if (stored) {
    const except = matchZone(negative ? c.denialExcept : c.successExcept, req.name);
    if (except !== undefined) {
      stored = false;
      const kind = negative ? 'denial' : 'success';
      const key = d * 2 + (negative ? 1 : 0);
      ctx.explain(
        recall(except, key) ??
          remember(
            except,
            key,
            `cache: not stored (disable ${kind} ${except}), so the TTL stays ${d} — ${SRC} set`,
          ),
      );
    }
  }
  let min = low;
  let max = high;
  if (stored) {
    // A hit shows the stored duration minus the whole seconds elapsed, ≥ 1 (item.go ttl, handler.go).
    min = Math.min(low, c.keepttl ? low : c.serveStale ? c.staleTTL : 1);
    if (c.serveStale) max = Math.max(high, c.staleTTL);
    ctx.explain(
      recall('stored', d * 1e12 + min * 1e6 + max) ??
        remember(
          'stored',
          d * 1e12 + min * 1e6 + max,
          `cache: stored for ${d}s; a cache hit shows a TTL between ${min} and ${max} and sets aa — CoreDNS plugin/cache/item.go toMsg`,
        ),
    );
  }
  const answer = withTtl(m.answer, d);
  const authority = withTtl(m.authority, d);
  const additional = withTtl(m.additional, d);
  const unchanged = answer === m.answer && authority === m.authority && additional === m.additional;
  const message: DnsMessage = unchanged
    ? m
    : { rcode: m.rcode, flags: m.flags, answer, authority, additional };
  const next: WrittenOutcome = { ...out, message };
  if ((min === d && max === d) || m.answer.length + m.authority.length + m.additional.length === 0) {
    delete next.ttlRanges;
  } else {
    const range = { min, max };
    next.ttlRanges = {
      answer: sameRange(m.answer.length, range),
      authority: sameRange(m.authority.length, range),
      additional: sameRange(m.additional.length, range),
    };
  }
  return next;
}

export const cachePlugin: PluginModel = {
  name: 'cache',
  setup(directives, block, file, version) {
    const c = parseCache(directives, block, file, version.version);
    const rules = rulesFor(version.version);
    return {
      serve(req, ctx, next): Outcome {
        if (!matchZone(c.zones, req.name)) return next(req);
        const out = next(req);
        // Unwritten error rcodes never reach the cache's writer: the server writes them bare.
        if (!out.written) return out;
        if (out.unknown) {
          ctx.explain(`cache: the reply is unknown, so are the TTLs the cache sets on it — ${SRC}`);
          return out;
        }
        return throughCache(c, rules, req, out, ctx);
      },
    };
  },
};
