import { describe, expect, it } from 'vitest';
import { parseZoneLines } from '../../../upstream/zone.ts';
import { fixedPlugin, harness, inputError } from '../testkit.ts';
import { forwardPlugin } from './forward.ts';

const models = [fixedPlugin, forwardPlugin];
const upstream = parseZoneLines(
  ['example.com. 300 IN A 192.0.2.10', 'example.org. 300 IN A 192.0.2.20'],
  'upstream',
);

describe('forward (reference coredns-kubernetes.md §8.2; CoreDNS plugin/forward/forward.go)', () => {
  it("returns the declared upstream's reply as-is and says where it went", () => {
    const r = harness('. {\n  forward . 172.18.0.1\n}', models, { upstream }).ask('example.com.', 'A');
    expect(r.out.message.answer).toEqual([{ name: 'example.com.', type: 'A', ttl: 300, data: '192.0.2.10' }]);
    expect(r.out.forwardedTo).toBe('172.18.0.1:53');
    expect(r.out.unknown).toBeUndefined();
  });

  it('reads nameservers from a resolv.conf handed in by content', () => {
    const r = harness('. {\n  forward . /etc/resolv.conf\n}', models, {
      upstream,
      files: { '/etc/resolv.conf': 'search example\nnameserver 10.0.0.2\nnameserver fd00::53\n' },
    }).ask('example.com.', 'A');
    expect(r.out.forwardedTo).toBe('10.0.0.2:53 [fd00::53]:53');
  });

  it('marks the answer unknown without declared upstream records', () => {
    const r = harness('. {\n  forward . /etc/resolv.conf\n}', models).ask('example.com.', 'A');
    expect(r.out.unknown).toBe(true);
    expect(r.out.forwardedTo).toBe('/etc/resolv.conf');
  });

  it('passes names outside FROM, or under except, to the next plugin (README: except IGNORED_NAMES)', () => {
    const h = harness(
      '. {\n  forward example.com 10.0.0.1 {\n    except sub.example.com\n  }\n  whoami A 192.0.2.99\n}',
      models,
      { upstream },
    );
    expect(h.ask('example.org.', 'A').out.message.answer[0]?.data).toBe('192.0.2.99');
    expect(h.ask('a.sub.example.com.', 'A').out.message.answer[0]?.data).toBe('192.0.2.99');
    expect(h.ask('example.com.', 'A').out.message.answer[0]?.data).toBe('192.0.2.10');
  });

  it('with several stanzas (1.9.4+), a non-matching one hands over to the next stanza', () => {
    const h = harness('. {\n  forward example.com 10.0.0.1\n  forward . 10.0.0.2\n}', models, { upstream });
    expect(h.ask('example.org.', 'A').out.forwardedTo).toBe('10.0.0.2:53');
    expect(h.ask('example.com.', 'A').out.forwardedTo).toBe('10.0.0.1:53');
  });

  it('`next NXDOMAIN` tries the next forward stanza on that upstream rcode (1.11.4+)', () => {
    const h = harness(
      '. {\n  forward . 10.0.0.1 {\n    next NXDOMAIN\n  }\n  forward . 10.0.0.2\n}',
      models,
      { upstream },
    );
    expect(h.ask('nope.example.com.', 'A').out.forwardedTo).toBe('10.0.0.2:53');
  });

  it('validates like setup.go', () => {
    expect(inputError(() => harness('. {\n  forward .\n}', models))).toMatch(
      /^Corefile:2:3: plugin\/forward: Wrong argument count/,
    );
    expect(inputError(() => harness('. {\n  forward . 1.1.1.1 {\n    bogus\n  }\n}', models))).toBe(
      "Corefile:3:5: plugin/forward: unknown property 'bogus'",
    );
    expect(() =>
      harness('. {\n  forward a 10.0.0.1\n  forward . 10.0.0.2\n}', models, { version: '1.9.3' }),
    ).toThrowError(/only be used once/);
    expect(() =>
      harness('. {\n  forward . 10.0.0.1 {\n    next NXDOMAIN\n  }\n}', models, { version: '1.11.3' }),
    ).toThrowError(/unknown property 'next'/);
  });
});
