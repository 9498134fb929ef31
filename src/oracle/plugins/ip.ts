/**
 * IP addresses as Go's net package reads and prints them (net.ParseIP, IP.String, IP.To4) and
 * reverse names as miekg/dns and CoreDNS's dnsutil build and read them. Shared by the plugin models.
 */

export interface IP {
  /** 4 when Go's `To4()` is non-nil: IPv4, or IPv4-mapped IPv6 (`::ffff:a.b.c.d`). */
  family: 4 | 6;
  /** 4 bytes for family 4, else 16. */
  bytes: number[];
}

/** Dotted IPv4, each part 0–255 without leading zeros (Go ≥ 1.17 rejects them). */
function parseV4(s: string): number[] | undefined {
  const out: number[] = [];
  let n = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; /* '.' ends the last part */
    if (c === 46) {
      if (digits === 0 || out.length === 4) return undefined;
      out.push(n);
      n = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && n === 0) return undefined; // leading zero
      n = n * 10 + (c - 48);
      digits++;
      if (n > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return out.length === 4 ? out : undefined;
}

function parseV6(s: string): number[] | undefined {
  let tail4: number[] = [];
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail4 = v4;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = Number.parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return bytes;
}

/** net.ParseIP (a `%zone` suffix is dropped first, as CoreDNS's hosts plugin does). */
export function parseIP(text: string): IP | undefined {
  const pct = text.indexOf('%');
  const s = pct === -1 ? text : text.slice(0, pct);
  if (!s.includes(':')) {
    const v4 = parseV4(s);
    return v4 ? { family: 4, bytes: v4 } : undefined;
  }
  const v6 = parseV6(s);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { family: 4, bytes: v6.slice(12) } : { family: 6, bytes: v6 };
}

/** IP.String: dotted IPv4; IPv6 with the longest run (≥ 2) of zero groups as `::`, lowercase. */
export function formatIP(ip: IP): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
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
