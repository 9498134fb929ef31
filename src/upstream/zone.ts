/**
 * The fake upstream behind `forward`: a scenario declares its records, the local backend's fake DNS
 * server answers with `answerFromUpstream`, and the oracle predicts forwarded answers with the same
 * function — so forward predictions are exact.
 *
 * Answering rules (authoritative style, like a zone server holding all the declared records):
 * 1. Names compare case-insensitively; records whose owner is the question name answer with the
 *    question's spelling as owner (as servers that compress against the question do).
 * 2. A CNAME at the name (question type not CNAME) is followed within the data, up to 8 links;
 *    the chain's records come first, in order.
 * 3. The final name has records of the type (ANY: any record) → NOERROR with them.
 *    The final name exists with other types → NOERROR, no answer, SOA in authority (NODATA).
 *    The final name is unknown → NXDOMAIN, SOA in authority (the chain, if any, stays in the answer).
 * 4. A name exists when it owns a record or a name below it does (an "empty non-terminal").
 * 5. The SOA is the declared SOA with the longest owner containing the name, else a synthesized
 *    `. 60 IN SOA ns.upstream.invalid. hostmaster.upstream.invalid. 1 3600 600 86400 60`.
 * 6. Flags: aa (so a CoreDNS cache hit, which always sets aa, looks the same), rd echoed, ra set.
 */
import type { DnsMessage, Question, ResourceRecord } from '../dns/message.ts';
import { InputError } from '../errors.ts';

export const SYNTHESIZED_SOA: ResourceRecord = {
  name: '.',
  type: 'SOA',
  ttl: 60,
  data: 'ns.upstream.invalid. hostmaster.upstream.invalid. 1 3600 600 86400 60',
};

const MAX_CNAME_LINKS = 8;

/** Records indexed by lowercased owner, built once per record set. */
const indexes = new WeakMap<readonly ResourceRecord[], UpstreamIndex>();

interface UpstreamIndex {
  byOwner: Map<string, ResourceRecord[]>;
  /** Every name that exists: owners and their ancestors below the root. */
  existing: Set<string>;
  soas: ResourceRecord[];
}

function indexOf(records: readonly ResourceRecord[]): UpstreamIndex {
  let ix = indexes.get(records);
  if (ix) return ix;
  ix = { byOwner: new Map(), existing: new Set(), soas: [] };
  for (const r of records) {
    const owner = r.name.toLowerCase();
    const list = ix.byOwner.get(owner);
    if (list) list.push(r);
    else ix.byOwner.set(owner, [r]);
    for (let n = owner; n !== '.' && n !== ''; n = n.slice(n.indexOf('.') + 1) || '.') ix.existing.add(n);
    if (r.type === 'SOA') ix.soas.push(r);
  }
  indexes.set(records, ix);
  return ix;
}

function soaFor(ix: UpstreamIndex, name: string): ResourceRecord {
  const n = name.toLowerCase();
  let best: ResourceRecord | undefined;
  for (const s of ix.soas) {
    const z = s.name.toLowerCase();
    const inside = z === '.' || n === z || n.endsWith(`.${z}`);
    if (inside && (!best || z.length > best.name.length)) best = s;
  }
  return best ?? SYNTHESIZED_SOA;
}

/** The fake upstream's reply to one question. */
export function answerFromUpstream(records: readonly ResourceRecord[], q: Question): DnsMessage {
  const ix = indexOf(records);
  const answer: ResourceRecord[] = [];
  const flags = { aa: true, tc: false, rd: true, ra: true };
  let name = q.name;
  for (let links = 0; ; links++) {
    const owned = ix.byOwner.get(name.toLowerCase()) ?? [];
    const owner = links === 0 ? q.name : name;
    const cname = owned.find((r) => r.type === 'CNAME');
    if (cname && q.type !== 'CNAME' && q.type !== 'ANY' && links < MAX_CNAME_LINKS) {
      answer.push({ ...cname, name: owner });
      name = cname.data;
      continue;
    }
    const hits = owned.filter((r) => q.type === 'ANY' || r.type === q.type);
    if (hits.length > 0) {
      for (const r of hits) answer.push({ ...r, name: owner });
      return { rcode: 'NOERROR', flags, answer, authority: [], additional: [] };
    }
    const exists = ix.existing.has(name.toLowerCase());
    return {
      rcode: exists ? 'NOERROR' : 'NXDOMAIN',
      flags,
      answer,
      authority: [soaFor(ix, name)],
      additional: [],
    };
  }
}

function isIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

const TYPES_WITH_NAME_DATA = new Set(['CNAME', 'PTR', 'NS', 'DNAME']);

/**
 * Scenario upstream lines: `NAME TTL [IN] TYPE RDATA…` (dig presentation format), e.g.
 * `example.com. 300 IN A 192.0.2.10`. `#` starts a comment. Names must be fully qualified.
 * `first` is the line number of lines[0] in `file`.
 */
export function parseZoneLines(lines: readonly string[], file: string, first = 1): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  lines.forEach((raw, i) => {
    const line = first + i;
    const text = raw.replace(/(^|\s)#.*$/, '');
    const fields: { text: string; col: number }[] = [];
    for (const m of text.matchAll(/"[^"]*"|\S+/g)) fields.push({ text: m[0], col: (m.index ?? 0) + 1 });
    if (fields.length === 0) return;
    const at = (k: number) => fields[k] ?? { text: '', col: text.length + 1 };
    const fail = (k: number, message: string) => new InputError(message, { file, line, col: at(k).col });
    const name = at(0).text;
    if (!name.endsWith('.')) throw fail(0, `owner name '${name}' must be fully qualified (end with '.')`);
    if (!/^\d+$/.test(at(1).text))
      throw fail(1, `expected a TTL in seconds after the owner name, got '${at(1).text}'`);
    let k = 2;
    if (at(k).text.toUpperCase() === 'IN') k++;
    const type = at(k).text.toUpperCase();
    if (!/^[A-Z][A-Z0-9]*$/.test(type))
      throw fail(k, `expected a record type (A, AAAA, CNAME, …), got '${at(k).text}'`);
    const data = fields.slice(k + 1).map((f) => f.text);
    if (data.length === 0) throw fail(k + 1, `missing RDATA for the ${type} record`);
    if (TYPES_WITH_NAME_DATA.has(type) && !(data[0] as string).endsWith('.')) {
      throw fail(k + 1, `${type} target '${data[0]}' must be fully qualified (end with '.')`);
    }
    if (type === 'A' && !isIPv4(data[0] as string)) {
      throw fail(k + 1, `'${data[0]}' is not an IPv4 address`);
    }
    if (type === 'AAAA' && !(data[0] as string).includes(':'))
      throw fail(k + 1, `'${data[0]}' is not an IPv6 address`);
    out.push({ name, type, ttl: Number(at(1).text), data: data.join(' ') });
  });
  return out;
}
