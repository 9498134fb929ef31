/**
 * Parsers against real tool output captured in fixtures/ (see fixtures/README.md for how each
 * file was made). Expected values are read off the fixture text itself.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digOutcome, parseDig, parseDigShort } from './dig.ts';
import { getentAhostsOutcome, getentHostsOutcome } from './getent.ts';
import { hostOutcome } from './host.ts';
import { muslOutcome } from './musl.ts';
import { pingOutcome } from './ping.ts';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('dig', () => {
  it('reads header status, flags and the answer section', () => {
    const [r] = parseDig(fixture('dig-answer.txt'));
    expect(r?.question).toEqual({ name: 'web-service.default.svc.cluster.local.', type: 'A' });
    expect(r?.message.rcode).toBe('NOERROR');
    expect(r?.message.flags).toEqual({ aa: true, tc: false, rd: true, ra: false });
    expect(r?.message.answer).toEqual([
      { name: 'web-service.default.svc.cluster.local.', ttl: 30, type: 'A', data: '10.107.37.188' },
    ]);
    expect(digOutcome(fixture('dig-answer.txt'))).toMatchObject({
      status: 'ok',
      tried: ['web-service.default.svc.cluster.local.'],
      answeredBy: 'web-service.default.svc.cluster.local.',
      addresses: ['10.107.37.188'],
    });
  });

  it('NXDOMAIN for a partial name without +search, with the SOA in authority', () => {
    const [r] = parseDig(fixture('dig-nxdomain.txt'));
    expect(r?.message.rcode).toBe('NXDOMAIN');
    expect(r?.question?.name).toBe('foo2.bar.');
    expect(r?.message.authority[0]).toMatchObject({ name: '.', type: 'SOA' });
    expect(digOutcome(fixture('dig-nxdomain.txt')).status).toBe('not-found');
  });

  it('NODATA, SERVFAIL', () => {
    expect(digOutcome(fixture('dig-nodata.txt'))).toMatchObject({ status: 'no-data', records: [] });
    expect(digOutcome(fixture('dig-servfail.txt')).status).toBe('error');
  });

  it('SRV RDATA and CNAME chains keep presentation format', () => {
    const srv = digOutcome(fixture('dig-srv.txt')).records.map((r) => r.data);
    expect(srv.sort()).toEqual([
      '0 50 1234 foo.bar.default.svc.cluster.local.',
      '0 50 1234 foo2.bar.default.svc.cluster.local.',
    ]);
    const cname = digOutcome(fixture('dig-cname.txt'));
    expect(cname.records.map((r) => r.type)).toEqual(['CNAME', 'A']);
    expect(cname.addresses).toEqual(['10.107.37.188']);
  });

  it('+showsearch: every candidate is tried in order; the walk stops at NODATA', () => {
    const svc = digOutcome(fixture('dig-search-svc-nodata.txt'));
    expect(svc.tried).toEqual([
      'svc.default.svc.cluster.local.',
      'svc.svc.cluster.local.',
      'svc.cluster.local.',
    ]);
    expect(svc.status).toBe('no-data');
    const nope = digOutcome(fixture('dig-search-nope.txt'));
    expect(nope.tried).toEqual([
      'nope.default.svc.cluster.local.',
      'nope.svc.cluster.local.',
      'nope.cluster.local.',
      'nope.',
    ]);
    expect(nope.status).toBe('not-found');
    expect(digOutcome(fixture('dig-search-pod.txt'))).toMatchObject({
      status: 'ok',
      answeredBy: '10-244-4-2.default.pod.cluster.local.',
      addresses: ['10.244.4.2'],
    });
  });

  it('+short prints RDATA only', () => {
    expect(parseDigShort(fixture('dig-short-pod.txt'))).toEqual(['10.244.4.2']);
    expect(parseDigShort(fixture('dig-short-cname.txt'))).toEqual([
      'web-service.default.svc.cluster.local.',
      '10.107.37.188',
    ]);
  });
});

describe('getent', () => {
  it('hosts: canonical name first, aliases after', () => {
    expect(getentHostsOutcome(fixture('getent-hosts-files.txt'), 0)).toMatchObject({
      status: 'ok',
      answeredBy: 'foo.bar.default.svc.cluster.local.',
      addresses: ['10.244.1.5'],
    });
    expect(getentHostsOutcome(fixture('getent-hosts-cname.txt'), 0).answeredBy).toBe(
      'web-service.default.svc.cluster.local.',
    );
    expect(getentHostsOutcome(fixture('getent-hosts-localhost.txt'), 0).addresses).toEqual(['::1']);
    expect(getentHostsOutcome('', 2).status).toBe('not-found');
  });

  it('ahosts: one address per STREAM/DGRAM/RAW triple, canonical name on the first line', () => {
    expect(getentAhostsOutcome(fixture('getent-ahosts.txt'), 0)).toMatchObject({
      answeredBy: 'foo2.bar.default.svc.cluster.local.',
      addresses: ['10.244.4.2'],
    });
    expect(getentAhostsOutcome(fixture('getent-ahosts-dual.txt'), 0).addresses).toEqual([
      'fd00:10:96::5',
      '10.96.5.5',
    ]);
  });
});

describe('ping', () => {
  it('the PING line carries the canonical name and the address', () => {
    expect(pingOutcome(fixture('ping-ok.txt'))).toMatchObject({
      status: 'ok',
      answeredBy: 'foo2.bar.default.svc.cluster.local.',
      addresses: ['10.244.4.2'],
    });
  });
  it('gai_strerror texts tell NXDOMAIN, NODATA and SERVFAIL apart', () => {
    expect(pingOutcome(fixture('ping-nxdomain.txt')).status).toBe('not-found');
    expect(pingOutcome(fixture('ping-nodata.txt')).status).toBe('no-data');
    expect(pingOutcome(fixture('ping-servfail.txt')).status).toBe('error');
  });
});

describe('host', () => {
  it('has address / is an alias for / has IPv6 address / mail is handled by', () => {
    expect(hostOutcome(fixture('host-a.txt'), 0)).toMatchObject({
      status: 'ok',
      answeredBy: 'web-service.default.svc.cluster.local.',
      addresses: ['10.107.37.188'],
    });
    const cname = hostOutcome(fixture('host-cname.txt'), 0);
    expect(cname.records.map((r) => [r.type, r.data])).toEqual([
      ['CNAME', 'web-service.default.svc.cluster.local.'],
      ['A', '10.107.37.188'],
    ]);
    expect(cname.answeredBy).toBe('alias.default.svc.cluster.local.');
    expect(hostOutcome(fixture('host-dual.txt'), 0).addresses).toEqual(['10.96.5.5', 'fd00:10:96::5']);
    expect(hostOutcome(fixture('host-mx.txt'), 0).records[1]).toMatchObject({
      type: 'MX',
      data: '10 mail.example.com.',
    });
  });
  it('not found: 3(NXDOMAIN) / 2(SERVFAIL) / has no A record', () => {
    expect(hostOutcome(fixture('host-nxdomain.txt'), 1).status).toBe('not-found');
    expect(hostOutcome(fixture('host-servfail.txt'), 1).status).toBe('error');
    expect(hostOutcome(fixture('host-nodata-typed.txt'), 0).status).toBe('no-data');
    expect(hostOutcome('', 0).status).toBe('no-data');
  });
});

describe('musl client', () => {
  it('ok / EAI_NONAME / EAI_AGAIN', () => {
    expect(muslOutcome(fixture('musl-ok.txt'))).toMatchObject({
      status: 'ok',
      answeredBy: 'foo2.bar.default.svc.cluster.local.',
      addresses: ['10.244.4.2'],
    });
    expect(muslOutcome(fixture('musl-nodata.txt')).status).toBe('not-found');
    expect(muslOutcome(fixture('musl-servfail.txt')).status).toBe('error');
    expect(muslOutcome(fixture('musl-dual.txt')).addresses).toEqual(['10.96.5.5', 'fd00:10:96::5']);
  });
});
