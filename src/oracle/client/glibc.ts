/**
 * glibc's stub resolver (reference kubernetes-dns.md §6.1): how it reads resolv.conf, the search
 * walk of resolv/res_query.c __res_context_search, and the two entry points the pod tools use —
 * getaddrinfo (ping, `getent ahosts`) and gethostbyname2 (`getent hosts`).
 */
import type { Rcode } from '../../dns/message.ts';
import { glibcHostsLookup, type HostsEntry, type HostsMatch } from './hosts.ts';
import { type Ask, addressesOf, canonicalName, type StubAnswer } from './stub.ts';

export interface GlibcConfig {
  nameservers: string[];
  search: string[];
  ndots: number;
  noTldQuery: boolean;
}

/** resolv/resolv.h RES_MAXNDOTS and MAXNS. */
const MAX_NDOTS = 15;
const MAX_NAMESERVERS = 3;

/**
 * resolv/res_init.c: `nameserver` lines accumulate (three kept); the last `search` or `domain`
 * line wins; `options ndots:n` (default 1, capped at 15) and `no-tld-query`.
 */
export function readGlibcResolvConf(text: string): GlibcConfig {
  const conf: GlibcConfig = { nameservers: [], search: [], ndots: 1, noTldQuery: false };
  for (const line of text.split('\n')) {
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === 'nameserver' && args[0] && conf.nameservers.length < MAX_NAMESERVERS) {
      conf.nameservers.push(args[0]);
    } else if (keyword === 'search') {
      conf.search = args;
    } else if (keyword === 'domain' && args[0]) {
      conf.search = [args[0]];
    } else if (keyword === 'options') {
      for (const opt of args) {
        const ndots = /^ndots:(\d+)$/.exec(opt);
        if (ndots) conf.ndots = Math.min(Number(ndots[1]), MAX_NDOTS);
        if (opt === 'no-tld-query') conf.noTldQuery = true;
      }
    }
  }
  return conf;
}

/** netdb.h h_errno values a query leaves behind. */
export type HErrno = 'HOST_NOT_FOUND' | 'NO_DATA' | 'TRY_AGAIN' | 'NO_RECOVERY';

export interface CandidateResult {
  /** The response counts as an answer: NOERROR with a non-empty answer section (in either reply). */
  success: boolean;
  herrno?: HErrno;
  /** rcode of the first reply (A for an A+AAAA pair): res_query.c tests it for SERVFAIL. */
  firstRcode: Rcode;
  answers: StubAnswer[];
}

function answered(a: StubAnswer): boolean {
  return a.rcode === 'NOERROR' && a.answer.length > 0;
}

/**
 * resolv/res_query.c __res_context_query: success if either reply is NOERROR with answers;
 * otherwise h_errno from the rcode (the second reply's when the first is NOERROR).
 */
export function classify(answers: StubAnswer[]): CandidateResult {
  const [first, second = first] = answers as [StubAnswer, StubAnswer?];
  if (answers.some(answered)) return { success: true, firstRcode: first.rcode, answers };
  const rcode = first.rcode === 'NOERROR' ? (second as StubAnswer).rcode : first.rcode;
  const herrno: HErrno =
    rcode === 'NXDOMAIN'
      ? 'HOST_NOT_FOUND'
      : rcode === 'SERVFAIL'
        ? 'TRY_AGAIN'
        : rcode === 'NOERROR'
          ? 'NO_DATA'
          : 'NO_RECOVERY';
  return { success: false, herrno, firstRcode: first.rcode, answers };
}

export interface SearchResult {
  /** The candidate (absolute, trailing dot) whose reply was an answer. */
  answeredBy?: string;
  result?: CandidateResult;
  /** h_errno when no candidate answered. */
  herrno?: HErrno;
  /** Candidates in the order they were sent. */
  candidates: string[];
  explain: string[];
}

/** `name` + `.` + `domain`, as __res_context_querydomain builds it; the root domain gives `name.`. */
function withDomain(name: string, domain: string | null): string {
  if (domain === null) return name.endsWith('.') ? name : `${name}.`;
  return domain === '' ? `${name}.` : `${name}.${domain}.`;
}

/**
 * resolv/res_query.c __res_context_search, rule for rule:
 * 1. a trailing dot ⇒ the name as is, only;
 * 2. dots ≥ ndots ⇒ the name as is first;
 * 3. then each search domain (`.` is the root): NXDOMAIN and NODATA continue (NODATA remembered),
 *    SERVFAIL continues (remembered), anything else ends the walk;
 * 4. then the name as is, unless already tried, the root was on the list, or `no-tld-query`
 *    forbids it for a dotless name;
 * 5. failure reason: the first as-is result, else NODATA, else SERVFAIL (TRY_AGAIN), else the last.
 */
export function glibcSearch(
  name: string,
  conf: GlibcConfig,
  query: (fqdn: string) => CandidateResult,
): SearchResult {
  const candidates: string[] = [];
  const explain: string[] = [];
  const send = (candidate: string): CandidateResult => {
    candidates.push(candidate);
    return query(candidate);
  };
  const trailingDot = name.endsWith('.');
  const dots = [...name].filter((c) => c === '.').length;
  let savedHerrno: HErrno | undefined;
  let lastHerrno: HErrno = 'HOST_NOT_FOUND';
  let triedAsIs = false;
  let gotNodata = false;
  let gotServfail = false;
  let rootOnList = false;
  let searched = false;

  if (dots >= conf.ndots || trailingDot) {
    explain.push(
      trailingDot
        ? `${name} ends with a dot → queried as is, no search list — glibc resolv/res_query.c __res_context_search`
        : `${name} has ${dots} dots ≥ ndots ${conf.ndots} → tried as is first — glibc resolv/res_query.c __res_context_search`,
    );
    const candidate = withDomain(name, null);
    const r = send(candidate);
    if (r.success) return { answeredBy: candidate, result: r, candidates, explain };
    if (trailingDot) return { herrno: r.herrno, candidates, explain };
    savedHerrno = r.herrno;
    lastHerrno = r.herrno as HErrno;
    triedAsIs = true;
  } else {
    explain.push(
      `${name} has ${dots} dots < ndots ${conf.ndots} → search list first — glibc resolv/res_query.c __res_context_search`,
    );
  }

  if (!trailingDot) {
    for (const entry of conf.search) {
      searched = true;
      const domain = entry.startsWith('.') ? entry.slice(1) : entry;
      if (domain === '') rootOnList = true;
      const candidate = withDomain(name, domain);
      const r = send(candidate);
      if (r.success) return { answeredBy: candidate, result: r, candidates, explain };
      lastHerrno = r.herrno as HErrno;
      if (r.herrno === 'NO_DATA') gotNodata = true;
      else if (r.herrno === 'TRY_AGAIN' && r.firstRcode === 'SERVFAIL') gotServfail = true;
      else if (r.herrno !== 'HOST_NOT_FOUND') {
        explain.push(`${candidate} failed with ${r.herrno} → search stops — glibc resolv/res_query.c`);
        break;
      }
    }
  }

  if ((dots > 0 || !searched || !conf.noTldQuery) && !(triedAsIs || rootOnList)) {
    const candidate = withDomain(name, null);
    const r = send(candidate);
    if (r.success) return { answeredBy: candidate, result: r, candidates, explain };
    lastHerrno = r.herrno as HErrno;
  }

  const herrno = savedHerrno ?? (gotNodata ? 'NO_DATA' : gotServfail ? 'TRY_AGAIN' : lastHerrno);
  return { herrno, candidates, explain };
}

/** A lookup's result as the pod's tools print it. */
export interface Resolution {
  status: 'ok' | 'not-found' | 'no-data' | 'error';
  addresses: string[];
  /** Canonical name (glibc h_name / ai_canonname), absolute with trailing dot. */
  canonical?: string;
  /** The candidate that answered (absolute), for DNS answers. */
  answeredBy?: string;
  source?: 'files' | 'dns';
  herrno?: HErrno;
  unknown: boolean;
  explain: string[];
}

/** An answer from /etc/hosts: its first name is the canonical name; DNS is not asked. */
export function fromHostsFile(file: HostsMatch, addresses: string[], explain: string[]): Resolution {
  return {
    status: 'ok',
    addresses,
    canonical: `${file.canonical}.`,
    source: 'files',
    unknown: false,
    explain,
  };
}

function failure(herrno: HErrno | undefined, unknown: boolean, explain: string[]): Resolution {
  const status = herrno === 'NO_DATA' ? 'no-data' : herrno === 'HOST_NOT_FOUND' ? 'not-found' : 'error';
  return { status, addresses: [], herrno, unknown, explain };
}

function fromDns(search: SearchResult, types: string[], explain: string[]): Resolution {
  const unknown = search.candidates.length > 0 && (search.result?.answers.some((a) => a.unknown) ?? false);
  if (!search.answeredBy || !search.result) return failure(search.herrno, unknown, explain);
  const qname = search.answeredBy;
  const addresses: string[] = [];
  let canonical = qname;
  for (const [i, type] of types.entries()) {
    const reply = search.result.answers[i];
    if (reply?.rcode !== 'NOERROR') continue;
    addresses.push(...addressesOf(reply.answer, qname, type));
    if (reply.answer.length) canonical = canonicalName(reply.answer, qname);
  }
  if (addresses.length === 0) {
    explain.push(
      `${qname} answered without an address of the family at the end of its CNAME chain — glibc resolv/nss_dns/dns-host.c getanswer_r`,
    );
    return failure('NO_DATA', unknown, explain);
  }
  explain.push(`answered by ${qname}: ${addresses.join(' ')} — glibc nss_dns`);
  return { status: 'ok', addresses, canonical, answeredBy: qname, source: 'dns', unknown, explain };
}

/** `unknown` marks answers the oracle could not know; a walk that read one is unknown too. */
function anyUnknown(answers: StubAnswer[]): boolean {
  return answers.some((a) => a.unknown);
}

function walk(name: string, conf: GlibcConfig, ask: Ask, types: string[], seen: StubAnswer[]): SearchResult {
  return glibcSearch(name, conf, (candidate) => {
    const answers = types.map((t) => ask(candidate, t));
    seen.push(...answers);
    return classify(answers);
  });
}

/**
 * getaddrinfo(AF_UNSPEC) with nsswitch `hosts: files dns` (nss/getaddrinfo.c gaih_inet): /etc/hosts
 * first (no search list), then one search walk sending A and AAAA together for each candidate
 * (T_QUERY_A_AND_AAAA). Addresses: IPv4 first for a pod without IPv6 (RFC 6724 rule 1, unusable
 * destinations last), IPv6 first otherwise (rule 6, precedence).
 */
export function glibcGetaddrinfo(
  name: string,
  conf: GlibcConfig,
  hosts: HostsEntry[],
  ask: Ask,
  podHasIPv6: boolean,
): Resolution {
  const explain: string[] = [];
  // The name is compared as given: `foo.` matches no /etc/hosts line (seen live, glibc 2.36).
  const file = glibcHostsLookup(hosts, name, 'unspec');
  if (file) {
    explain.push(
      `${name} found in /etc/hosts (files before dns, no search list) — glibc nss/nss_files/files-hosts.c`,
    );
    return fromHostsFile(file, order(file.addresses, podHasIPv6), explain);
  }
  const seen: StubAnswer[] = [];
  const search = walk(name, conf, ask, ['A', 'AAAA'], seen);
  explain.push(
    ...search.explain,
    'each candidate sent as A and AAAA together — glibc resolv/res_query.c T_QUERY_A_AND_AAAA',
  );
  const r = fromDns(search, ['A', 'AAAA'], explain);
  r.unknown = anyUnknown(seen);
  r.addresses = order(r.addresses, podHasIPv6);
  return r;
}

function order(addresses: string[], podHasIPv6: boolean): string[] {
  const v4 = addresses.filter((a) => !a.includes(':'));
  const v6 = addresses.filter((a) => a.includes(':'));
  return podHasIPv6 ? [...v6, ...v4] : [...v4, ...v6];
}

/** gethostbyname2(name, family): files then a DNS walk of one type (nss/nss_files, resolv/nss_dns). */
export function glibcGethostbyname2(
  name: string,
  family: 'inet' | 'inet6',
  conf: GlibcConfig,
  hosts: HostsEntry[],
  ask: Ask,
): Resolution {
  const explain: string[] = [];
  const file = glibcHostsLookup(hosts, name, family);
  if (file) {
    explain.push(`${name} found in /etc/hosts as ${family === 'inet6' ? 'IPv6' : 'IPv4'} — glibc nss_files`);
    return fromHostsFile(file, file.addresses, explain);
  }
  const type = family === 'inet6' ? 'AAAA' : 'A';
  const seen: StubAnswer[] = [];
  const search = walk(name, conf, ask, [type], seen);
  explain.push(...search.explain);
  const r = fromDns(search, [type], explain);
  r.unknown = anyUnknown(seen);
  return r;
}
