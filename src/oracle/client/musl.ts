/**
 * musl's stub resolver (reference kubernetes-dns.md §6.2; musl src/network/resolvconf.c,
 * lookup_name.c): getaddrinfo as Alpine-based pods run it.
 */

import { fromHostsFile, type Resolution } from './glibc.ts';
import type { HostsEntry, HostsMatch } from './hosts.ts';
import { type Ask, canonicalName, type StubAnswer } from './stub.ts';

export interface MuslConfig {
  nameservers: string[];
  search: string[];
  ndots: number;
  /** Lines dropped because they did not fit musl's 256-byte line buffer. */
  droppedLines: string[];
}

/** musl resolvconf.c: `char line[256]` read with fgets. */
const LINE_BUFFER = 256;
const MAX_NDOTS = 15;
const MAX_NAMESERVERS = 3;

/**
 * musl resolvconf.c __get_resolv_conf: a line that does not fit the 256-byte buffer (255 characters
 * or more before its newline) is skipped whole; the last `search`/`domain` line wins; options
 * ndots (cap 15), attempts, timeout only.
 */
export function readMuslResolvConf(text: string): MuslConfig {
  const conf: MuslConfig = { nameservers: [], search: [], ndots: 1, droppedLines: [] };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const hasNewline = i < lines.length - 1;
    if (hasNewline && line.length >= LINE_BUFFER - 1) {
      conf.droppedLines.push(line);
      return;
    }
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === 'nameserver' && args[0] && conf.nameservers.length < MAX_NAMESERVERS) {
      conf.nameservers.push(args[0]);
    } else if (keyword === 'search' || keyword === 'domain') {
      conf.search = args;
    } else if (keyword === 'options') {
      for (const opt of args) {
        const ndots = /^ndots:(\d+)$/.exec(opt);
        if (ndots) conf.ndots = Math.min(Number(ndots[1]), MAX_NDOTS);
      }
    }
  });
  return conf;
}

/**
 * musl lookup_name.c name_from_hosts: a line matches when the name appears in it delimited by
 * blanks (strstr: case-sensitive); every matching line adds its address of the family, and the
 * canonical name is the first name of the last matching line.
 */
export function muslHostsLookup(entries: HostsEntry[], name: string): HostsMatch | undefined {
  const lines = entries.filter((e) => e.names.includes(name));
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  return { canonical: last.names[0] as string, addresses: lines.map((e) => e.address) };
}

type CandidateOutcome =
  | { kind: 'answer'; addresses: string[]; canonical: string }
  | { kind: 'nxdomain' }
  | { kind: 'fail'; status: Resolution['status']; why: string };

/**
 * musl lookup_name.c name_from_dns: A and AAAA sent together; SERVFAIL → EAI_AGAIN; NXDOMAIN in
 * either reply → "try the next name"; another rcode → EAI_FAIL; NOERROR without an address →
 * EAI_NONAME, which ends the whole lookup.
 */
function nameFromDns(candidate: string, ask: Ask, seen: StubAnswer[]): CandidateOutcome {
  const replies = ['A', 'AAAA'].map((t) => ask(candidate, t));
  seen.push(...replies);
  for (const r of replies) {
    if (r.rcode === 'SERVFAIL') return { kind: 'fail', status: 'error', why: 'SERVFAIL → EAI_AGAIN' };
    if (r.rcode === 'NXDOMAIN') return { kind: 'nxdomain' };
    if (r.rcode !== 'NOERROR') return { kind: 'fail', status: 'error', why: `${r.rcode} → EAI_FAIL` };
  }
  // dns_parse_callback keeps every A/AAAA record of the reply; a CNAME sets the canonical name.
  const addresses = replies.flatMap((r, i) => r.answer.filter((rr) => rr.type === (i === 0 ? 'A' : 'AAAA')));
  if (addresses.length === 0)
    return { kind: 'fail', status: 'not-found', why: 'NOERROR without addresses → EAI_NONAME' };
  const canonical = canonicalName(
    replies.flatMap((r) => r.answer),
    candidate,
  );
  return { kind: 'answer', addresses: addresses.map((r) => r.data), canonical };
}

/**
 * musl getaddrinfo(AF_UNSPEC) → __lookup_name: /etc/hosts with the name as given, then
 * name_from_dns_search: dots ≥ ndots or a trailing dot ⇒ the name as is only (never the search
 * list); otherwise each search domain, then the name as is. Only NXDOMAIN moves on.
 */
export function muslGetaddrinfo(
  name: string,
  conf: MuslConfig,
  hosts: HostsEntry[],
  ask: Ask,
): Resolution & {
  candidates: string[];
} {
  const explain: string[] = [];
  const candidates: string[] = [];
  const seen: StubAnswer[] = [];
  if (conf.droppedLines.length) {
    explain.push(
      `resolv.conf line of ${conf.droppedLines[0]?.length} characters does not fit musl's 256-byte buffer and is ignored — musl src/network/resolvconf.c`,
    );
  }
  const file = muslHostsLookup(hosts, name);
  if (file) {
    explain.push(`${name} found in /etc/hosts — musl src/network/lookup_name.c name_from_hosts`);
    return { ...fromHostsFile(file, file.addresses, explain), candidates };
  }
  const trailingDot = name.endsWith('.');
  const bare = trailingDot ? name.slice(0, -1) : name;
  const dots = [...name].filter((c) => c === '.').length;
  const search = dots >= conf.ndots || trailingDot ? [] : conf.search;
  explain.push(
    search.length || conf.search.length === 0
      ? `${name}: each search domain, then as is — musl src/network/lookup_name.c name_from_dns_search`
      : `${name} has ${dots} dots ≥ ndots ${conf.ndots} or a trailing dot → as is only, no search list — musl lookup_name.c name_from_dns_search`,
  );
  const unknown = () => seen.some((a) => a.unknown);
  for (const candidate of [...search.map((d) => `${bare}.${d}.`), `${bare}.`]) {
    candidates.push(candidate);
    const r = nameFromDns(candidate, ask, seen);
    if (r.kind === 'answer') {
      explain.push(`answered by ${candidate} — musl lookup_name.c name_from_dns`);
      return {
        status: 'ok',
        addresses: r.addresses,
        canonical: r.canonical,
        answeredBy: candidate,
        source: 'dns',
        unknown: unknown(),
        explain,
        candidates,
      };
    }
    if (r.kind === 'fail') {
      explain.push(`${candidate}: ${r.why} — the lookup stops here (musl lookup_name.c name_from_dns)`);
      return { status: r.status, addresses: [], unknown: unknown(), explain, candidates };
    }
  }
  return { status: 'not-found', addresses: [], unknown: unknown(), explain, candidates };
}
