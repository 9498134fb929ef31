import { describe, expect, it } from 'vitest';
import { hostsPlugin } from '../hosts/hosts.ts';
import { fixedPlugin, harness, inputError } from '../testkit.ts';
import { templatePlugin } from './template.ts';

const models = [templatePlugin, hostsPlugin, fixedPlugin];
const rrs = (r: ReturnType<ReturnType<typeof harness>['ask']>, s: 'answer' | 'authority' = 'answer') =>
  r.out.message[s].map((x) => `${x.name} ${x.ttl} ${x.type} ${x.data}`);

// Corefiles and expectations from CoreDNS plugin/template/README.md "Examples".
describe('template (reference coredns-kubernetes.md §8.6)', () => {
  it('"Resolve everything to NXDOMAIN"', () => {
    const r = harness('. {\n  template ANY ANY {\n    rcode NXDOMAIN\n  }\n}', models).ask(
      'anything.example.',
      'A',
    );
    expect(r.out.message).toMatchObject({ rcode: 'NXDOMAIN', answer: [], authority: [] });
    expect(r.out.message.flags.aa).toBe(true);
  });

  it('"Resolve .invalid as NXDOMAIN" with a dummy SOA', () => {
    const h = harness(
      '. {\n  whoami A 192.0.2.1\n  template ANY ANY invalid {\n    rcode NXDOMAIN\n    authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"\n    ederror 21 "Blocked according to RFC2606"\n  }\n}',
      models,
    );
    const r = h.ask('foo.invalid.', 'A');
    expect(r.out.message.rcode).toBe('NXDOMAIN');
    expect(rrs(r, 'authority')).toEqual(['invalid. 60 SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60']);
    expect(h.ask('example.org.', 'A').out.message.answer[0]?.data).toBe('192.0.2.1');
  });

  const ip = `. {
  whoami A 192.0.2.99
  template IN A example {
    match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
    answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
    fallthrough
  }
  template IN PTR in-addr.arpa {
    match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
    answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
  }
}`;

  it('"Resolve A/PTR for .example": named groups', () => {
    const h = harness(ip, models);
    expect(rrs(h.ask('ip-10-1-2-3.example.', 'A'))).toEqual(['ip-10-1-2-3.example. 60 A 10.1.2.3']);
    expect(rrs(h.ask('3.2.1.10.in-addr.arpa.', 'PTR'))).toEqual([
      '3.2.1.10.in-addr.arpa. 60 PTR ip-10-1-2-3.example.',
    ]);
  });

  it('"the A record is actually a wildcard: any subdomain of the IP address will resolve"', () => {
    expect(rrs(harness(ip, models).ask('www.ip-10-1-2-3.example.', 'A'))).toEqual([
      'www.ip-10-1-2-3.example. 60 A 10.1.2.3',
    ]);
  });

  it('falls through when the regex does not match and fallthrough is set; other types pass on', () => {
    const h = harness(ip, models);
    expect(h.ask('other.example.', 'A').out.message.answer[0]?.data).toBe('192.0.2.99');
    expect(h.ask('ip-10-1-2-3.example.', 'AAAA').out.message.answer[0]?.data).toBe('192.0.2.99');
  });

  it('SERVFAIL when zone and type match but no regex does and there is no fallthrough (§8.6)', () => {
    const r = harness(ip, models).ask('foo.in-addr.arpa.', 'PTR');
    expect(r.out.message).toMatchObject({ rcode: 'SERVFAIL', answer: [] });
  });

  it('chases a CNAME answer for A questions through the server (template.go upstream.Lookup)', () => {
    const h = harness(
      '. {\n  hosts {\n    10.0.0.5 target.example.org\n    fallthrough\n  }\n  template IN A alias.example {\n    answer "{{ .Name }} 60 IN CNAME target.example.org"\n  }\n}',
      models,
    );
    expect(rrs(h.ask('alias.example.', 'A'))).toEqual([
      'alias.example. 60 CNAME target.example.org.',
      'target.example.org. 3600 A 10.0.0.5',
    ]);
  });

  it('validates like setup.go', () => {
    expect(inputError(() => harness('. {\n  template IN\n}', models))).toMatch(
      /^Corefile:2:3: plugin\/template: Wrong argument count/,
    );
    expect(inputError(() => harness('. {\n  template IN A {\n    rcode BOGUS\n  }\n}', models))).toBe(
      'Corefile:3:5: plugin/template: unknown rcode BOGUS',
    );
  });
});
