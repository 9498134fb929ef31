/**
 * PTR. Fixture and table transcribed from coredns/coredns plugin/kubernetes/reverse_test.go
 * TestReverse (HEAD 4b26cced); version cases from reference coredns-kubernetes.md §4.10
 * (f4f0d55d in 1.11.4, reverted by 58d89991 in 1.12.1).
 */
import { describe, expect, it } from 'vitest';
import { type Case, caseReply, ep, k8s, namespace, normalise, rr, service, slice } from './testkit.ts';

const http = [{ port: 80, protocol: 'TCP', name: 'http' }];
const objects = [
  namespace('testns'),
  service('testns', 'svc1', {
    clusterIPs: ['192.168.1.100'],
    ports: [{ name: 'http', protocol: 'TCP', port: 80 }],
  }),
  slice('testns', 'svc1', {
    name: 'svc1-slice1',
    endpoints: [ep('10.0.0.100', { hostname: 'ep1a' }), ep('10.0.0.99', { hostname: 'double-ep' })],
    ports: http,
  }),
  slice('testns', 'svc1', {
    name: 'svc1-slice2',
    endpoints: [
      ep('1234:abcd::1', { hostname: 'ep1b' }),
      ep('fd00:77:30::a', { hostname: 'ip6svc1ex' }),
      ep('fd00:77:30::2:9ba6', { hostname: 'ip6svc1in' }),
    ],
    ports: http,
  }),
  // A duplicate EndpointSlice address (EndpointSlice skew).
  slice('testns', 'svc1', {
    name: 'svc1-ccccc',
    endpoints: [ep('10.0.0.100', { hostname: 'ep1a' })],
    ports: http,
  }),
  // The same address selected by a second service.
  slice('testns', 'svc2', {
    name: 'svc2-slice1',
    endpoints: [ep('10.0.0.99', { hostname: 'double-ep' })],
    ports: http,
  }),
];

const ZONES =
  'cluster.local 0.10.in-addr.arpa 168.192.in-addr.arpa 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa 0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa';
const soa = (z: string) => `${z} 5 IN SOA ns.dns.${z} hostmaster.${z} 1 7200 1800 86400 5`;

const cases: Case[] = [
  {
    q: '100.0.0.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: ['100.0.0.10.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local.'],
  },
  {
    q: '100.1.168.192.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: ['100.1.168.192.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local.'],
  },
  {
    q: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: [
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR ep1b.svc1.testns.svc.cluster.local.',
    ],
  },
  {
    q: 'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: [
      'a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1ex.svc1.testns.svc.cluster.local.',
    ],
  },
  {
    q: '6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: [
      '6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1in.svc1.testns.svc.cluster.local.',
    ],
  },
  { q: '101.0.0.10.in-addr.arpa.', type: 'PTR', rcode: 'NXDOMAIN', ns: [soa('0.10.in-addr.arpa.')] },
  { q: 'example.org.cluster.local.', type: 'PTR', rcode: 'NXDOMAIN', ns: [soa('cluster.local.')] },
  { q: 'svc1.testns.svc.cluster.local.', type: 'PTR', rcode: 'NOERROR', ns: [soa('cluster.local.')] },
  { q: 'svc1.testns.svc.0.10.in-addr.arpa.', type: 'A', rcode: 'NXDOMAIN', ns: [soa('0.10.in-addr.arpa.')] },
  { q: '100.0.0.10.cluster.local.', type: 'PTR', rcode: 'NXDOMAIN', ns: [soa('cluster.local.')] },
  {
    q: '99.0.0.10.in-addr.arpa.',
    type: 'PTR',
    rcode: 'NOERROR',
    answer: [
      '99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc1.testns.svc.cluster.local.',
      '99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc2.testns.svc.cluster.local.',
    ],
  },
];

describe('PTR — plugin/kubernetes/reverse_test.go TestReverse', () => {
  const h = k8s(`cluster.local {\n  kubernetes ${ZONES}\n}`, objects);
  for (const c of cases) {
    it(`${c.q} ${c.type} → ${c.rcode}`, () => {
      expect(normalise(h.ask(c.q, c.type).message)).toEqual(normalise(caseReply(c)));
    });
  }

  it('an address in two slices of one service: order across slices is random (ordered=false)', () => {
    expect(h.ask('99.0.0.10.in-addr.arpa.', 'PTR').out).toMatchObject({ ordered: false });
  });
});

describe('PTR for endpoints without a hostname (reference §4.10)', () => {
  const objs = [
    namespace('default'),
    service('default', 'web', { clusterIPs: ['None'] }),
    slice('default', 'web', { endpoints: [ep('10.244.1.7')], ports: http }),
  ];
  const ask = (version: string) =>
    k8s('cluster.local {\n  kubernetes cluster.local in-addr.arpa\n}', objs, { version }).ask(
      '7.1.244.10.in-addr.arpa.',
      'PTR',
    ).message;
  for (const v of ['1.11.3', '1.12.1', '1.14.7']) {
    it(`${v}: dashed-IP target`, () => {
      expect(ask(v).answer).toEqual([
        rr('7.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-7.web.default.svc.cluster.local.'),
      ]);
    });
  }
  for (const v of ['1.11.4', '1.12.0']) {
    it(`${v}: no PTR (f4f0d55d) → NXDOMAIN`, () => expect(ask(v).rcode).toBe('NXDOMAIN'));
  }

  it('the `namespaces` option hides other namespaces from PTR; namespace_labels does not', () => {
    const objs2 = [
      namespace('default'),
      namespace('other', { team: 'b' }),
      service('other', 'api', { clusterIPs: ['10.96.0.50'], ports: [{ name: 'h', port: 80 }] }),
    ];
    const q = '50.0.96.10.in-addr.arpa.';
    const listed = k8s(
      'cluster.local {\n  kubernetes cluster.local in-addr.arpa {\n    namespaces default\n  }\n}',
      objs2,
    );
    expect(listed.ask(q, 'PTR').message.rcode).toBe('NXDOMAIN');
    const labelled = k8s(
      'cluster.local {\n  kubernetes cluster.local in-addr.arpa {\n    namespace_labels team=a\n  }\n}',
      objs2,
    );
    expect(labelled.ask(q, 'PTR').message.answer).toEqual([rr(`${q} 5 IN PTR api.other.svc.cluster.local.`)]);
  });
});
