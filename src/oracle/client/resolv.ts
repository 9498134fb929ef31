/**
 * The pod's /etc/resolv.conf as kubelet composes it and containerd writes it
 * (reference kubernetes-dns.md §2; kubelet pkg/kubelet/network/dns/dns.go).
 */
import type { ClusterOptions } from '../../cluster/options.ts';
import type { Pod } from '../../cluster/types.ts';

export interface ResolvOption {
  name: string;
  /** Absent: written bare (`edns0`). */
  value?: string;
}

/** A warning event kubelet records while forming the config. */
export interface DnsEvent {
  object: 'Pod' | 'Node';
  reason: 'DNSConfigForming' | 'MissingClusterDNS';
  message: string;
}

export interface PodResolvConf {
  /** kubelet's effective DNS type (getPodDNSType). */
  type: 'cluster' | 'host' | 'none';
  nameservers: string[];
  searches: string[];
  options: ResolvOption[];
  /**
   * False when a dnsConfig was merged: kubelet re-emits options from a Go map, so their order in
   * the file is random — compare the options line as a set.
   */
  optionsOrdered: boolean;
  /** The file as containerd writes it. */
  text: string;
  events: DnsEvent[];
  explain: string[];
}

/** kubelet pkg/kubelet/network/dns/dns.go: MaxDNSNameservers (validation.MaxDNSNameservers). */
export const MAX_NAMESERVERS = 3;
/** kubelet: ExpandedDNSConfig limits (GA 1.28; the legacy 6 / 256 are gone from current code). */
export const MAX_SEARCH_PATHS = 32;
export const MAX_SEARCH_LINE_CHARS = 2048;
/** kubelet formDNSSearchFitsLimits: utilvalidation.DNS1123SubdomainMaxLength. */
export const MAX_SEARCH_ENTRY_CHARS = 253;

/** kubelet getPodDNSType: the policy → type table of §2.3. */
export function podDNSType(pod: Pod): PodResolvConf['type'] {
  switch (pod.dnsPolicy) {
    case 'None':
      return 'none';
    case 'ClusterFirstWithHostNet':
      return 'cluster';
    case 'Default':
      return 'host';
    default:
      // ClusterFirst (and, as kubelet does, anything unknown): host networking silently falls back to Default.
      return pod.hostNetwork ? 'host' : 'cluster';
  }
}

/** kubelet omitDuplicates: keep the first occurrence. */
function omitDuplicates(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * kubelet parseResolvConf on the node file: one trailing dot removed from each search entry and an
 * entry that is exactly `.` dropped (newer kubelets; §2.2).
 */
function nodeSearch(cluster: ClusterOptions): string[] {
  return cluster.nodeResolvConf.search
    .filter((s) => s !== '.')
    .map((s) => (s.endsWith('.') ? s.slice(0, -1) : s));
}

/** kubelet generateSearchesForDNSClusterFirst: `<ns>.svc.<d> svc.<d> <d>` then the node's search. */
function clusterFirstSearches(pod: Pod, cluster: ClusterOptions): string[] {
  const host = nodeSearch(cluster);
  if (cluster.clusterDomain === '') return host;
  const d = cluster.clusterDomain;
  return omitDuplicates([`${pod.namespace}.svc.${d}`, `svc.${d}`, d, ...host]);
}

function parseOption(text: string): ResolvOption {
  const i = text.indexOf(':');
  return i < 0 ? { name: text } : { name: text.slice(0, i), value: text.slice(i + 1) };
}

function optionText(o: ResolvOption): string {
  return o.value === undefined ? o.name : `${o.name}:${o.value}`;
}

/**
 * kubelet appendOptions: options keyed by the text before the first `:`, dnsConfig entries
 * overriding base ones. The result comes out of a Go map (random order); we keep first-seen order.
 */
function mergeOptions(base: ResolvOption[], extra: ResolvOption[]): ResolvOption[] {
  const byName = new Map<string, ResolvOption>();
  for (const o of [...base, ...extra]) byName.set(o.name, o);
  return [...byName.values()];
}

/** kubelet formDNSNameserversFitsLimits: the first three, with a pod event when cut. */
function fitNameservers(nameservers: string[], events: DnsEvent[]): string[] {
  if (nameservers.length <= MAX_NAMESERVERS) return nameservers;
  const kept = nameservers.slice(0, MAX_NAMESERVERS);
  events.push({
    object: 'Pod',
    reason: 'DNSConfigForming',
    message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${kept.join(' ')}`,
  });
  return kept;
}

/**
 * kubelet formDNSSearchFitsLimits: (a) first 32 paths, (b) drop entries longer than 253 chars,
 * (c) drop entries from the end until the space-joined line fits 2048 chars.
 */
function fitSearches(searches: string[], events: DnsEvent[]): string[] {
  let exceeded = false;
  let kept = searches;
  if (kept.length > MAX_SEARCH_PATHS) {
    kept = kept.slice(0, MAX_SEARCH_PATHS);
    exceeded = true;
  }
  const short = kept.filter((s) => s.length <= MAX_SEARCH_ENTRY_CHARS);
  if (short.length !== kept.length) exceeded = true;
  kept = short;
  while (kept.length > 0 && kept.join(' ').length > MAX_SEARCH_LINE_CHARS) {
    kept = kept.slice(0, -1);
    exceeded = true;
  }
  if (exceeded) {
    events.push({
      object: 'Pod',
      reason: 'DNSConfigForming',
      message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${kept.join(' ')}`,
    });
  }
  return kept;
}

/**
 * containerd (CRI DNSConfig → resolv.conf): `search …`, one `nameserver` line per server,
 * `options …`, each only when non-empty; all three empty → the node's file is copied.
 */
export function renderResolvConf(conf: {
  nameservers: string[];
  searches: string[];
  options: ResolvOption[];
}): string {
  const lines: string[] = [];
  if (conf.searches.length) lines.push(`search ${conf.searches.join(' ')}`);
  for (const ns of conf.nameservers) lines.push(`nameserver ${ns}`);
  if (conf.options.length) lines.push(`options ${conf.options.map(optionText).join(' ')}`);
  return lines.map((l) => `${l}\n`).join('');
}

function nodeResolvConfText(cluster: ClusterOptions): string {
  const n = cluster.nodeResolvConf;
  return renderResolvConf({
    nameservers: n.nameservers,
    searches: n.search,
    options: n.options.map(parseOption),
  });
}

/** The pod's resolv.conf (§8a step 1): policy → base lists → dnsConfig merge → limits → rendering. */
export function podResolvConf(pod: Pod, cluster: ClusterOptions): PodResolvConf {
  const events: DnsEvent[] = [];
  const explain: string[] = [];
  let type = podDNSType(pod);
  explain.push(
    `dnsPolicy ${pod.dnsPolicy}${pod.hostNetwork ? ' with hostNetwork' : ''} → ${type} DNS — kubelet dns.go getPodDNSType`,
  );
  if (type === 'cluster' && cluster.clusterDNS.length === 0) {
    // kubelet GetPodDNS: no clusterDNS configured → warning events and the Default behaviour.
    const message =
      'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';
    events.push({ object: 'Pod', reason: 'MissingClusterDNS', message });
    events.push({ object: 'Node', reason: 'MissingClusterDNS', message });
    explain.push('no clusterDNS configured → host DNS — kubelet dns.go GetPodDNS (MissingClusterDNS)');
    type = 'host';
  }

  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: ResolvOption[] = [];
  if (type === 'cluster') {
    nameservers = [...cluster.clusterDNS];
    searches = clusterFirstSearches(pod, cluster);
    options = [{ name: 'ndots', value: '5' }];
    explain.push(
      `cluster DNS: nameservers ${nameservers.join(' ')}, search ${searches.join(' ') || '(none)'}, options ndots:5 (node options discarded) — kubelet dns.go GetPodDNS`,
    );
  } else if (type === 'host') {
    nameservers = [...cluster.nodeResolvConf.nameservers];
    searches = nodeSearch(cluster);
    options = cluster.nodeResolvConf.options.map(parseOption);
    explain.push("host DNS: the node's resolv.conf — kubelet dns.go getHostDNSConfig");
  }

  const dnsConfig = pod.dnsConfig;
  if (dnsConfig) {
    // kubelet appendDNSConfig: appended after the base lists, duplicates dropped, options merged by name.
    nameservers = omitDuplicates([...nameservers, ...dnsConfig.nameservers]);
    searches = omitDuplicates([...searches, ...dnsConfig.searches]);
    options = mergeOptions(options, dnsConfig.options);
    explain.push(
      'spec.dnsConfig appended (nameservers, searches) and merged by name (options) — kubelet dns.go appendDNSConfig',
    );
  }

  nameservers = fitNameservers(nameservers, events);
  searches = fitSearches(searches, events);
  for (const e of events.filter((e) => e.reason === 'DNSConfigForming')) {
    explain.push(`${e.message} — kubelet dns.go formDNSConfigFitsLimits`);
  }

  const empty = nameservers.length === 0 && searches.length === 0 && options.length === 0;
  const text = empty ? nodeResolvConfText(cluster) : renderResolvConf({ nameservers, searches, options });
  if (empty) explain.push("no DNS settings at all → containerd copies the node's resolv.conf");
  return {
    type,
    nameservers,
    searches,
    options,
    optionsOrdered: dnsConfig === undefined,
    text,
    events,
    explain,
  };
}
