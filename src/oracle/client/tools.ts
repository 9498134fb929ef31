/**
 * What each tool run inside a pod shows (reference kubernetes-dns.md §6, §8a step 6): the pod's
 * files (resolv.ts, hosts.ts), the resolver the tool goes through (glibc.ts, musl.ts, bind.ts),
 * and, for every DNS question that resolver sends, the wire oracle's answer (`resolve`, a parameter).
 */
import type { ClusterOptions } from '../../cluster/options.ts';
import type { Pod } from '../../cluster/types.ts';
import { fqdn, type ResourceRecord } from '../../dns/message.ts';
import type { OracleQuery, Prediction, Tool, ToolOutcome } from '../types.ts';
import { type BindWalk, bindSearch, readBindResolvConf } from './bind.ts';
import { glibcGetaddrinfo, glibcGethostbyname2, type Resolution, readGlibcResolvConf } from './glibc.ts';
import { parseHostsFile, podHostsFile } from './hosts.ts';
import { muslGetaddrinfo, readMuslResolvConf } from './musl.ts';
import { podResolvConf } from './resolv.ts';
import { type Ask, canonicalName, loggingAsk, type SentQuery, type StubAnswer } from './stub.ts';

/** A container image's own /etc/hosts (used when kubelet does not manage it): localhost only. */
const IMAGE_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost\n';

export interface PredictToolInput {
  pod: Pod;
  tool: Tool;
  name: string;
  /** Query type for dig/dig-search/host (`host` without a type does its A, AAAA, MX lookups). */
  type?: string;
  options: ClusterOptions;
  /** The wire oracle: what CoreDNS answers one question. */
  resolve: (q: OracleQuery) => Prediction;
  /** The node's /etc/hosts, for hostNetwork pods. */
  nodeHostsFile?: string;
}

export interface ToolPrediction extends ToolOutcome {
  /** Every DNS question the tool's resolver sends, in order, with the rcode of its answer. */
  queries: SentQuery[];
  /** `addresses` may come in another order (several records or both families: shuffled or sorted). */
  addressesUnordered: boolean;
  /** Some answer on the way could not be known by the oracle. */
  unknown: boolean;
  explain: string[];
}

/** Questions go to the pod's first nameserver; the oracle models the CoreDNS under test. */
function makeAsk(
  input: PredictToolInput,
  nameservers: string[],
  explain: string[],
): { ask: Ask; unknown: () => boolean } {
  const ownDNS = nameservers.some((ns) => input.options.clusterDNS.includes(ns));
  if (!ownDNS) {
    explain.push(
      `the pod's nameservers (${nameservers.join(' ') || 'none'}) are not the cluster DNS: answers are not CoreDNS's — unknown`,
    );
  }
  let unknown = !ownDNS;
  const ask: Ask = (name, type) => {
    const p = input.resolve({
      name,
      type,
      ...(input.pod.podIP ? { clientIP: input.pod.podIP } : {}),
      port: 53,
      transport: 'udp',
    });
    if (p.unknown) unknown = true;
    const answer: StubAnswer = { rcode: p.message.rcode, answer: p.message.answer };
    return p.unknown ? { ...answer, unknown: true } : answer;
  };
  return { ask, unknown: () => unknown };
}

function statusOf(reply: StubAnswer): ToolOutcome['status'] {
  if (reply.rcode === 'NXDOMAIN') return 'not-found';
  if (reply.rcode !== 'NOERROR') return 'error';
  return reply.answer.length ? 'ok' : 'no-data';
}

function addressRecords(records: ResourceRecord[]): string[] {
  return records.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data);
}

/** The BIND search walk dig and host make for the asked type (A by default); they print its last reply. */
function bindWalk(
  input: PredictToolInput,
  resolv: string,
  search: boolean,
  ask: Ask,
  explain: string[],
): { walk: BindWalk; last: BindWalk['steps'][number] } {
  const type = input.type ?? 'A';
  const walk = bindSearch(input.name, readBindResolvConf(resolv), search, (n) => ask(n, type));
  explain.push(...walk.explain);
  const last = walk.steps[walk.steps.length - 1];
  if (!last) throw new Error('a BIND search walk always sends one question');
  return { walk, last };
}

/** dig / dig +search (BIND dighost.c): no /etc/hosts; the last reply is what dig prints. */
function predictDig(
  input: PredictToolInput,
  resolv: string,
  ask: Ask,
  search: boolean,
  explain: string[],
): ToolOutcome {
  const { walk, last } = bindWalk(input, resolv, search, ask, explain);
  const status = statusOf(last.reply);
  return {
    status,
    tried: walk.steps.map((s) => s.name),
    ...(status === 'ok' ? { answeredBy: last.name } : {}),
    source: 'dns' as const,
    addresses: addressRecords(last.reply.answer),
    records: last.reply.answer,
  };
}

/**
 * BIND host (bin/dig/host.c): the search walk for A (advancing on NXDOMAIN only); after a NOERROR
 * A reply, AAAA and MX for the answered name (its CNAME chain followed), each printed in turn.
 * Records print as `has address`, `has IPv6 address`, `is an alias for`, `mail is handled by`.
 */
function predictHost(input: PredictToolInput, resolv: string, ask: Ask, explain: string[]): ToolOutcome {
  const { last } = bindWalk(input, resolv, true, ask, explain);
  const records = [...last.reply.answer];
  if (last.reply.rcode !== 'NOERROR') {
    explain.push(`host prints "Host ${input.name} not found: …(${last.reply.rcode})" — BIND host.c`);
    return { status: statusOf(last.reply), tried: [], source: 'dns' as const, addresses: [], records: [] };
  }
  if (input.type === undefined) {
    const target = canonicalName(last.reply.answer, last.name);
    explain.push(`no type given: A, then AAAA and MX for ${target} — BIND host.c (default lookups)`);
    for (const extra of ['AAAA', 'MX']) {
      const reply = ask(target, extra);
      if (reply.rcode === 'NOERROR') records.push(...reply.answer.filter((r) => r.type !== 'CNAME'));
    }
  }
  const status: ToolOutcome['status'] = records.length ? 'ok' : 'no-data';
  return {
    status,
    tried: [],
    ...(status === 'ok' ? { answeredBy: fqdn(records[0]?.name ?? last.name) } : {}),
    source: 'dns' as const,
    addresses: addressRecords(records),
    records,
  };
}

function fromResolution(r: Resolution, explain: string[]): ToolOutcome {
  explain.push(...r.explain);
  return {
    status: r.status,
    tried: [],
    ...(r.status === 'ok' && r.canonical ? { answeredBy: r.canonical } : {}),
    ...(r.source ? { source: r.source } : {}),
    addresses: r.addresses,
    records: [],
  };
}

/**
 * getent hosts (glibc nss/getent.c hosts_keys): gethostbyname2(AF_INET6), and only if that fails
 * gethostbyname2(AF_INET) — two full walks (files, then DNS) in an IPv4-only cluster. getent
 * prints nothing and exits 2 on any failure, so NODATA shows as not found.
 */
function predictGetent(
  input: PredictToolInput,
  resolv: string,
  hosts: string,
  ask: Ask,
  explain: string[],
): ToolOutcome {
  const conf = readGlibcResolvConf(resolv);
  const entries = parseHostsFile(hosts);
  explain.push('getent hosts: AF_INET6 first, then AF_INET — glibc nss/getent.c hosts_keys');
  const v6 = glibcGethostbyname2(input.name, 'inet6', conf, entries, ask);
  const r = v6.status === 'ok' ? v6 : glibcGethostbyname2(input.name, 'inet', conf, entries, ask);
  if (v6.status !== 'ok') explain.push(...v6.explain.map((e) => `(AAAA) ${e}`));
  const out = fromResolution(r, explain);
  return r.status === 'ok' ? out : { ...out, status: 'not-found' };
}

/**
 * ping (iputils ping.c): getaddrinfo(AF_UNSPEC, AI_CANONNAME), then ICMP to the first address;
 * `PING <canonical name> (<first address>)`. gai_strerror tells NXDOMAIN (EAI_NONAME), NODATA
 * (EAI_NODATA) and SERVFAIL (EAI_AGAIN) apart.
 */
function predictPing(
  input: PredictToolInput,
  resolv: string,
  hosts: string,
  ask: Ask,
  explain: string[],
): ToolOutcome {
  const podHasIPv6 = input.pod.podIPs.some((ip) => ip.includes(':'));
  const r = glibcGetaddrinfo(input.name, readGlibcResolvConf(resolv), parseHostsFile(hosts), ask, podHasIPv6);
  const out = fromResolution(r, explain);
  if (r.status === 'ok')
    explain.push(`ping sends ICMP to the first address, ${r.addresses[0]} — iputils ping.c`);
  return out;
}

function predictMusl(
  input: PredictToolInput,
  resolv: string,
  hosts: string,
  ask: Ask,
  explain: string[],
): ToolOutcome {
  const r = muslGetaddrinfo(input.name, readMuslResolvConf(resolv), parseHostsFile(hosts), ask);
  return fromResolution(r, explain);
}

/** The pod's view of one tool run: what it prints, the questions it sends, and why. */
export function predictTool(input: PredictToolInput): ToolPrediction {
  const explain: string[] = [];
  const resolv = podResolvConf(input.pod, input.options);
  explain.push(...resolv.explain);
  // dig and host never read /etc/hosts; without a kubelet-managed one the image's own is in place.
  const hosts = podHostsFile(input.pod, input.options, input.nodeHostsFile) ?? IMAGE_HOSTS;
  const queries: SentQuery[] = [];
  const made = makeAsk(input, resolv.nameservers, explain);
  const ask = loggingAsk(made.ask, queries);
  const outcome =
    input.tool === 'dig'
      ? predictDig(input, resolv.text, ask, false, explain)
      : input.tool === 'dig-search'
        ? predictDig(input, resolv.text, ask, true, explain)
        : input.tool === 'host'
          ? predictHost(input, resolv.text, ask, explain)
          : input.tool === 'getent'
            ? predictGetent(input, resolv.text, hosts, ask, explain)
            : input.tool === 'ping'
              ? predictPing(input, resolv.text, hosts, ask, explain)
              : predictMusl(input, resolv.text, hosts, ask, explain);
  const families = new Set(outcome.addresses.map((a) => a.includes(':')));
  return {
    ...outcome,
    queries,
    addressesUnordered: outcome.addresses.length > 1 || families.size > 1,
    unknown: made.unknown(),
    explain,
  };
}
