import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import type { Prediction } from '../oracle/types.ts';
import { parseQueries, predictionJson, predictionText } from './predict.ts';

// The contract under test: ARCHITECTURE.md "(contract) dnsconform predict".
describe('queries file', () => {
  it('reads NAME TYPE per line with # comments, qualifying names', () => {
    expect(
      parseQueries('# comment\nweb.default.svc.cluster.local A\n\nexample.com. aaaa # trailing\n', 'q.txt'),
    ).toEqual([
      { name: 'web.default.svc.cluster.local.', type: 'A', asWritten: 'web.default.svc.cluster.local' },
      { name: 'example.com.', type: 'AAAA', asWritten: 'example.com.' },
    ]);
  });

  it.each([
    ['a.b A extra', 'q.txt:1:7: expected'],
    ['a.b BOGUS', "q.txt:1:5: unknown record type 'BOGUS'"],
    ['a..b A', "q.txt:1:1: 'a..b' is not a valid domain name"],
  ])('rejects %j with file:line:col', (line, prefix) => {
    try {
      parseQueries(line, 'q.txt');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).format().startsWith(prefix)).toBe(true);
    }
  });
});

const p: Prediction = {
  query: { name: 'svc.ns.svc.cluster.local.', type: 'A' },
  message: {
    rcode: 'NOERROR',
    flags: { aa: true, tc: false, rd: true, ra: false },
    answer: [{ name: 'svc.ns.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' }],
    authority: [],
    additional: [],
  },
  ordered: true,
  explain: ['a rule — CoreDNS plugin/x.go'],
  unmodelled: [],
};

describe('output', () => {
  it('JSON Lines objects carry the contract keys first', () => {
    const o = predictionJson(p);
    expect(Object.keys(o).slice(0, 6)).toEqual([
      'query',
      'rcode',
      'answer',
      'authority',
      'additional',
      'explain',
    ]);
    expect(o.answer).toEqual([
      { name: 'svc.ns.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.100' },
    ]);
  });

  it('text reads like dig: status, flags, sections, then explain lines', () => {
    const t = predictionText(p, '1.12.1');
    expect(t).toContain(';; ->>HEADER<<- opcode: QUERY, status: NOERROR');
    expect(t).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0');
    expect(t).toContain(';; ANSWER SECTION:\nsvc.ns.svc.cluster.local.\t30\tIN\tA\t10.96.0.100');
    expect(t).toContain(';; explain: a rule — CoreDNS plugin/x.go');
  });
});
