/**
 * DNS wire format ↔ `DnsMessage`, through dns-packet. Records are turned into dig's presentation
 * format (BIND lib/dns/rdata/generic/*.c `totext`), so live answers read exactly as predictions:
 * - names fully qualified with the trailing dot, letter case as received, BIND's escapes
 *   (`\.`-style for `"();@$\`, `\DDD` for bytes outside 0x21–0x7e);
 * - SOA `mname. rname. serial refresh retry expire minimum`; SRV `prio weight port target.`;
 *   MX `pref exchange.`; TXT each string quoted, `"` and `\` backslash-escaped, other bytes
 *   outside 0x20–0x7e as `\DDD`; AAAA in inet_ntop's form (RFC 5952 zero compression, IPv4-mapped
 *   and -compatible addresses dotted); CAA `flags tag "value"`; HINFO `"cpu" "os"`;
 * - every other type in RFC 3597's generic form `\# len HEX`, type names unknown to dns-packet
 *   as `TYPEnnn`.
 * The EDNS OPT record is not a record of the message: it is reported beside it.
 *
 * Limit: dns-packet decodes labels as UTF-8 text, so a `.` or a non-ASCII byte inside a label is
 * not told apart from the label structure; cluster DNS names never contain them.
 */
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import dnsPacket from 'dns-packet';
import type { DnsMessage, HeaderFlags, Question, Rcode, ResourceRecord } from './message.ts';

/** What the header and OPT record carried besides the `DnsMessage`. */
export interface WireMessage {
  id: number;
  message: DnsMessage;
  questions: Question[];
  /** The header's flag bits as received (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE). */
  rawFlags: number;
  /** Present when the message had an OPT record. */
  edns?: { udpSize: number; version: number; do: boolean };
}

export interface EdnsOptions {
  udpSize: number;
  do?: boolean;
}

// dns-packet's type table and per-type RDATA codecs (not in its typings).
const require = createRequire(import.meta.url);
const packetTypes = require('dns-packet/types') as {
  toString(type: number): string;
  toType(name: string): number;
};
const rdataCodec = (require('dns-packet') as { record(type: string): { encode(data: unknown): Buffer } })
  .record;

const RCODES: Record<number, Rcode> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  16: 'BADVERS',
};
const RCODE_VALUES = Object.fromEntries(Object.entries(RCODES).map(([n, r]) => [r, Number(n)])) as Record<
  Rcode,
  number
>;

// --- names ----------------------------------------------------------------------------------------

/** BIND dns_name_totext: special characters escaped, non-printable bytes as \DDD. */
function escapeLabelText(label: string): string {
  let out = '';
  for (const ch of label) {
    const c = ch.codePointAt(0) as number;
    if ('"();@$\\'.includes(ch)) out += `\\${ch}`;
    else if (c <= 0x20 || c === 0x7f) out += `\\${String(c).padStart(3, '0')}`;
    else out += ch;
  }
  return out;
}

/** A name as dns-packet decoded it → presentation form with the trailing dot. */
function presentName(name: string): string {
  if (name === '.' || name === '') return '.';
  // dns-packet's mailbox decoding already escaped the dots inside the first label (SOA rname).
  const labels = name.split(/(?<!\\)\./).map((l) => (l.includes('\\.') ? l : escapeLabelText(l)));
  return `${labels.join('.')}.`;
}

/** Presentation name → what dns-packet encodes (\DDD and \X escapes resolved, no trailing dot). */
function wireName(name: string): string {
  const unescaped = name.replace(/\\(\d{3}|[^\d.])/g, (_, e: string) =>
    e.length === 3 ? String.fromCharCode(Number(e)) : e,
  );
  return unescaped === '.' ? '.' : unescaped.replace(/\.$/, '');
}

// --- type names -----------------------------------------------------------------------------------

/** IANA type numbers dig knows by name but dns-packet does not (RFC 9460 SVCB/HTTPS, RFC 7553 URI). */
const EXTRA_TYPES: Record<string, number> = { SVCB: 64, HTTPS: 65, URI: 256 };
const EXTRA_NAMES = new Map(Object.entries(EXTRA_TYPES).map(([name, n]) => [n, name]));

function presentType(type: string): string {
  if (!type.startsWith('UNKNOWN_')) return type;
  const n = Number(type.slice('UNKNOWN_'.length));
  return EXTRA_NAMES.get(n) ?? `TYPE${n}`;
}

/** The number of a record type given by name or as `TYPEnnn` (RFC 3597); undefined when unknown. */
export function typeNumber(type: string): number | undefined {
  const upper = type.toUpperCase();
  const m = /^TYPE(\d+)$/.exec(upper);
  if (m) return Number(m[1]) <= 0xffff ? Number(m[1]) : undefined;
  const n = EXTRA_TYPES[upper] ?? packetTypes.toType(upper);
  return n > 0 ? n : undefined;
}

/** A type name → dns-packet's name for its number (`UNKNOWN_65` for HTTPS, which it lacks). */
function wireType(type: string): string {
  const n = typeNumber(type);
  if (n === undefined) throw new Error(`unknown record type '${type}'`);
  return packetTypes.toString(n);
}

// --- RDATA: wire (as dns-packet decodes it) → presentation ----------------------------------------

/** inet_ntop (BSD/ISC): the longest run of ≥ 2 zero words becomes `::`; mapped/compat IPv4 dotted. */
export function formatIPv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      cur = cur.base === -1 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = { ...cur };
    } else cur = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += Array.from(bytes.slice(12)).join('.');
      break;
    }
    out += (words[i] as number).toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) out += ':';
  return out;
}

function parseIPv6(text: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let s = text;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    tail.push(...v4.slice(1).map(Number));
    s = `${s.slice(0, v4.index)}0:0`;
  }
  const [head = '', rest] = s.split('::') as [string, string | undefined];
  const parts = (p: string) => (p === '' ? [] : p.split(':').map((w) => Number.parseInt(w, 16)));
  const hi = parts(head);
  const lo = rest === undefined ? [] : parts(rest);
  const words = [...hi, ...new Array(8 - hi.length - lo.length).fill(0), ...lo];
  if (words.length !== 8 || words.some((w) => Number.isNaN(w) || w < 0 || w > 0xffff)) {
    throw new Error(`not an IPv6 address: ${text}`);
  }
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return bytes;
}

/** BIND txt_totext: one character-string, quoted. */
function quoteString(bytes: Uint8Array): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c >= 0x7f) out += `\\${String(c).padStart(3, '0')}`;
    else out += String.fromCharCode(c);
  }
  return `${out}"`;
}

function generic(type: string, data: unknown): string {
  const bytes: Buffer = Buffer.isBuffer(data) ? data : rdataCodec(type).encode(data);
  return bytes.length === 0 ? '\\# 0' : `\\# ${bytes.length} ${bytes.toString('hex').toUpperCase()}`;
}

interface Soa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** RDATA as dig prints it. `type` is dns-packet's type name. */
export function formatRdata(type: string, data: unknown): string {
  switch (type) {
    case 'A':
      return data as string;
    case 'AAAA':
      return formatIPv6(parseIPv6(data as string));
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return presentName(data as string);
    case 'SOA': {
      const s = data as Soa;
      return `${presentName(s.mname)} ${presentName(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    case 'MX': {
      const m = data as { preference: number; exchange: string };
      return `${m.preference} ${presentName(m.exchange)}`;
    }
    case 'SRV': {
      const s = data as { priority: number; weight: number; port: number; target: string };
      return `${s.priority} ${s.weight} ${s.port} ${presentName(s.target)}`;
    }
    case 'TXT':
      return (data as Buffer[]).map(quoteString).join(' ');
    case 'HINFO': {
      const h = data as { cpu: string; os: string };
      return `${quoteString(Buffer.from(h.cpu, 'latin1'))} ${quoteString(Buffer.from(h.os, 'latin1'))}`;
    }
    case 'CAA': {
      const c = data as { flags: number; tag: string; value: string };
      return `${c.flags} ${c.tag} ${quoteString(Buffer.from(c.value))}`;
    }
    default:
      return generic(type, data);
  }
}

// --- RDATA: presentation → what dns-packet encodes ------------------------------------------------

/** Splits presentation text into fields; quoted strings keep their escapes for unquoting. */
function fields(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text))
    out.push(m[1] !== undefined ? `"${m[1]}` : (m[2] as string));
  return out;
}

/** A quoted or bare character-string (leading `"` marks quoted) → bytes, escapes resolved. */
function unquote(field: string): Buffer {
  const body = field.startsWith('"') ? field.slice(1) : field;
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '\\' && /^\d{3}/.test(body.slice(i + 1, i + 4))) {
      bytes.push(Number(body.slice(i + 1, i + 4)));
      i += 3;
    } else if (ch === '\\' && i + 1 < body.length) {
      bytes.push(...Buffer.from(body[++i] as string));
    } else bytes.push(...Buffer.from(ch));
  }
  return Buffer.from(bytes);
}

function num(field: string | undefined, type: string, text: string): number {
  const n = Number(field);
  if (field === undefined || !Number.isInteger(n)) throw new Error(`malformed ${type} data: ${text}`);
  return n;
}

/** dig presentation RDATA → dns-packet's data for `type` (dns-packet's type name). */
export function parseRdata(type: string, text: string): unknown {
  const f = fields(text);
  if (f[0] === '\\#') return Buffer.from((f.slice(2).join('') || '').replace(/\s/g, ''), 'hex');
  switch (type) {
    case 'A':
    case 'AAAA':
      return text.trim();
    case 'NS':
    case 'CNAME':
    case 'PTR':
    case 'DNAME':
      return wireName(f[0] ?? '.');
    case 'SOA':
      return {
        mname: wireName(f[0] ?? '.'),
        // dns-packet's mailbox encoding reads `\.` itself: keep it, resolve the rest.
        rname: (f[1] ?? '.').replace(/\.$/, '') || '.',
        serial: num(f[2], type, text),
        refresh: num(f[3], type, text),
        retry: num(f[4], type, text),
        expire: num(f[5], type, text),
        minimum: num(f[6], type, text),
      };
    case 'MX':
      return { preference: num(f[0], type, text), exchange: wireName(f[1] ?? '.') };
    case 'SRV':
      return {
        priority: num(f[0], type, text),
        weight: num(f[1], type, text),
        port: num(f[2], type, text),
        target: wireName(f[3] ?? '.'),
      };
    case 'TXT':
      return f.map(unquote);
    case 'HINFO':
      return { cpu: unquote(f[0] ?? '').toString('latin1'), os: unquote(f[1] ?? '').toString('latin1') };
    case 'CAA':
      return { flags: num(f[0], type, text), tag: f[1] ?? '', value: unquote(f[2] ?? '').toString() };
    default:
      throw new Error(`${type} data must be in RFC 3597 form (\\# len hex) here: ${text}`);
  }
}

// --- messages -------------------------------------------------------------------------------------

type PacketAnswer = dnsPacket.Answer & { data?: unknown; extendedRcode?: number; udpPayloadSize?: number };

function record(a: PacketAnswer): ResourceRecord {
  const type = a.type as string;
  return {
    name: presentName(a.name),
    type: presentType(type),
    ttl: (a as { ttl?: number }).ttl ?? 0,
    data: formatRdata(type, a.data),
  };
}

/** Decodes a reply. Throws on a malformed packet or an rcode the model does not know. */
export function decodeMessage(buf: Buffer): WireMessage {
  const p = dnsPacket.decode(buf);
  const flags = (p as { flags?: number }).flags ?? 0;
  const additionals = (p.additionals ?? []) as PacketAnswer[];
  const opt = additionals.find((a) => a.type === 'OPT') as
    | (PacketAnswer & {
        udpPayloadSize: number;
        extendedRcode: number;
        ednsVersion: number;
        flag_do: boolean;
      })
    | undefined;
  const code = ((opt?.extendedRcode ?? 0) << 4) | (flags & 0xf);
  const rcode = RCODES[code];
  if (rcode === undefined) throw new Error(`reply with rcode ${code}, which dnsconform does not model`);
  const header: HeaderFlags = {
    aa: Boolean(p.flag_aa),
    tc: Boolean(p.flag_tc),
    rd: Boolean(p.flag_rd),
    ra: Boolean(p.flag_ra),
  };
  return {
    id: p.id ?? 0,
    rawFlags: flags,
    questions: (p.questions ?? []).map((q) => ({ name: presentName(q.name), type: presentType(q.type) })),
    message: {
      rcode,
      flags: header,
      answer: ((p.answers ?? []) as PacketAnswer[]).map(record),
      authority: ((p.authorities ?? []) as PacketAnswer[]).map(record),
      additional: additionals.filter((a) => a.type !== 'OPT').map(record),
    },
    ...(opt
      ? { edns: { udpSize: opt.udpPayloadSize, version: opt.ednsVersion, do: Boolean(opt.flag_do) } }
      : {}),
  };
}

function optRecord(edns: EdnsOptions, extendedRcode = 0): dnsPacket.Answer {
  return {
    type: 'OPT',
    name: '.',
    udpPayloadSize: edns.udpSize,
    extendedRcode,
    flags: edns.do ? dnsPacket.DNSSEC_OK : 0,
  } as unknown as dnsPacket.Answer;
}

/** A query for one question. RD set as a stub resolver sends it; no OPT record unless `edns`. */
export function encodeQuery(q: Question, opts: { id: number; rd?: boolean; edns?: EdnsOptions }): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id: opts.id,
    flags: opts.rd === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ name: wireName(q.name), type: wireType(q.type) as dnsPacket.RecordType }],
    additionals: opts.edns ? [optRecord(opts.edns)] : [],
  });
}

function packetRecord(r: ResourceRecord): dnsPacket.Answer {
  const type = wireType(r.type);
  return {
    name: wireName(r.name),
    type: type as dnsPacket.RecordType,
    ttl: r.ttl,
    class: 'IN',
    data: parseRdata(type, r.data),
  } as dnsPacket.Answer;
}

/** A reply carrying `msg` for a query (id, question and EDNS echoed as a server does). */
export function encodeResponse(
  query: { id: number; question: Question; edns?: EdnsOptions },
  msg: DnsMessage,
): Buffer {
  const code = RCODE_VALUES[msg.rcode];
  const flags =
    (msg.flags.aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (msg.flags.tc ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    (msg.flags.rd ? dnsPacket.RECURSION_DESIRED : 0) |
    (msg.flags.ra ? dnsPacket.RECURSION_AVAILABLE : 0) |
    (code & 0xf);
  const additionals = msg.additional.map(packetRecord);
  if (query.edns) additionals.push(optRecord(query.edns, code >> 4));
  return dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags,
    questions: [
      { name: wireName(query.question.name), type: wireType(query.question.type) as dnsPacket.RecordType },
    ],
    answers: msg.answer.map(packetRecord),
    authorities: msg.authority.map(packetRecord),
    additionals,
  });
}

/** Decodes a query as a server sees it (for the fake upstream). */
export function decodeQuery(buf: Buffer): {
  id: number;
  question: Question | undefined;
  rd: boolean;
  edns?: EdnsOptions;
} {
  const w = decodeMessage(buf);
  return {
    id: w.id,
    question: w.questions[0],
    rd: w.message.flags.rd,
    ...(w.edns ? { edns: { udpSize: w.edns.udpSize, do: w.edns.do } } : {}),
  };
}
