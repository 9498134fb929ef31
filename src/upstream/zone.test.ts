import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { answerFromUpstream, parseZoneLines, SYNTHESIZED_SOA } from './zone.ts';

// Expectations follow the authoritative-server rules of RFC 1034 §4.3.2 (CNAME restart, NXDOMAIN
// vs. no data, SOA in the authority section of negative answers, RFC 2308 §2) as zone.ts documents them.
const records = parseZoneLines(
  [
    '# the scenario upstream',
    'example.com. 300 IN A 192.0.2.10',
    'example.com. 300 IN A 192.0.2.11',
    'www.example.com. 60 IN CNAME example.com.',
    'dangling.example.com. 60 CNAME missing.example.com.',
    'a.b.deep.example.com. 30 IN TXT "hello world"',
    'example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 1800 86400 60',
  ],
  'scenario.yaml',
  10,
);

describe('answerFromUpstream', () => {
  it('answers the records of the name and type, owner spelled as asked', () => {
    const m = answerFromUpstream(records, { name: 'EXAMPLE.com.', type: 'A' });
    expect(m.rcode).toBe('NOERROR');
    expect(m.answer).toEqual([
      { name: 'EXAMPLE.com.', type: 'A', ttl: 300, data: '192.0.2.10' },
      { name: 'EXAMPLE.com.', type: 'A', ttl: 300, data: '192.0.2.11' },
    ]);
    expect(m.flags).toEqual({ aa: true, tc: false, rd: true, ra: true });
  });

  it('follows a CNAME within the data, the chain first', () => {
    const m = answerFromUpstream(records, { name: 'www.example.com.', type: 'A' });
    expect(m.answer.map((r) => `${r.name} ${r.type} ${r.data}`)).toEqual([
      'www.example.com. CNAME example.com.',
      'example.com. A 192.0.2.10',
      'example.com. A 192.0.2.11',
    ]);
  });

  it('answers a CNAME question with the CNAME itself', () => {
    const m = answerFromUpstream(records, { name: 'www.example.com.', type: 'CNAME' });
    expect(m.answer).toHaveLength(1);
  });

  it('NXDOMAIN with the enclosing SOA for an unknown name; the chain stays for a dangling CNAME', () => {
    const m = answerFromUpstream(records, { name: 'nope.example.com.', type: 'A' });
    expect(m.rcode).toBe('NXDOMAIN');
    expect(m.authority[0]?.name).toBe('example.com.');
    const d = answerFromUpstream(records, { name: 'dangling.example.com.', type: 'A' });
    expect(d.rcode).toBe('NXDOMAIN');
    expect(d.answer.map((r) => r.type)).toEqual(['CNAME']);
  });

  it('NODATA (NOERROR + SOA) for a known name without the type, and for an empty non-terminal', () => {
    expect(answerFromUpstream(records, { name: 'example.com.', type: 'AAAA' })).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
    const ent = answerFromUpstream(records, { name: 'b.deep.example.com.', type: 'A' });
    expect(ent.rcode).toBe('NOERROR');
    expect(ent.authority).toHaveLength(1);
  });

  it('synthesizes a root SOA where no declared SOA covers the name', () => {
    expect(answerFromUpstream(records, { name: 'example.net.', type: 'A' }).authority).toEqual([
      SYNTHESIZED_SOA,
    ]);
  });
});

describe('parseZoneLines', () => {
  it('reads NAME TTL [IN] TYPE RDATA, keeping TXT quotes', () => {
    expect(records.find((r) => r.type === 'TXT')?.data).toBe('"hello world"');
    expect(records).toHaveLength(6);
  });

  it.each([
    ['example.com 300 IN A 192.0.2.1', 'scenario.yaml:5:1: owner name'],
    ['example.com. IN A 192.0.2.1', 'scenario.yaml:5:14: expected a TTL'],
    ['example.com. 300 IN A', 'scenario.yaml:5:22: missing RDATA'],
    ['example.com. 300 IN A 300.1.1.1', "scenario.yaml:5:23: '300.1.1.1' is not an IPv4 address"],
    ['x.example.com. 300 IN CNAME example.com', 'scenario.yaml:5:29: CNAME target'],
  ])('rejects %s with file:line:col', (line, prefix) => {
    try {
      parseZoneLines([line], 'scenario.yaml', 5);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).format().startsWith(prefix)).toBe(true);
    }
  });
});
