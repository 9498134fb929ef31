import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { cachePlugin } from './plugins/cache/cache.ts';
import { fixedPlugin, harness } from './plugins/testkit.ts';
import { isSubDomain, matchZone, normalizeZoneArg } from './server.ts';

const models = [fixedPlugin, cachePlugin];

describe('server block selection (reference coredns-kubernetes.md §2.1; CoreDNS core/dnsserver/server.go)', () => {
  const h = harness(
    `example.org {
  whoami A 192.0.2.1
}
sub.example.org {
  whoami A 192.0.2.2
}
. {
  whoami A 192.0.2.3
}
.:1053 {
  whoami A 192.0.2.4
}`,
    models,
  );

  it('takes the longest zone suffix of the question name', () => {
    expect(h.ask('a.example.org.', 'A').out.message.answer[0]?.data).toBe('192.0.2.1');
    expect(h.ask('a.sub.example.org.', 'A').out.message.answer[0]?.data).toBe('192.0.2.2');
  });

  it('compares zones case-insensitively (the qname is lowercased first)', () => {
    const r = h.ask('A.Sub.EXAMPLE.org.', 'A').out.message.answer[0];
    expect(r?.data).toBe('192.0.2.2');
  });

  it('falls back to the root block', () => {
    expect(h.ask('kubernetes.io.', 'A').out.message.answer[0]?.data).toBe('192.0.2.3');
  });

  it('routes a DS question to the parent-most matching block', () => {
    expect(h.ask('sub.example.org.', 'DS').out.message.answer[0]?.data).toBe('192.0.2.1');
  });

  it('keeps ports apart', () => {
    expect(h.ask('example.org.', 'A', { port: 1053 }).out.message.answer[0]?.data).toBe('192.0.2.4');
  });

  it('refuses other classes when no block runs chaos', () => {
    const r = h.ask('example.org.', 'TXT', { qclass: 'CH' });
    expect(r.out.message.rcode).toBe('REFUSED');
    expect(r.out.message.answer).toEqual([]);
  });
});

describe('server replies without a plugin answer', () => {
  it('REFUSED when no block zone contains the name', () => {
    const h = harness('example.org {\n  whoami\n}', models);
    const r = h.ask('example.com.', 'A').out.message;
    expect(r).toMatchObject({ rcode: 'REFUSED', answer: [], authority: [], additional: [] });
    expect(r.flags.aa).toBe(false);
  });

  it('SERVFAIL (bare) when the chain has no plugin that answers (NextOrFailure, §2.1.5)', () => {
    const h = harness('. {\n  errors\n  cache 30\n}', models);
    const r = h.ask('example.com.', 'A');
    expect(r.out.message).toMatchObject({ rcode: 'SERVFAIL', answer: [], authority: [] });
    expect(r.explain.join('\n')).toMatch(/NextOrFailure/);
  });

  it('REFUSED when the block has no plugins at all', () => {
    const h = harness('. {\n}', models);
    expect(h.ask('example.com.', 'A').out.message.rcode).toBe('REFUSED');
  });
});

describe('plugin chain (reference §2.2: plugin.cfg order, Corefile order irrelevant)', () => {
  it('runs cache around the answering plugin whichever comes first in the Corefile', () => {
    const a = harness('. {\n  whoami A 192.0.2.1 60\n  cache 30\n}', models).ask('x.', 'A');
    const b = harness('. {\n  cache 30\n  whoami A 192.0.2.1 60\n}', models).ask('x.', 'A');
    expect(a.out.message.answer[0]?.ttl).toBe(30);
    expect(b.out.message.answer[0]?.ttl).toBe(30);
  });

  it('passes no-effect plugins through and names none as unmodelled', () => {
    const h = harness(
      '. {\n  errors\n  log\n  health {\n    lameduck 5s\n  }\n  ready\n  prometheus :9153\n  loop\n  reload\n  whoami A 192.0.2.9\n}',
      models,
    );
    const r = h.ask('x.', 'A');
    expect(r.out.message.answer[0]?.data).toBe('192.0.2.9');
    expect(r.unmodelled).toEqual([]);
  });

  it('names an unmodelled plugin the query passes through', () => {
    const h = harness('. {\n  file db.example.org example.org\n  whoami\n}', models);
    expect(h.ask('www.example.org.', 'A').unmodelled).toEqual(['file']);
  });

  it("rejects a directive not in the version's plugin.cfg with file:line:col", () => {
    expect(() => harness('. {\n  whoami\n  foo bar\n}', models)).toThrowError(InputError);
    try {
      harness('. {\n  whoami\n  foo bar\n}', models);
    } catch (e) {
      expect((e as InputError).format()).toBe(
        "Corefile:3:3: unknown directive 'foo' (not in CoreDNS 1.14.7's plugin.cfg)",
      );
    }
  });

  it('knows directives by version (minimal arrived in plugin.cfg at 1.8.4)', () => {
    expect(() => harness('. {\n  minimal\n  whoami\n}', models, { version: '1.8.3' })).toThrowError(
      /unknown directive 'minimal'/,
    );
    expect(() => harness('. {\n  minimal\n  whoami\n}', models, { version: '1.8.4' })).not.toThrow();
  });

  it('refuses a zone served twice on one port (core/dnsserver/register.go)', () => {
    expect(() => harness('example.org {\n  whoami\n}\nexample.org:53 {\n  whoami\n}', models)).toThrowError(
      /cannot serve dns:\/\/example.org.:53 - it is already defined/,
    );
  });
});

describe('zones (plugin/normalize.go, plugin/pkg/cidr)', () => {
  it('matches names below a zone, not names that merely end with it', () => {
    expect(isSubDomain('example.org.', 'a.example.org.')).toBe(true);
    expect(isSubDomain('example.org.', 'aexample.org.')).toBe(false);
    expect(isSubDomain('.', 'anything.')).toBe(true);
    expect(matchZone(['org.', 'example.org.'], 'www.EXAMPLE.org.')).toBe('example.org.');
  });

  // Cases from CoreDNS plugin/pkg/cidr/cidr_test.go.
  it.each([
    ['10.0.0.0/15', ['0.10.in-addr.arpa.', '1.10.in-addr.arpa.']],
    ['10.0.0.0/16', ['0.10.in-addr.arpa.']],
    ['192.168.1.1/23', ['0.168.192.in-addr.arpa.', '1.168.192.in-addr.arpa.']],
    [
      '10.129.60.0/22',
      [
        '60.129.10.in-addr.arpa.',
        '61.129.10.in-addr.arpa.',
        '62.129.10.in-addr.arpa.',
        '63.129.10.in-addr.arpa.',
      ],
    ],
    ['2001:db8::/31', ['8.b.d.0.1.0.0.2.ip6.arpa.', '9.b.d.0.1.0.0.2.ip6.arpa.']],
  ])('turns CIDR %s into its reverse zones', (cidr, zones) => {
    expect(normalizeZoneArg(cidr)).toEqual(zones);
  });

  it('lowercases and qualifies names', () => {
    expect(normalizeZoneArg('Example.ORG')).toEqual(['example.org.']);
  });
});
