/**
 * Tool predictions (kubernetes-dns.md §6, §8a step 6, §9) with the seeds' client-side examples.
 * Where a live capture exists (src/probe/parsers/fixtures, same zones as testzone.ts, same pod
 * files), the prediction is compared with the parsed live output: the live tool is the expectation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digOutcome } from '../../probe/parsers/dig.ts';
import { getentHostsOutcome } from '../../probe/parsers/getent.ts';
import { hostOutcome } from '../../probe/parsers/host.ts';
import { muslOutcome } from '../../probe/parsers/musl.ts';
import { pingOutcome } from '../../probe/parsers/ping.ts';
import type { Tool, ToolOutcome } from '../types.ts';
import { OPTIONS, pod, zoneResolve } from './testzone.ts';
import { predictTool } from './tools.ts';

/** The fixtures' probe pod: default/debug, 10.244.1.5, hostname foo, subdomain bar. */
const debug = pod({ hostname: 'foo', subdomain: 'bar' });
const predict = (tool: Tool, name: string, type?: string, p = debug) =>
  predictTool({ pod: p, tool, name, ...(type ? { type } : {}), options: OPTIONS, resolve: zoneResolve });
const live = (file: string) =>
  readFileSync(new URL(`../../probe/parsers/fixtures/${file}`, import.meta.url), 'utf8');
/** The fields the tool shows, for comparing with a live outcome. */
const shown = (o: ToolOutcome) => ({ status: o.status, answeredBy: o.answeredBy, addresses: o.addresses });

describe('seed examples', () => {
  it('ping foo2.bar → PING foo2.bar.default.svc.cluster.local (10.244.4.2) (seed 003)', () => {
    const p = predict('ping', 'foo2.bar');
    expect(shown(p)).toEqual(shown(pingOutcome(live('ping-ok.txt'))));
    expect(p).toMatchObject({ answeredBy: 'foo2.bar.default.svc.cluster.local.', addresses: ['10.244.4.2'] });
    // getaddrinfo: the first search candidate, sent as A and AAAA together (§6.1).
    expect(p.queries.map((q) => `${q.type} ${q.name} ${q.rcode}`)).toEqual([
      'A foo2.bar.default.svc.cluster.local. NOERROR',
      'AAAA foo2.bar.default.svc.cluster.local. NOERROR',
    ]);
  });

  it('host web-service → web-service.default.svc.cluster.local has address … (seed 004)', () => {
    const p = predict('host', 'web-service');
    expect(shown(p)).toEqual(shown(hostOutcome(live('host-a.txt'), 0)));
    expect(p.queries.map((q) => q.type)).toEqual(['A', 'AAAA', 'MX']);
  });

  it('dig +search 10-244-4-2.default.pod → 10.244.4.2 (seed 003; 2 dots < ndots 5: search list first)', () => {
    const p = predict('dig-search', '10-244-4-2.default.pod');
    const l = digOutcome(live('dig-search-pod.txt'));
    expect([p.tried, p.status, p.answeredBy, p.addresses]).toEqual([
      l.tried,
      l.status,
      l.answeredBy,
      l.addresses,
    ]);
    expect(p.tried).toEqual([
      '10-244-4-2.default.pod.default.svc.cluster.local.',
      '10-244-4-2.default.pod.svc.cluster.local.',
      '10-244-4-2.default.pod.cluster.local.',
    ]);
  });

  it('getent hosts foo.bar.default.svc.cluster.local comes from /etc/hosts (seed 003, §9.5)', () => {
    const p = predict('getent', 'foo.bar.default.svc.cluster.local');
    expect(p).toMatchObject({ status: 'ok', source: 'files', addresses: ['10.244.1.5'] });
    expect(shown(predict('getent', 'foo'))).toEqual(
      shown(getentHostsOutcome(live('getent-hosts-files.txt'), 0)),
    );
    // AF_INET6 first: a whole AAAA walk in DNS (5 dots ≥ ndots: as is first) before files answer for AF_INET (§6.1).
    expect(p.queries.map((q) => `${q.type} ${q.name}`)).toEqual([
      'AAAA foo.bar.default.svc.cluster.local.',
      'AAAA foo.bar.default.svc.cluster.local.default.svc.cluster.local.',
      'AAAA foo.bar.default.svc.cluster.local.svc.cluster.local.',
      'AAAA foo.bar.default.svc.cluster.local.cluster.local.',
    ]);
  });

  it('a 4-dot name without trailing dot walks every suffix before itself (§6.1 worked example)', () => {
    const p = predict('ping', 'web-service.default.svc.cluster');
    expect([...new Set(p.queries.map((q) => q.name))]).toEqual([
      'web-service.default.svc.cluster.default.svc.cluster.local.',
      'web-service.default.svc.cluster.svc.cluster.local.',
      'web-service.default.svc.cluster.cluster.local.',
      'web-service.default.svc.cluster.',
    ]);
    expect(p.status).toBe('not-found');
    const full = predict('ping', 'web-service.default.svc.cluster.local');
    expect(full.queries[0]?.name).toBe('web-service.default.svc.cluster.local.default.svc.cluster.local.');
    expect(full.answeredBy).toBe('web-service.default.svc.cluster.local.');
  });

  it('dig without +search sends a partial name as is and fails (seed 003 note, §6.3)', () => {
    const p = predict('dig', 'foo2.bar');
    const l = digOutcome(live('dig-nxdomain.txt'));
    expect([p.tried, p.status]).toEqual([l.tried, l.status]);
  });

  it('ping 1-1-1-1.default.pod resolves through the search list like any pod name (seed 000)', () => {
    expect(predict('ping', '1-1-1-1.default.pod')).toMatchObject({
      status: 'ok',
      answeredBy: '1-1-1-1.default.pod.cluster.local.',
      addresses: ['1.1.1.1'],
    });
  });
});

describe('resolver differences, checked against live runs', () => {
  it('glibc continues past NODATA (svc.cluster.local) to `svc.`; musl stops there (§6.2, §9.8)', () => {
    const glibc = predict('getent', 'svc');
    expect(glibc).toMatchObject({ status: 'ok', addresses: ['192.0.2.53'], answeredBy: 'svc.' });
    const musl = predict('musl', 'svc');
    expect(musl.status).toBe(muslOutcome(live('musl-nodata.txt')).status);
    expect([...new Set(musl.queries.map((q) => q.name))].at(-1)).toBe('svc.cluster.local.');
  });

  it('dig +search stops at the first NODATA; it advances on NXDOMAIN only (§6.3)', () => {
    const p = predict('dig-search', 'svc');
    const l = digOutcome(live('dig-search-svc-nodata.txt'));
    expect([p.tried, p.status]).toEqual([l.tried, l.status]);
    const nope = predict('dig-search', 'nope');
    expect(nope.tried).toEqual(digOutcome(live('dig-search-nope.txt')).tried);
  });

  it('dig +search with dots ≥ ndots: the name as is only (BIND 9.18 next_origin, seen live)', () => {
    expect(predict('dig-search', 'nope.a.b.c.d.e').tried).toEqual(['nope.a.b.c.d.e.']);
    expect(predict('dig-search', 'web-service.').tried).toEqual(['web-service.']);
  });

  it('ping: NXDOMAIN, NODATA and SERVFAIL end differently (gai_strerror, live)', () => {
    expect(predict('ping', 'nope').status).toBe(pingOutcome(live('ping-nxdomain.txt')).status);
    expect(predict('ping', 'txtonly.default').status).toBe(pingOutcome(live('ping-nodata.txt')).status);
    expect(predict('ping', 'x.broken.test.').status).toBe(pingOutcome(live('ping-servfail.txt')).status);
  });

  it('host: CNAME then address; NXDOMAIN; SERVFAIL; explicit type with NODATA (live)', () => {
    expect(predict('host', 'alias.default').records.map((r) => r.type)).toEqual(
      hostOutcome(live('host-cname.txt'), 0).records.map((r) => r.type),
    );
    expect(predict('host', 'nope').status).toBe(hostOutcome(live('host-nxdomain.txt'), 1).status);
    expect(predict('host', 'x.broken.test.').status).toBe(hostOutcome(live('host-servfail.txt'), 1).status);
    expect(predict('host', 'txtonly.default', 'A').status).toBe(
      hostOutcome(live('host-nodata-typed.txt'), 0).status,
    );
    expect(shown(predict('host', 'example.com'))).toEqual(shown(hostOutcome(live('host-mx.txt'), 0)));
  });

  it('getent hosts follows a CNAME: the canonical name is the target (live)', () => {
    expect(shown(predict('getent', 'alias.default'))).toEqual(
      shown(getentHostsOutcome(live('getent-hosts-cname.txt'), 0)),
    );
  });

  it('getent hosts asks AAAA first: a dual-stack name prints only its IPv6 address (live)', () => {
    expect(predict('getent', 'dual.default').addresses).toEqual(['fd00:10:96::5']);
  });

  it('musl matches /etc/hosts case-sensitively; glibc does not (musl lookup_name.c strstr)', () => {
    expect(predict('getent', 'FOO').source).toBe('files');
    expect(predict('musl', 'FOO').status).toBe('not-found');
  });

  it('musl ignores a search line of 255+ characters; glibc keeps it (musl resolvconf.c)', () => {
    const searches = Array.from({ length: 10 }, (_, i) => `long-search-domain-${i}.example.internal`);
    const p = pod({ dnsConfig: { nameservers: [], searches, options: [] } });
    const musl = predict('musl', 'foo2.bar', undefined, p);
    expect(musl.queries.map((q) => q.name)).toEqual(['foo2.bar.', 'foo2.bar.']);
    expect(predict('ping', 'foo2.bar', undefined, p).status).toBe('ok');
  });
});

describe('where answers come from', () => {
  it("dnsPolicy Default asks the node's nameserver: not the CoreDNS under test → unknown", () => {
    expect(
      predict('dig', 'web-service.default.svc.cluster.local', 'A', pod({ dnsPolicy: 'Default' })).unknown,
    ).toBe(true);
    expect(predict('dig', 'web-service.default.svc.cluster.local').unknown).toBe(false);
  });
});
