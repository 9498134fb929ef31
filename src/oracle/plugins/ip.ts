/**
 * IP addresses as Go's net package reads and prints them (net.ParseIP, IP.String, IP.To4) and
 * reverse names as miekg/dns and CoreDNS's dnsutil build and read them. Shared by the plugin models.
 * The text grammar and IPv6 printing are the control plane's (`src/cluster/ip.ts`); this module adds
 * Go's views on top: `%zone` dropped, IPv4-mapped addresses read as IPv4, addresses as bytes.
 */

import { formatIP as formatAddress, parseIP as parseAddress } from '../../cluster/ip.ts';

export interface IP {
  /** 4 when Go's `To4()` is non-nil: IPv4, or IPv4-mapped IPv6 (`::ffff:a.b.c.d`). */
  family: 4 | 6;
  /** 4 bytes for family 4, else 16. */
  bytes: number[];
}

/** net.ParseIP (a `%zone` suffix is dropped first, as CoreDNS's hosts plugin does). */
export function parseIP(text: string): IP | undefined {
  const pct = text.indexOf('%');
  // Go's parser has the same grammar as the control plane's: no leading zeros in IPv4 parts.
  const a = parseAddress(pct === -1 ? text : text.slice(0, pct));
  if (!a) return undefined;
  if (a.family === 4) return { family: 4, bytes: toBytes(a.value, 4) };
  // IP.To4: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is IPv4.
  if (a.value >> 32n === 0xffffn) return { family: 4, bytes: toBytes(a.value, 4) };
  return { family: 6, bytes: toBytes(a.value, 16) };
}

function toBytes(value: bigint, length: number): number[] {
  const bytes: number[] = [];
  for (let i = length - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return bytes;
}

/** IP.String: dotted IPv4; IPv6 with the longest run (≥ 2) of zero groups as `::`, lowercase. */
export function formatIP(ip: IP): string {
  const value = ip.bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
  return formatAddress({ family: ip.family, value });
}

/** The canonical spelling of an address, or undefined when Go would not parse it. */
export function canonicalIP(text: string): string | undefined {
  const ip = parseIP(text);
  return ip ? formatIP(ip) : undefined;
}

/**
 * dnsutil.ExtractAddressFromReverse: the address a full reverse name encodes
 * (`1.0.0.10.in-addr.arpa.` → `10.0.0.1`), or "" for anything else.
 */
export function addressFromReverse(name: string): string {
  const n = name.toLowerCase();
  if (n.endsWith('.in-addr.arpa.')) {
    const labels = n.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (labels.length !== 4) return '';
    return canonicalIP(labels.reverse().join('.')) ?? '';
  }
  if (n.endsWith('.ip6.arpa.')) {
    const labels = n.slice(0, -'.ip6.arpa.'.length).split('.');
    if (labels.length !== 32 || labels.some((l) => !/^[0-9a-f]$/.test(l))) return '';
    const nibbles = labels.reverse();
    const groups: string[] = [];
    for (let i = 0; i < 32; i += 4) groups.push(nibbles.slice(i, i + 4).join(''));
    return canonicalIP(groups.join(':')) ?? '';
  }
  return '';
}

/** dns.ReverseAddr: the reverse name of an address. */
export function reverseName(ip: IP): string {
  if (ip.family === 4) return `${[...ip.bytes].reverse().join('.')}.in-addr.arpa.`;
  const nibbles = ip.bytes.flatMap((b) => [b >> 4, b & 0xf]).map((n) => n.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa.`;
}
