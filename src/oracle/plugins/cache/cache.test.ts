import { describe, expect, it } from 'vitest';
import type { ResourceRecord } from '../../../dns/message.ts';
import { parseZoneLines } from '../../../upstream/zone.ts';
import { forwardPlugin } from '../forward/forward.ts';
import { fixedPlugin, harness, inputError } from '../testkit.ts';
import { cachePlugin } from './cache.ts';

const models = [fixedPlugin, cachePlugin, forwardPlugin];
const upstream: ResourceRecord[] = parseZoneLines(
  [
    'example.com. 300 IN A 192.0.2.10',
    'short.example.com. 10 IN A 192.0.2.11',
    'example.com. 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 1800 86400 60',
  ],
  'upstream',
);

describe('cache TTL rewrite (reference coredns-kubernetes.md §8.1; CoreDNS plugin/cache/cache.go WriteMsg)', () => {
  it('caps a long TTL at the cache TTL: dns-version 28800 shows 30 under cache 30', () => {
    const r = harness('. {\n  cache 30\n  whoami TXT "1.1.0" 28800\n}', models).ask(
      'dns-version.cluster.local.',
      'TXT',
    );
    expect(r.out.message.answer[0]?.ttl).toBe(30);
  });

  it('raises a TTL below the minimum: ttl 0 behind cache shows 5', () => {
    const r = harness('. {\n  cache 30\n  whoami A 10.96.0.1 0\n}', models).ask('x.', 'A');
    expect(r.out.message.answer[0]?.ttl).toBe(5);
  });

  it('keeps a TTL inside the bounds and lets a hit count it down to 1 (item.go ttl)', () => {
    const r = harness('. {\n  cache 30\n  forward . 127.0.0.1\n}', models, { upstream }).ask(
      'short.example.com.',
      'A',
    );
    expect(r.out.message.answer[0]?.ttl).toBe(10);
    expect(r.out.ttlRanges?.answer).toEqual([{ min: 1, max: 10 }]);
  });

  it('uses the denial cap for NXDOMAIN and rewrites the SOA too', () => {
    const r = harness('. {\n  cache 30\n  forward . 127.0.0.1\n}', models, { upstream }).ask(
      'nope.example.com.',
      'A',
    );
    expect(r.out.message.rcode).toBe('NXDOMAIN');
    expect(r.out.message.authority[0]).toMatchObject({ type: 'SOA', ttl: 30 });
    expect(r.out.ttlRanges?.authority).toEqual([{ min: 1, max: 30 }]);
  });

  it('rewrites TTLs but does not store with disable success|denial (reference §8.1: cluster.local stays 30)', () => {
    const h = harness(
      '. {\n  cache 30 {\n    disable success cluster.local\n    disable denial cluster.local\n  }\n  whoami A 10.96.0.1 60\n}',
      models,
    );
    const inZone = h.ask('web.default.svc.cluster.local.', 'A');
    expect(inZone.out.message.answer[0]?.ttl).toBe(30);
    expect(inZone.out.ttlRanges).toBeUndefined();
    const outside = h.ask('example.com.', 'A');
    expect(outside.out.ttlRanges?.answer).toEqual([{ min: 1, max: 30 }]);
  });

  it('raises to the success MINTTL (README: success CAPACITY [TTL] [MINTTL])', () => {
    const r = harness(
      '. {\n  cache 300 {\n    success 9984 300 60\n  }\n  whoami A 192.0.2.1 10\n}',
      models,
    ).ask('x.', 'A');
    expect(r.out.message.answer[0]?.ttl).toBe(60);
  });

  it('keepttl: a hit shows the stored TTL unchanged', () => {
    const r = harness('. {\n  cache 30 {\n    keepttl\n  }\n  whoami A 192.0.2.1 60\n}', models).ask(
      'x.',
      'A',
    );
    expect(r.out.message.answer[0]?.ttl).toBe(30);
    expect(r.out.ttlRanges).toBeUndefined();
  });

  it('applies only inside its zones', () => {
    const r = harness('. {\n  cache 30 example.org\n  whoami A 192.0.2.1 60\n}', models).ask('x.com.', 'A');
    expect(r.out.message.answer[0]?.ttl).toBe(60);
  });

  it('does not touch the bare SERVFAIL the server writes (unwritten rcodes skip the cache writer)', () => {
    const r = harness('. {\n  cache 30\n}', models).ask('x.', 'A');
    expect(r.out.message.rcode).toBe('SERVFAIL');
    expect(r.out.ttlRanges).toBeUndefined();
  });
});

describe('cache setup (CoreDNS plugin/cache/setup.go)', () => {
  it('refuses a zero TTL', () => {
    expect(inputError(() => harness('. {\n  cache 0\n  whoami\n}', models))).toBe(
      'Corefile:2:3: plugin/cache: cache TTL can not be zero or negative: 0',
    );
  });

  it('accepts disable only from 1.9.4 (the option arrived there)', () => {
    const text = '. {\n  cache 30 {\n    disable success cluster.local\n  }\n  whoami\n}';
    expect(() => harness(text, models, { version: '1.9.3' })).toThrowError(
      /Wrong argument count or unexpected line ending after 'disable'/,
    );
    expect(() => harness(text, models, { version: '1.9.4' })).not.toThrow();
  });

  it('refuses two cache directives in one block', () => {
    expect(() => harness('. {\n  cache 30\n  cache 10\n  whoami\n}', models)).toThrowError(
      /only be used once/,
    );
  });

  it('refuses a bad disable type', () => {
    expect(() => harness('. {\n  cache {\n    disable all\n  }\n  whoami\n}', models)).toThrowError(
      /must be "success" or "denial"/,
    );
  });
});
