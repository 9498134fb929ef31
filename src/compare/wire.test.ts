/**
 * Wire comparison. Expected differences are derived by hand from the rules' definitions (ARCHITECTURE.md
 * "Comparison"; CoreDNS plugin/test/helpers.go SortAndCheck: sections sorted, SOA compared by MNAME;
 * Deckard: owner names case-insensitive) — none is taken from the comparator's own output.
 */
import { describe, expect, it } from 'vitest';
import type { DnsMessage, ResourceRecord } from '../dns/message.ts';
import type { Prediction } from '../oracle/types.ts';
import { describeDifference } from './difference.ts';
import { compareWire } from './wire.ts';

const Q = 'web.default.svc.cluster.local.';
const rr = (name: string, ttl: number, type: string, data: string): ResourceRecord => ({
  name,
  ttl,
  type,
  data,
});
const A1 = rr(Q, 30, 'A', '10.96.0.10');
const A2 = rr(Q, 30, 'A', '10.96.0.11');
// kubernetes plugin SOA: ns.dns.<zone> hostmaster.<zone> serial 7200 1800 86400 <ttl> (plugin/kubernetes/kubernetes.go).
const SOA = rr(
  'cluster.local.',
  30,
  'SOA',
  'ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30',
);

function msg(over: Partial<DnsMessage> = {}): DnsMessage {
  return {
    rcode: 'NOERROR',
    flags: { aa: true, tc: false, rd: true, ra: true },
    answer: [],
    authority: [],
    additional: [],
    ...over,
  };
}

function prediction(message: DnsMessage, over: Partial<Prediction> = {}): Prediction {
  return { query: { name: Q, type: 'A' }, message, ordered: false, explain: [], unmodelled: [], ...over };
}

const texts = (r: { differences: { field: string; expected: string; live: string }[] }) =>
  r.differences.map(describeDifference);

describe('compareWire', () => {
  it('passes the same records in another order where CoreDNS guarantees none', () => {
    const r = compareWire(prediction(msg({ answer: [A1, A2] })), [msg({ answer: [A2, A1] })]);
    expect(r.verdict).toBe('pass');
    expect(r.differences).toEqual([]);
    expect(r.rules).toContain('sections-as-multisets');
    expect(r.rules).toContain('message-id-ignored');
  });

  it('reports the order where the prediction is ordered', () => {
    const r = compareWire(prediction(msg({ answer: [A1, A2] }), { ordered: true }), [
      msg({ answer: [A2, A1] }),
    ]);
    expect(r.verdict).toBe('diff');
    expect(texts(r)).toEqual([
      'answer order: expected A 10.96.0.10, A 10.96.0.11, live A 10.96.0.11, A 10.96.0.10',
    ]);
    expect(r.rules).not.toContain('sections-as-multisets');
  });

  it('names a missing record, the rcode and an unexpected SOA precisely', () => {
    const live = msg({ rcode: 'NXDOMAIN', authority: [SOA] });
    const r = compareWire(prediction(msg({ answer: [A1] })), [live]);
    expect(r.verdict).toBe('diff');
    expect(texts(r)).toEqual([
      'rcode: expected NOERROR, live NXDOMAIN',
      'answer: missing A 10.96.0.10 (TTL 30)',
      'authority: unexpected cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30 (TTL 30)',
    ]);
  });

  it('compares TTLs exactly without a cache, within the range with one, not at all when switched off', () => {
    const live = [msg({ answer: [{ ...A1, ttl: 25 }] })];
    const exact = compareWire(prediction(msg({ answer: [A1] })), live);
    expect(texts(exact)).toEqual(['answer[0].ttl: expected 30, live 25']);
    expect(exact.rules).toContain('ttl-exact');

    const cached = prediction(msg({ answer: [A1] }), {
      ttlRanges: { answer: [{ min: 0, max: 30 }], authority: [], additional: [] },
    });
    const inRange = compareWire(cached, live);
    expect(inRange.verdict).toBe('pass');
    expect(inRange.rules).toContain('ttl-within-cache-range');
    const tooHigh = compareWire(cached, [msg({ answer: [{ ...A1, ttl: 31 }] })]);
    expect(texts(tooHigh)).toEqual(['answer[0].ttl: expected 0..30, live 31']);

    const off = compareWire(prediction(msg({ answer: [A1] })), live, { ttl: false });
    expect(off.verdict).toBe('pass');
    expect(off.rules).toContain('ttl-ignored');
  });

  it('compares owner names without case unless switched off', () => {
    const live = [msg({ answer: [{ ...A1, name: 'WEB.default.svc.cluster.local.' }] })];
    expect(compareWire(prediction(msg({ answer: [A1] })), live).verdict).toBe('pass');
    const strict = compareWire(prediction(msg({ answer: [A1] })), live, { 'owner-case-insensitive': false });
    expect(texts(strict)).toEqual([
      'answer: missing A 10.96.0.10 (TTL 30)',
      'answer: unexpected A 10.96.0.10 (TTL 30)',
    ]);
  });

  it('ignores the SOA serial and timers, but not its MNAME', () => {
    const p = prediction(msg({ rcode: 'NXDOMAIN', authority: [SOA] }));
    const later = {
      ...SOA,
      data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1700000999 7200 1800 86400 5',
    };
    const r = compareWire(p, [msg({ rcode: 'NXDOMAIN', authority: [later] })]);
    expect(r.verdict).toBe('pass');
    expect(r.rules).toContain('soa-serial-and-timers-ignored');
    const full = compareWire(p, [msg({ rcode: 'NXDOMAIN', authority: [later] })], {
      'soa-serial-and-timers-ignored': false,
    });
    expect(full.verdict).toBe('diff');
    const otherMname = { ...SOA, data: 'a.example. hostmaster.cluster.local. 1700000000 7200 1800 86400 30' };
    expect(compareWire(p, [msg({ rcode: 'NXDOMAIN', authority: [otherMname] })]).verdict).toBe('diff');
  });

  it('leaves the EDNS OPT record out unless switched off', () => {
    const opt = rr('.', 0, 'OPT', 'udp=1232');
    const p = prediction(msg({ answer: [A1] }));
    expect(compareWire(p, [msg({ answer: [A1], additional: [opt] })]).verdict).toBe('pass');
    const r = compareWire(p, [msg({ answer: [A1], additional: [opt] })], { 'edns-opt-ignored': false });
    expect(texts(r)).toEqual(['additional: unexpected . OPT udp=1232 (TTL 0)']);
  });

  it('compares the aa, tc and ra flags, each switchable, and not rd', () => {
    const p = prediction(msg({ answer: [A1] }));
    const live = msg({ answer: [A1], flags: { aa: false, tc: false, rd: false, ra: true } });
    expect(texts(compareWire(p, [live]))).toEqual(['flags.aa: expected set, live not set']);
    expect(compareWire(p, [live], { 'flag-aa': false }).verdict).toBe('pass');
  });

  it('calls asks that disagree with each other unstable, naming the ask that strayed', () => {
    const p = prediction(msg({ answer: [A1] }));
    const r = compareWire(p, [msg({ answer: [A1] }), msg({ answer: [A2] })]);
    expect(r.verdict).toBe('unstable');
    expect(texts(r)).toEqual([
      'ask 2: answer: missing A 10.96.0.10 (TTL 30)',
      'ask 2: answer: unexpected A 10.96.0.11 (TTL 30)',
    ]);
  });

  it('calls the same wrong answer asked twice a diff, though its TTL counted down', () => {
    const p = prediction(msg({ answer: [A1] }));
    const r = compareWire(p, [msg({ answer: [{ ...A2, ttl: 30 }] }), msg({ answer: [{ ...A2, ttl: 29 }] })]);
    expect(r.verdict).toBe('diff');
    expect(texts(r)).toEqual([
      'answer: missing A 10.96.0.10 (TTL 30)',
      'answer: unexpected A 10.96.0.11 (TTL 30)',
    ]);
  });

  it('skips an answer the oracle cannot know, and says why', () => {
    const p = prediction(msg({ flags: { aa: false, tc: false, rd: true, ra: true } }), {
      query: { name: 'example.com.', type: 'A' },
      unknown: true,
      forwardedTo: '/etc/resolv.conf',
    });
    const r = compareWire(p, [msg({ rcode: 'SERVFAIL' })]);
    expect(r.verdict).toBe('skipped');
    expect(r.reason).toBe(
      'the oracle cannot know this answer (forwarded to /etc/resolv.conf with no upstream records declared): nothing to compare',
    );
  });

  it('checks the known records of a partly unknown answer as a subset, nothing else', () => {
    // An ExternalName CNAME (known) whose target is forwarded with no upstream data (unknown).
    const Qx = 'ext.default.svc.cluster.local.';
    const cname = rr(Qx, 30, 'CNAME', 'db.example.org.');
    const p = prediction(msg({ answer: [cname] }), { query: { name: Qx, type: 'A' }, unknown: true });
    const live = msg({ answer: [cname, rr('db.example.org.', 300, 'A', '192.0.2.7')] });
    const ok = compareWire(p, [{ ...live, flags: { aa: false, tc: false, rd: true, ra: true } }]);
    expect(ok.verdict).toBe('pass');
    expect(ok.rules).toContain('only-known-records');
    expect(ok.rules).not.toContain('rcode');
    expect(ok.reason).toMatch(/only its predicted records were checked/);
    const without = compareWire(p, [msg({ rcode: 'SERVFAIL' })]);
    expect(texts(without)).toEqual(['answer: missing CNAME db.example.org. (TTL 30)']);
  });

  it('turns a difference into an expected deviation with the documented reason', () => {
    const p = prediction(msg({ answer: [A1] }));
    const dev = { reason: 'CoreDNS 1.11 answers NXDOMAIN here (coredns#7117)' };
    const r = compareWire(p, [msg({ rcode: 'NXDOMAIN' })], {}, { deviation: dev });
    expect(r.verdict).toBe('expected-deviation');
    expect(r.reason).toBe(dev.reason);
    expect(r.differences.length).toBe(2);
    const pass = compareWire(p, [msg({ answer: [A1] })], {}, { deviation: dev });
    expect(pass.verdict).toBe('pass');
    expect(pass.reason).toBe(`documented deviation did not occur: ${dev.reason}`);
  });

  it('refuses an unknown switch, naming the known ones', () => {
    expect(() => compareWire(prediction(msg()), [msg()], { tll: false })).toThrow(
      /unknown comparison switch 'tll'.*ttl/,
    );
  });

  it('compares in wire order everywhere when the multiset rule is off', () => {
    const r = compareWire(prediction(msg({ answer: [A1, A2] })), [msg({ answer: [A2, A1] })], {
      'sections-as-multisets': false,
    });
    expect(r.verdict).toBe('diff');
    expect(r.differences[0]?.field).toBe('answer order');
  });
});
