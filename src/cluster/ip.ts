/**
 * IP addresses and CIDRs as the control-plane model needs them: parse (strictly, as current
 * Kubernetes validation does), print canonically (Go's net.IP.String, RFC 5952 for IPv6), and do
 * offset arithmetic for allocation. Addresses are held as bigint so IPv4 and IPv6 share one path.
 */

export type Family = 4 | 6;

export interface Address {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Kubernetes (k8s.io/utils/net ParseIPSloppy is only for old objects; validation
    // IsValidIP uses netip) rejects leading zeros, which Go ≥1.17 reads as ambiguous octal.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint | undefined;
  const last = text.lastIndexOf(':');
  if (text.slice(last + 1).includes('.')) {
    tail = parseV4(text.slice(last + 1));
    if (tail === undefined) return undefined;
    text = `${text.slice(0, last + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  }
  if (tail !== undefined) v = (v & ~0xffffffffn) | tail;
  return v;
}

/** An IPv4 or IPv6 address in text form; undefined when it is not one. */
export function parseIP(text: string): Address | undefined {
  if (text.includes(':')) {
    const v = parseV6(text);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(text);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** Go net.IP.String: dotted quad; IPv6 lowercase with the longest run (≥2) of zero groups as `::`. */
export function formatIP(a: Address): string {
  if (a.family === 4) {
    const v = Number(a.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((a.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((n) => n.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** The canonical text of an address, or undefined when `text` is not an IP. */
export function canonicalIP(text: string): string | undefined {
  const a = parseIP(text);
  return a ? formatIP(a) : undefined;
}

function width(f: Family): number {
  return f === 4 ? 32 : 128;
}

/** `a.b.c.d/n` or `x::/n`; the host bits are cleared. */
export function parseCIDR(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const a = parseIP(text.slice(0, slash));
  const bits = text.slice(slash + 1);
  if (!a || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > width(a.family)) return undefined;
  const hostBits = BigInt(width(a.family) - prefix);
  return { family: a.family, base: (a.value >> hostBits) << hostBits, prefix };
}

export function formatCIDR(c: Cidr): string {
  return `${formatIP({ family: c.family, value: c.base })}/${c.prefix}`;
}

/** Number of addresses in the range. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(width(c.family) - c.prefix);
}

export function cidrContains(c: Cidr, a: Address): boolean {
  return a.family === c.family && a.value >= c.base && a.value < c.base + cidrSize(c);
}

/** The address `offset` places after the network address (offset 0 is the network address). */
export function nthAddress(c: Cidr, offset: bigint): Address {
  return { family: c.family, value: c.base + offset };
}

/** The `index`-th sub-range of size /`prefix` inside `c` (e.g. the 3rd /24 of a /16). */
export function subCidr(c: Cidr, prefix: number, index: number): Cidr {
  return {
    family: c.family,
    base: c.base + BigInt(index) * (1n << BigInt(width(c.family) - prefix)),
    prefix,
  };
}

export function familyName(f: Family): 'IPv4' | 'IPv6' {
  return f === 4 ? 'IPv4' : 'IPv6';
}
