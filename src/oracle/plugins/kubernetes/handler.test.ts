/**
 * ServeDNS against the tables of CoreDNS's own tests. Fixture and expectations transcribed from
 * coredns/coredns plugin/kubernetes/handler_test.go (HEAD 4b26cced: svcIndex, epsIndex,
 * commonDnsTestCases, dnsTestCases, nsTestCases). Sections compare as multisets (test.SortAndCheck).
 */
import { describe, expect, it } from 'vitest';
import { handlerTestObjects } from './fixtures.ts';
import { type Case, caseReply, k8s, normalise, rr } from './testkit.ts';

const SOA =
  'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 5';

// commonDnsTestCases + dnsTestCases, in their order.
const cases: Case[] = [
  {
    q: 'svc1.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: 'svcempty.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: 'svc1.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: ['svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'],
    extra: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: 'svcempty.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: ['svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local.'],
    extra: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: 'svc6.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: ['svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local.'],
    extra: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'],
  },
  {
    q: '_http._tcp.svc1.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: ['_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.'],
    extra: ['svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: '_http._tcp.svcempty.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: [
      '_http._tcp.svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local.',
    ],
    extra: ['svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1'],
  },
  {
    q: 'hdls1.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['172.0.0.2', '172.0.0.3', '172.0.0.4', '172.0.0.5'].map(
      (ip) => `hdls1.testns.svc.cluster.local. 5 IN A ${ip}`,
    ),
  },
  {
    q: 'hdlsprtls.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'],
  },
  { q: 'svc1.testns.svc.cluster.local.', type: 'AAAA', rcode: 'NOERROR', ns: [SOA] },
  { q: 'svc0.testns.svc.cluster.local.', type: 'AAAA', rcode: 'NXDOMAIN', ns: [SOA] },
  { q: 'svc0.testns.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { q: 'svc0.svc-nons.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  {
    q: 'dns-version.cluster.local.',
    type: 'TXT',
    rcode: 'NOERROR',
    answer: ['dns-version.cluster.local 28800 IN TXT "1.1.0"'],
  },
  { q: 'svc1.testns.svc.cluster.local.', type: 'TXT', rcode: 'NOERROR', ns: [SOA] },
  { q: 'svc0.svc-nons.svc.cluster.local.', type: 'TXT', rcode: 'NXDOMAIN', ns: [SOA] },
  { q: 'bogusendpoint.hdls1.testns.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  { q: 'bogusendpoint.svc0.testns.svc.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
  {
    q: 'svc6.testns.svc.cluster.local.',
    type: 'AAAA',
    rcode: 'NOERROR',
    answer: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'],
  },
  {
    q: '_http._tcp.svc6.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: ['_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local.'],
    extra: ['svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1'],
  },
  {
    q: 'hdls1.testns.svc.cluster.local.',
    type: 'AAAA',
    rcode: 'NOERROR',
    answer: [
      'hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
      'hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
    ],
  },
  { q: 'svc.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
  { q: 'pod.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
  { q: 'testns.svc.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
  { q: 'svc.cluster.local.', type: 'NS', rcode: 'NOERROR', ns: [SOA] },
  { q: 'testns.svc.cluster.local.', type: 'NS', rcode: 'NOERROR', ns: [SOA] },
  { q: 'foo.cluster.local.', type: 'NS', rcode: 'NXDOMAIN', ns: [SOA] },
  { q: 'foo.svc.cluster.local.', type: 'NS', rcode: 'NXDOMAIN', ns: [SOA] },
  {
    q: 'svc-dual-stack.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3'],
  },
  {
    q: 'svc-dual-stack.testns.svc.cluster.local.',
    type: 'AAAA',
    rcode: 'NOERROR',
    answer: ['svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3'],
  },
  {
    q: 'svc-dual-stack.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: [
      'svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local.',
    ],
    extra: [
      'svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3',
      'svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3',
    ],
  },
  { q: 'svc1.testns.svc.cluster.local.', type: 'SOA', rcode: 'NOERROR', ns: [SOA] },
  { q: 'endpoint.external.testns.svc.cluster.local.', type: 'CNAME', rcode: 'NXDOMAIN', ns: [SOA] },
  {
    q: 'subdomain.subdomain.external.testns.svc.cluster.local.',
    type: 'CNAME',
    rcode: 'NXDOMAIN',
    ns: [SOA],
  },
  // dnsTestCases
  {
    q: '_http._tcp.hdls1.testns.svc.cluster.local.',
    type: 'SRV',
    rcode: 'NOERROR',
    answer: [
      '0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.',
      '0 16 80 172-0-0-3.hdls1.testns.svc.cluster.local.',
      '0 16 80 5678-abcd--1.hdls1.testns.svc.cluster.local.',
      '0 16 80 5678-abcd--2.hdls1.testns.svc.cluster.local.',
      '0 16 80 dup-name.hdls1.testns.svc.cluster.local.',
    ].map((d) => `_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV ${d}`),
    extra: [
      '172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2',
      '172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3',
      '5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1',
      '5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2',
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
    ],
  },
  {
    q: '5678-abcd--2.hdls1.testns.svc.cluster.local.',
    type: 'AAAA',
    rcode: 'NOERROR',
    answer: ['5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2'],
  },
  {
    q: '5678-abcd--1.hdls1.testns.svc.cluster.local.',
    type: 'AAAA',
    rcode: 'NOERROR',
    answer: ['5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1'],
  },
  {
    q: '172-0-0-20.hdlsprtls.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20'],
  },
  {
    q: '172-0-0-2.hdls1.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2'],
  },
  {
    q: '172-0-0-3.hdls1.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: ['172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3'],
  },
  {
    q: 'dup-name.hdls1.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: [
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4',
      'dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5',
    ],
  },
  {
    q: 'external.testns.svc.cluster.local.',
    type: 'CNAME',
    rcode: 'NOERROR',
    answer: ['external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'],
  },
  {
    q: 'external-to-service.testns.svc.cluster.local.',
    type: 'A',
    rcode: 'NOERROR',
    answer: [
      'external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.',
      'svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1',
    ],
  },
];

describe('ServeDNS — plugin/kubernetes/handler_test.go TestServeDNS (namespaces testns)', () => {
  const h = k8s(
    'cluster.local {\n  kubernetes cluster.local {\n    namespaces testns\n  }\n}',
    handlerTestObjects,
  );
  for (const c of cases) {
    it(`${c.q} ${c.type} → ${c.rcode}`, () => {
      expect(normalise(h.ask(c.q, c.type).message)).toEqual(normalise(caseReply(c)));
    });
  }

  it('CNAME External Truncated Lookup: the upstream TC bit reaches the client (test case "CNAME External Truncated Lookup")', () => {
    const up = k8s(
      'cluster.local {\n  kubernetes cluster.local {\n    namespaces testns\n  }\n}',
      handlerTestObjects,
      {
        upstream: (req) => ({
          written: true,
          message: {
            rcode: 'NOERROR',
            flags: { aa: false, tc: true, rd: true, ra: true },
            answer: [rr(`${req.name} 5 IN A 1.2.3.4`)],
            authority: [],
            additional: [],
          },
        }),
      },
    );
    const m = up.ask('external.testns.svc.cluster.local.', 'A').message;
    expect(m.flags.tc).toBe(true);
    // CNAME first, then the upstream's answer (test.CNAMEOrder).
    expect(m.answer).toEqual([
      rr('external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.'),
      rr('ext.interwebs.test. 5 IN A 1.2.3.4'),
    ]);
  });
});

describe('namespaces — handler_test.go TestServeNamespaceDNS (no namespaces option)', () => {
  const objects = handlerTestObjects;
  const h = k8s('cluster.local {\n  kubernetes cluster.local\n}', objects);
  it('an exposed namespace that exists', () => {
    expect(h.ask('svc1.testns.svc.cluster.local.', 'A').message.answer).toEqual([
      rr('svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'),
    ]);
  });
  it('a namespace that does not exist → NXDOMAIN', () => {
    expect(h.ask('svc1.nsnoexist.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
  it('without the namespaces option every existing namespace is exposed (svc1.unexposedns)', () => {
    expect(h.ask('svc1.unexposedns.svc.cluster.local.', 'A').message.answer).toEqual([
      rr('svc1.unexposedns.svc.cluster.local. 5 IN A 10.0.0.2'),
    ]);
  });
});
