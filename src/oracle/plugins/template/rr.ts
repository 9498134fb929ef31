/**
 * miekg/dns NewRR for the record text a template renders: `NAME [TTL] [CLASS] TYPE RDATA…`, origin
 * `.` (relative names become fully qualified), default TTL 3600. RDATA is normalised to dig's
 * presentation format for the types a template typically writes.
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import { canonicalIP, parseIP } from '../ip.ts';

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'NONE', 'ANY']);
const DEFAULT_TTL = 3600;

function fq(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** Fields split on blanks, a quoted string kept whole (quotes included). */
function fields(text: string): string[] {
  return [...text.trim().matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)].map((m) => m[0]);
}

function rdata(type: string, f: string[]): string | undefined {
  switch (type) {
    case 'A': {
      const ip = parseIP(f[0] ?? '');
      return f.length === 1 && ip?.family === 4 ? canonicalIP(f[0] as string) : undefined;
    }
    case 'AAAA':
      return f.length === 1 && (f[0] as string).includes(':') ? canonicalIP(f[0] as string) : undefined;
    case 'CNAME':
    case 'PTR':
    case 'NS':
    case 'DNAME':
      return f.length === 1 ? fq(f[0] as string) : undefined;
    case 'MX':
      return f.length === 2 && /^\d+$/.test(f[0] as string) ? `${f[0]} ${fq(f[1] as string)}` : undefined;
    case 'SRV':
      return f.length === 4 && f.slice(0, 3).every((x) => /^\d+$/.test(x))
        ? `${f.slice(0, 3).join(' ')} ${fq(f[3] as string)}`
        : undefined;
    case 'SOA':
      return f.length === 7
        ? `${fq(f[0] as string)} ${fq(f[1] as string)} ${f.slice(2).join(' ')}`
        : undefined;
    case 'TXT':
      return f.length ? f.map((s) => (s.startsWith('"') ? s : `"${s}"`)).join(' ') : undefined;
    default:
      return f.length ? f.join(' ') : undefined;
  }
}

/** One record, or an error text as NewRR would fail. */
export function parseRR(text: string): ResourceRecord | { error: string } {
  // Zone-file parentheses only group fields across lines; a one-line record can drop them.
  const f = fields(text).flatMap((x) =>
    x.startsWith('"') ? [x] : x.replace(/[()]/g, ' ').split(' ').filter(Boolean),
  );
  const name = f.shift();
  if (name === undefined) return { error: 'empty record' };
  let ttl = DEFAULT_TTL;
  // TTL and class may come in either order (RFC 1035 §5.1).
  for (let i = 0; i < 2; i++) {
    if (f[0] !== undefined && /^\d+$/.test(f[0])) ttl = Number(f.shift());
    else if (f[0] !== undefined && CLASSES.has(f[0].toUpperCase())) f.shift();
  }
  const type = f.shift()?.toUpperCase();
  if (type === undefined || !/^[A-Z][A-Z0-9]*$/.test(type)) return { error: `bad record type in "${text}"` };
  const data = rdata(type, f);
  if (data === undefined) return { error: `bad ${type} rdata in "${text}"` };
  return { name: fq(name), type, ttl, data };
}
