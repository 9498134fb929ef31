/**
 * Server-block keys written as CIDRs become reverse zones, as CoreDNS does in
 * plugin/normalize.go SplitHostPort with plugin/pkg/cidr (Split, Reverse): a prefix on a label
 * boundary (a multiple of 8 bits for IPv4, 4 for IPv6) is one zone; any other prefix is split into
 * the subnets of the next boundary, one zone each.
 */
import { formatIP, parseIP } from '../cluster/ip.ts';

export interface ParsedCidr {
  family: 4 | 6;
  /** Network address (host bits cleared, as Go's net.ParseCIDR returns it). */
  base: bigint;
  prefix: number;
}

/** Go's net.ParseCIDR: a full IP (no zone), `/`, decimal prefix length within the family's size. */
export function parseGoCidr(s: string): ParsedCidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const mask = s.slice(slash + 1);
  if (!ip || !/^\d+$/.test(mask)) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = Number(mask);
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

/** The reverse zones a CIDR key stands for, in ascending address order. */
export function reverseZones(c: ParsedCidr): string[] {
  const bits = c.family === 4 ? 32 : 128;
  const digit = c.family === 4 ? 8 : 4;
  // plugin/pkg/cidr Split: round the prefix up to the next label boundary.
  const prefix = Math.ceil(c.prefix / digit) * digit;
  const count = 1n << BigInt(prefix - c.prefix);
  const step = 1n << BigInt(bits - prefix);
  const zones: string[] = [];
  for (let i = 0n; i < count; i++) {
    const labels = reverseLabels(c.family, c.base + i * step);
    // plugin/pkg/cidr Reverse: drop the labels of the host part.
    zones.push(`${labels.slice((bits - prefix) / digit).join('.')}.`);
  }
  return zones;
}

/** miekg/dns ReverseAddr as labels: `d.c.b.a.in-addr.arpa` or 32 nibbles `.ip6.arpa`. */
function reverseLabels(family: 4 | 6, value: bigint): string[] {
  if (family === 4) {
    return [...formatIP({ family, value }).split('.').reverse(), 'in-addr', 'arpa'];
  }
  const hex = value.toString(16).padStart(32, '0');
  return [...hex.split('').reverse(), 'ip6', 'arpa'];
}
