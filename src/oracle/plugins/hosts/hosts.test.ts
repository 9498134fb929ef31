import { describe, expect, it } from 'vitest';
import { fixedPlugin, harness, inputError } from '../testkit.ts';
import { hostsPlugin } from './hosts.ts';

const models = [hostsPlugin, fixedPlugin];

// hostsExample and the expectations below are CoreDNS plugin/hosts/hosts_test.go (v1.14.7).
const hostsExample = `
127.0.0.1 localhost localhost.domain
::1 localhost localhost.domain
10.0.0.1 example.org
::FFFF:10.0.0.2 example.com
10.0.0.3 fallthrough-example.org
1.2.3.4 aa.example.com
5.6.7.8 *.apps.example.com
reload 5s
timeout 3600
`;
const files = { '/etc/hosts.test': hostsExample };
const rrs = (r: ReturnType<ReturnType<typeof harness>['ask']>) =>
  r.out.message.answer.map((x) => `${x.name} ${x.ttl} ${x.type} ${x.data}`);

describe('hosts file (CoreDNS plugin/hosts/hosts_test.go TestLookupA)', () => {
  const h = harness('. {\n  hosts /etc/hosts.test\n}', models, { files });

  it.each([
    ['example.org.', 'A', ['example.org. 3600 A 10.0.0.1']],
    ['example.com.', 'A', ['example.com. 3600 A 10.0.0.2']],
    ['localhost.', 'AAAA', ['localhost. 3600 AAAA ::1']],
    ['1.0.0.10.in-addr.arpa.', 'PTR', ['1.0.0.10.in-addr.arpa. 3600 PTR example.org.']],
    ['2.0.0.10.in-addr.arpa.', 'PTR', ['2.0.0.10.in-addr.arpa. 3600 PTR example.com.']],
    [
      '1.0.0.127.in-addr.arpa.',
      'PTR',
      ['1.0.0.127.in-addr.arpa. 3600 PTR localhost.', '1.0.0.127.in-addr.arpa. 3600 PTR localhost.domain.'],
    ],
    ['example.org.', 'AAAA', []],
    ['example.org.', 'MX', []],
    ['aa.example.com.', 'A', ['aa.example.com. 3600 A 1.2.3.4']],
  ])('%s %s', (name, type, expected) => {
    const r = h.ask(name, type);
    expect(r.out.message.rcode).toBe('NOERROR');
    expect(r.out.message.flags.aa).toBe(true);
    expect(rrs(r)).toEqual(expected);
    expect(r.out.message.authority).toEqual([]); // reference §8.5: NODATA without SOA
  });

  it('answers `*.` wildcard names one label deep since 1.14.5 (wildcard.go replaceWithAsteriskLabel)', () => {
    expect(rrs(h.ask('x.apps.example.com.', 'A'))).toEqual(['x.apps.example.com. 3600 A 5.6.7.8']);
    // hosts_test.go lists apps.example.com A → 5.6.7.8, but its harness skips the check when nothing
    // is written; the code maps apps.example.com to `*.example.com.`, which is not listed → SERVFAIL.
    expect(h.ask('apps.example.com.', 'A').out.message.rcode).toBe('SERVFAIL');
    const old = harness('. {\n  hosts /etc/hosts.test\n}', models, { files, version: '1.14.4' });
    expect(old.ask('x.apps.example.com.', 'A').out.message.rcode).toBe('SERVFAIL');
  });

  it('SERVFAIL for an unlisted name without fallthrough (hosts.go: no SOA to send NXDOMAIN)', () => {
    const r = h.ask('nope.example.net.', 'A');
    expect(r.out.message).toMatchObject({ rcode: 'SERVFAIL', answer: [], authority: [] });
  });

  it('owner names are the lowercased question name (request.Name)', () => {
    expect(rrs(h.ask('Example.ORG.', 'A'))).toEqual(['example.org. 3600 A 10.0.0.1']);
  });
});

describe('hosts inline, ttl, fallthrough (README)', () => {
  it('serves inline entries with the ttl option and falls through for unlisted names', () => {
    const h = harness(
      '. {\n  hosts {\n    10.0.0.1 example.org\n    ttl 60\n    fallthrough\n  }\n  whoami A 192.0.2.1\n}',
      models,
    );
    expect(rrs(h.ask('example.org.', 'A'))).toEqual(['example.org. 60 A 10.0.0.1']);
    expect(h.ask('other.org.', 'A').out.message.answer[0]?.data).toBe('192.0.2.1');
  });

  it('lists file addresses before inline ones (hostsfile.go lookupStaticHostFamily)', () => {
    const h = harness('. {\n  hosts /etc/hosts.test {\n    10.9.9.9 example.org\n  }\n}', models, { files });
    expect(rrs(h.ask('example.org.', 'A'))).toEqual([
      'example.org. 3600 A 10.0.0.1',
      'example.org. 3600 A 10.9.9.9',
    ]);
  });

  it('for listed names, other types are NODATA up to 1.14.4 and since 1.14.7, but fall through in 1.14.5–1.14.6 (hosts.go otherRecordsExist; #8193, #8282; hosts_test.go TestFallthroughUnsupportedType)', () => {
    const text = '. {\n  hosts /etc/hosts.test {\n    fallthrough\n  }\n  whoami TXT fromnext\n}';
    expect(harness(text, models, { files }).ask('example.org.', 'TXT').out.message.answer).toEqual([]);
    // Live CoreDNS 1.12.4 and 1.14.2 answer a listed name's MX with NOERROR and no records.
    for (const version of ['1.12.4', '1.14.2', '1.14.4']) {
      const out = harness(text, models, { files, version }).ask('example.org.', 'TXT').out;
      expect(out.message.rcode).toBe('NOERROR');
      expect(out.message.answer).toEqual([]);
    }
    expect(
      harness(text, models, { files, version: '1.14.6' }).ask('example.org.', 'TXT').out.message.answer[0]
        ?.data,
    ).toBe('fromnext');
    const optIn =
      '. {\n  hosts /etc/hosts.test {\n    fallthrough\n    fallthrough_unsupported\n  }\n  whoami TXT fromnext\n}';
    expect(harness(optIn, models, { files }).ask('example.org.', 'TXT').out.message.answer[0]?.data).toBe(
      'fromnext',
    );
  });

  it('only keeps names inside its zones, but answers PTR for listed addresses anywhere', () => {
    const h = harness(
      '. {\n  hosts /etc/hosts.test example.org {\n    fallthrough\n  }\n  whoami A 192.0.2.1\n}',
      models,
      { files },
    );
    expect(h.ask('example.com.', 'A').out.message.answer[0]?.data).toBe('192.0.2.1');
    expect(rrs(h.ask('1.0.0.10.in-addr.arpa.', 'PTR'))).toEqual([
      '1.0.0.10.in-addr.arpa. 3600 PTR example.org.',
    ]);
  });

  it('validates like setup.go', () => {
    expect(inputError(() => harness('. {\n  hosts {\n    ttl 0\n  }\n}', models))).toBe(
      'Corefile:3:5: plugin/hosts: ttl provided is invalid',
    );
    expect(
      inputError(() => harness('. {\n  hosts {\n    fallthrough\n    10.0.0.1 a.org\n  }\n}', models)),
    ).toBe("Corefile:4:5: plugin/hosts: unknown property '10.0.0.1'");
  });
});
