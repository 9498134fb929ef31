/**
 * Apex, NS, pods, letter case. Tables transcribed from coredns/coredns plugin/kubernetes
 * (HEAD 4b26cced): kubernetes_apex_test.go kubeApexCases, ns_test.go TestNsAddrs,
 * handler_pod_{insecure,verified,disabled}_test.go, handler_case_test.go; CI expectation from
 * coredns/ci test/kubernetes/address_test.go (NS in a cluster: kube-dns and its cluster IP).
 */
import { describe, expect, it } from 'vitest';
import { handlerTestObjects } from './fixtures.ts';
import { type Case, caseReply, ep, k8s, namespace, normalise, pod, rr, service, slice } from './testkit.ts';

const SOA = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5';

function check(h: ReturnType<typeof k8s>, c: Case, clientIP?: string) {
  expect(normalise(h.ask(c.q, c.type, clientIP).message)).toEqual(normalise(caseReply(c)));
}

describe('the zone apex — kubernetes_apex_test.go (the process address is not an endpoint)', () => {
  // The test sets localIPs to 127.0.0.1, which boundIPs never yields (loopback is skipped); a
  // non-loopback address that no EndpointSlice holds takes its place.
  const h = k8s('cluster.local {\n  kubernetes cluster.local\n}', handlerTestObjects, {
    serverIPs: ['10.9.9.9'],
  });
  const cases: Case[] = [
    { q: 'cluster.local.', type: 'SOA', rcode: 'NOERROR', answer: [SOA] },
    { q: 'cluster.local.', type: 'HINFO', rcode: 'NOERROR', ns: [SOA] },
    {
      q: 'cluster.local.',
      type: 'NS',
      rcode: 'NOERROR',
      answer: ['cluster.local. 5 IN NS ns.dns.cluster.local.'],
      extra: ['ns.dns.cluster.local. 5 IN A 10.9.9.9'],
    },
    { q: 'cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
    { q: 'cluster.local.', type: 'AAAA', rcode: 'NOERROR', ns: [SOA] },
    { q: 'cluster.local.', type: 'SRV', rcode: 'NOERROR', ns: [SOA] },
    // reference §4.8: ns.dns.<zone> answers the nameserver addresses; §4.6: TXT there is NXDOMAIN.
    {
      q: 'ns.dns.cluster.local.',
      type: 'A',
      rcode: 'NOERROR',
      answer: ['ns.dns.cluster.local. 5 IN A 10.9.9.9'],
    },
    { q: 'ns.dns.cluster.local.', type: 'AAAA', rcode: 'NOERROR', ns: [SOA] },
    { q: 'ns.dns.cluster.local.', type: 'TXT', rcode: 'NXDOMAIN', ns: [SOA] },
    { q: 'dns.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    { q: 'cluster.local.', type: 'TXT', rcode: 'NXDOMAIN', ns: [SOA] },
  ];
  for (const c of cases) it(`${c.q} ${c.type} → ${c.rcode}`, () => check(h, c));

  it('AXFR is refused without being written (the server writes a bare REFUSED)', () => {
    expect(h.ask('cluster.local.', 'AXFR').out).toEqual({ written: false, rcode: 'REFUSED' });
  });
});

describe('NS in a cluster — ns_test.go TestNsAddrs, coredns/ci address_test.go', () => {
  const objects = [
    namespace('kube-system'),
    service('kube-system', 'dns-service', {
      clusterIPs: ['10.0.0.111'],
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    }),
    service('kube-system', 'hdls-dns-service', { clusterIPs: ['None'] }),
    service('kube-system', 'dns6-service', {
      clusterIPs: ['10::111'],
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    }),
    slice('kube-system', 'dns-service', { endpoints: [ep('10.244.0.20')] }),
    slice('kube-system', 'hdls-dns-service', { endpoints: [ep('10.244.0.20')] }),
    slice('kube-system', 'dns6-service', { endpoints: [ep('10.244.0.20')] }),
  ];
  const h = k8s('inter.webs.test {\n  kubernetes inter.webs.test\n}', objects, {
    serverIPs: ['10.244.0.20'],
  });

  it('apex NS: one NS per service name, an address record per service address (glue)', () => {
    check(h, {
      q: 'inter.webs.test.',
      type: 'NS',
      rcode: 'NOERROR',
      answer: [
        'inter.webs.test. 5 IN NS dns-service.kube-system.svc.inter.webs.test.',
        'inter.webs.test. 5 IN NS 10-244-0-20.hdls-dns-service.kube-system.svc.inter.webs.test.',
        'inter.webs.test. 5 IN NS dns6-service.kube-system.svc.inter.webs.test.',
      ],
      extra: [
        'dns-service.kube-system.svc.inter.webs.test. 5 IN A 10.0.0.111',
        '10-244-0-20.hdls-dns-service.kube-system.svc.inter.webs.test. 5 IN A 10.244.0.20',
        'dns6-service.kube-system.svc.inter.webs.test. 5 IN AAAA 10::111',
      ],
    });
  });

  it('ns.dns.<zone> A: the service addresses (not the pod address)', () => {
    check(h, {
      q: 'ns.dns.inter.webs.test.',
      type: 'A',
      rcode: 'NOERROR',
      answer: ['ns.dns.inter.webs.test. 5 IN A 10.0.0.111', 'ns.dns.inter.webs.test. 5 IN A 10.244.0.20'],
    });
  });

  it('kube-dns in a kind cluster (coredns/ci address_test.go): NS kube-dns.kube-system.svc + its cluster IP', () => {
    const kind = [
      namespace('kube-system'),
      service('kube-system', 'kube-dns', {
        clusterIPs: ['10.96.0.10'],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
      }),
      slice('kube-system', 'kube-dns', { endpoints: [ep('10.244.0.3'), ep('10.244.0.4')] }),
    ];
    const kh = k8s('.:53 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    ttl 30\n  }\n}', kind, {
      serverIPs: ['10.244.0.3'],
    });
    const m = kh.ask('cluster.local.', 'NS').message;
    expect(m.answer).toEqual([rr('cluster.local. 30 IN NS kube-dns.kube-system.svc.cluster.local.')]);
    expect(m.additional).toEqual([rr('kube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10')]);
  });

  it('noendpoints: the fallback ns.dns.<zone> with the process address; before 1.11.0 the lookup panics (SERVFAIL)', () => {
    const text = 'inter.webs.test {\n  kubernetes inter.webs.test {\n    noendpoints\n  }\n}';
    const now = k8s(text, objects, { serverIPs: ['10.244.0.20'] }).ask('inter.webs.test.', 'NS').message;
    expect(now.answer).toEqual([rr('inter.webs.test. 5 IN NS ns.dns.inter.webs.test.')]);
    const old = k8s(text, objects, { serverIPs: ['10.244.0.20'], version: '1.10.1' }).ask(
      'inter.webs.test.',
      'NS',
    );
    expect(old.out).toEqual({ written: false, rcode: 'SERVFAIL' });
  });
});

describe('pod names — handler_pod_*_test.go', () => {
  const objects = [namespace('podns'), namespace('svcns'), pod('podns', 'foo', '10.240.0.1')];
  const block = (mode: string) => `cluster.local {\n  kubernetes cluster.local {\n    pods ${mode}\n  }\n}`;
  const soa30 = SOA;

  describe('pods insecure (handler_pod_insecure_test.go)', () => {
    const h = k8s(block('insecure'), objects);
    const cases: Case[] = [
      {
        q: '10-240-0-1.podns.pod.cluster.local.',
        type: 'A',
        rcode: 'NOERROR',
        answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'],
      },
      {
        q: '172-0-0-2.podns.pod.cluster.local.',
        type: 'A',
        rcode: 'NOERROR',
        answer: ['172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2'],
      },
      { q: 'blah.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [soa30] },
      { q: 'blah.podns.pod.cluster.local.', type: 'AAAA', rcode: 'NXDOMAIN', ns: [soa30] },
      { q: 'blah.podns.pod.cluster.local.', type: 'HINFO', rcode: 'NXDOMAIN', ns: [soa30] },
      { q: 'blah.pod-nons.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [soa30] },
      { q: 'podns.pod.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [soa30] },
      // reference §4.7: Go net.ParseIP refuses leading zeros; IPv6 forms; the extra labels are ignored.
      { q: '10-240-0-01.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [soa30] },
      {
        q: 'fd00--1.podns.pod.cluster.local.',
        type: 'AAAA',
        rcode: 'NOERROR',
        answer: ['fd00--1.podns.pod.cluster.local. 5 IN AAAA fd00::1'],
      },
      { q: 'fd00--1.podns.pod.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [soa30] },
      {
        q: '_http._tcp.10-240-0-1.podns.pod.cluster.local.',
        type: 'A',
        rcode: 'NOERROR',
        answer: ['_http._tcp.10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'],
      },
      {
        q: '10-240-0-1.podns.pod.cluster.local.',
        type: 'SRV',
        rcode: 'NOERROR',
        answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN SRV 0 100 0 10-240-0-1.podns.pod.cluster.local.'],
        extra: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'],
      },
    ];
    for (const c of cases) it(`${c.q} ${c.type} → ${c.rcode}`, () => check(h, c));
  });

  describe('pods verified (handler_pod_verified_test.go)', () => {
    const h = k8s(block('verified'), [
      ...objects,
      pod('podns', 'done', '10.240.0.9', { phase: 'Succeeded' }),
      pod('podns', 'going', '10.240.0.8', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    ]);
    const cases: Case[] = [
      {
        q: '10-240-0-1.podns.pod.cluster.local.',
        type: 'A',
        rcode: 'NOERROR',
        answer: ['10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1'],
      },
      { q: 'podns.pod.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
      { q: 'svcns.svc.cluster.local.', type: 'A', rcode: 'NOERROR', ns: [SOA] },
      { q: 'pod-nons.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      { q: '172-0-0-2.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      // reference §1.1: the informer drops Succeeded pods and pods with a deletionTimestamp.
      { q: '10-240-0-9.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      { q: '10-240-0-8.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      // the pod's namespace must match
      { q: '10-240-0-1.svcns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    ];
    for (const c of cases) it(`${c.q} ${c.type} → ${c.rcode}`, () => check(h, c));
  });

  describe('pods disabled (handler_pod_disabled_test.go)', () => {
    const h = k8s('cluster.local {\n  kubernetes cluster.local\n}', objects);
    const cases: Case[] = [
      { q: '10-240-0-1.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      { q: '172-0-0-2.podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
      { q: 'podns.pod.cluster.local.', type: 'A', rcode: 'NXDOMAIN', ns: [SOA] },
    ];
    for (const c of cases) it(`${c.q} ${c.type} → ${c.rcode}`, () => check(h, c));
  });
});

describe('letter case — handler_case_test.go', () => {
  const h = k8s('cluster.local {\n  kubernetes cluster.local\n}', handlerTestObjects);
  const soaCase = (z: string) => `${z} 5 IN SOA ns.dns.${z} hostmaster.${z} 1 7200 1800 86400 5`;
  const cases: Case[] = [
    {
      q: 'not-a-service.testns.svc.ClUsTeR.lOcAl.',
      type: 'A',
      rcode: 'NXDOMAIN',
      ns: [soaCase('ClUsTeR.lOcAl.')],
    },
    {
      q: 'SvC1.TeStNs.SvC.cLuStEr.LoCaL.',
      type: 'A',
      rcode: 'NOERROR',
      answer: ['SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1'],
    },
    {
      q: '_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.',
      type: 'SRV',
      rcode: 'NOERROR',
      answer: ['_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL.'],
      extra: ['svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1'],
    },
    { q: 'Cluster.local.', type: 'SOA', rcode: 'NOERROR', answer: [soaCase('Cluster.local.')] },
  ];
  for (const c of cases) it(`${c.q} ${c.type} → ${c.rcode}`, () => check(h, c));
});
