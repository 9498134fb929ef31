import { describe, expect, it } from 'vitest';
import { cachePlugin } from '../cache/cache.ts';
import { hostsPlugin } from '../hosts/hosts.ts';
import { fixedPlugin, harness, inputError } from '../testkit.ts';
import { rewritePlugin } from './rewrite.ts';

const models = [rewritePlugin, fixedPlugin, hostsPlugin, cachePlugin];
const owners = (r: ReturnType<ReturnType<typeof harness>['ask']>) => r.out.message.answer.map((x) => x.name);

describe('rewrite name (CoreDNS plugin/rewrite/README.md, reference §8.4)', () => {
  it('regex without answer rule: the answer keeps the rewritten name (README "Response Rewrites")', () => {
    const h = harness(
      '. {\n  rewrite name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul\n  whoami A 10.10.10.10\n}',
      models,
    );
    expect(owners(h.ask('ftp-us-west-1.coredns.rocks.', 'A'))).toEqual(['ftp.service.us-west-1.consul.']);
  });

  it('regex with `answer name`: the answer matches the question (README "Explicit Response Name Rewrite")', () => {
    const h = harness(
      '. {\n  rewrite stop {\n    name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul\n    answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.coredns.rocks\n  }\n  whoami A 10.10.10.10\n}',
      models,
    );
    expect(owners(h.ask('ftp-us-west-1.coredns.rocks.', 'A'))).toEqual(['ftp-us-west-1.coredns.rocks.']);
  });

  it('exact rules always map the answer back (README: "answers for rewrites of type exact are always rewritten")', () => {
    const h = harness(
      '. {\n  rewrite name foo.example.com foo.default.svc.cluster.local\n  whoami A 10.96.0.7\n}',
      models,
    );
    const r = h.ask('foo.example.com.', 'A');
    expect(owners(r)).toEqual(['foo.example.com.']);
    expect(r.explain.join('\n')).toMatch(/asked as foo\.default\.svc\.cluster\.local\./);
  });

  it('suffix with `answer auto` swaps suffix and replacement back (README "Auto Response Name Rewrite")', () => {
    const h = harness(
      '. {\n  rewrite stop {\n    name suffix .coredns.rocks .service.consul answer auto\n  }\n  whoami A 10.0.0.1\n}',
      models,
    );
    expect(owners(h.ask('ftp.coredns.rocks.', 'A'))).toEqual(['ftp.coredns.rocks.']);
  });

  it('leaves non-matching names alone', () => {
    const h = harness('. {\n  rewrite name foo.example.com bar.example.com\n  whoami A 10.0.0.1\n}', models);
    expect(owners(h.ask('other.example.com.', 'A'))).toEqual(['other.example.com.']);
  });
});

describe('rewrite type, ttl, rcode', () => {
  it('type: asks the backend for the new type (README: rewrite type ANY HINFO)', () => {
    const h = harness('. {\n  rewrite type AAAA A\n  hosts {\n    10.0.0.1 example.org\n  }\n}', models);
    expect(h.ask('example.org.', 'AAAA').out.message.answer).toEqual([
      { name: 'example.org.', type: 'A', ttl: 3600, data: '10.0.0.1' },
    ]);
  });

  it('ttl: sets the TTL of every record of the reply (README "TTL Field Rewrites")', () => {
    const h = harness(
      '. {\n  rewrite ttl example.org 10\n  hosts {\n    10.0.0.1 example.org\n  }\n}',
      models,
    );
    expect(h.ask('example.org.', 'A').out.message.answer[0]?.ttl).toBe(10);
  });

  it('rcode: replaces the rcode of a matching reply, also a bare one (1.14.7 reverter.go rewriteMsg)', () => {
    const h = harness(
      '. {\n  rewrite rcode nope.example.org SERVFAIL NXDOMAIN\n  hosts {\n    10.0.0.1 example.org\n  }\n}',
      models,
    );
    expect(h.ask('nope.example.org.', 'A').out.message.rcode).toBe('NXDOMAIN');
  });
});

describe('rewrite and cache order by version (plugin.cfg; reference §8.1 "Order")', () => {
  const text =
    '. {\n  cache 30 {\n    disable success cluster.local\n  }\n  rewrite name web.example.com web.default.svc.cluster.local\n  whoami A 10.96.0.7 30\n}';

  it('≤ 1.14.6: cache sees the original name, so the answer is stored and a hit can count down', () => {
    const r = harness(text, models, { version: '1.14.6' }).ask('web.example.com.', 'A');
    expect(r.out.ttlRanges?.answer).toEqual([{ min: 1, max: 30 }]);
  });

  it('≥ 1.14.7: rewrite wraps cache, which sees cluster.local and does not store', () => {
    const r = harness(text, models, { version: '1.14.7' }).ask('web.example.com.', 'A');
    expect(r.out.ttlRanges).toBeUndefined();
    expect(owners(r)).toEqual(['web.example.com.']);
  });
});

describe('rewrite setup (rewrite.go newRule)', () => {
  it('refuses unknown rule types with the directive position', () => {
    expect(inputError(() => harness('. {\n  whoami\n  rewrite bogus a b\n}', models))).toBe(
      'Corefile:3:3: plugin/rewrite: invalid rule type "bogus"',
    );
  });

  it('knows rcode rules only from 1.11.4', () => {
    const text = '. {\n  rewrite rcode a.example.org SERVFAIL NXDOMAIN\n  whoami\n}';
    expect(() => harness(text, models, { version: '1.11.3' })).toThrowError(/invalid rule type "rcode"/);
    expect(() => harness(text, models, { version: '1.11.4' })).not.toThrow();
  });

  it('refuses auto combined with explicit answer name rules', () => {
    expect(
      inputError(() =>
        harness(
          '. {\n  rewrite name regex (.*)\\.a {1}.b answer auto answer name (.*)\\.b {1}.a\n  whoami\n}',
          models,
        ),
      ),
    ).toMatch(/cannot be combined/);
  });
});
