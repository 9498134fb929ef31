/**
 * Options and rules of reference coredns-kubernetes.md §3–§5 and the worked examples of §12 (the
 * kubeadm/kind stanza). Where a CoreDNS test covers a rule it is named: handler_ignore_emptyservice_test.go
 * (svcempty → NXDOMAIN), handler_test.go (port/protocol prefixes), coredns/ci test/kubernetes/
 * srv_test.go (two ports → two SRV, weight 50), autopath_test.go (search path of a client pod).
 */
import { describe, expect, it } from 'vitest';
import { handlerTestObjects } from './fixtures.ts';
import { ep, k8s, NEXT_MARKER, namespace, pod, rr, service, slice } from './testkit.ts';

const stanza = (opts: string, zones = 'cluster.local') =>
  `cluster.local {\n  kubernetes ${zones} {\n    ${opts}\n  }\n}`;

describe('ignore empty_service (handler_ignore_emptyservice_test.go)', () => {
  const h = k8s(stanza('ignore empty_service'), handlerTestObjects);
  it('a ClusterIP service with no ready endpoint address → NXDOMAIN', () => {
    expect(h.ask('svcempty.testns.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
  it('a ClusterIP service with one → its cluster IP', () => {
    expect(h.ask('svc1.testns.svc.cluster.local.', 'A').message.answer).toEqual([
      rr('svc1.testns.svc.cluster.local. 5 A 10.0.0.1'),
    ]);
  });
  it('ExternalName services are not affected', () => {
    expect(h.ask('external.testns.svc.cluster.local.', 'CNAME').message.rcode).toBe('NOERROR');
  });
});

describe('labels and namespace_labels (reference §5)', () => {
  const objects = [
    namespace('a', { team: 'a' }),
    namespace('b', { team: 'b' }),
    service('a', 'shown', { clusterIPs: ['10.96.1.1'], ports: [{ port: 80 }], labels: { dns: 'yes' } }),
    service('a', 'hidden', { clusterIPs: ['10.96.1.2'], ports: [{ port: 80 }] }),
    service('b', 'shown', { clusterIPs: ['10.96.2.1'], ports: [{ port: 80 }], labels: { dns: 'yes' } }),
    service('a', 'hdls', { clusterIPs: ['None'], labels: { dns: 'yes' } }),
    slice('a', 'hdls', { name: 's1', endpoints: [ep('10.244.0.1')], labels: { dns: 'yes' } }),
    slice('a', 'hdls', { name: 's2', endpoints: [ep('10.244.0.2')] }),
  ];
  it('labels: unlabelled services and slices are absent', () => {
    const h = k8s(stanza('labels dns=yes'), objects);
    expect(h.ask('shown.a.svc.cluster.local.', 'A').message.answer).toHaveLength(1);
    expect(h.ask('hidden.a.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('hdls.a.svc.cluster.local.', 'A').message.answer.map((r) => r.data)).toEqual(['10.244.0.1']);
  });
  it('namespace_labels: a namespace that does not match is absent (NXDOMAIN for its names)', () => {
    const h = k8s(stanza('namespace_labels team=a'), objects);
    expect(h.ask('shown.a.svc.cluster.local.', 'A').message.answer).toHaveLength(1);
    expect(h.ask('shown.b.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('b.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('a.svc.cluster.local.', 'A').message).toMatchObject({ rcode: 'NOERROR', answer: [] });
  });
  it('set-based selectors', () => {
    const h = k8s(stanza('labels dns in (yes, maybe), !skip'), objects);
    expect(h.ask('shown.b.svc.cluster.local.', 'A').message.answer).toHaveLength(1);
    expect(h.ask('hidden.a.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
});

describe('fallthrough (reference §2.3: name errors only)', () => {
  it('a name error goes to the next plugin; NODATA does not', () => {
    const h = k8s(stanza('fallthrough'), handlerTestObjects);
    const miss = h.ask('svc0.testns.svc.cluster.local.', 'A');
    expect(miss.passedOn).toBe(true);
    expect(miss.message.answer[0]?.data).toBe(NEXT_MARKER);
    const nodata = h.ask('svc1.testns.svc.cluster.local.', 'AAAA');
    expect(nodata.passedOn).toBe(false);
    expect(nodata.message.rcode).toBe('NOERROR');
  });
  it('only in the listed zones', () => {
    const h = k8s(stanza('fallthrough in-addr.arpa', 'cluster.local in-addr.arpa'), handlerTestObjects);
    expect(h.ask('svc0.testns.svc.cluster.local.', 'A').passedOn).toBe(false);
    expect(h.ask('9.9.9.10.in-addr.arpa.', 'PTR').passedOn).toBe(true);
  });
  it('names outside every zone always go to the next plugin', () => {
    expect(k8s(stanza('ttl 5'), handlerTestObjects).ask('example.com.', 'A').passedOn).toBe(true);
  });
});

describe('query-name grammar (reference §3, parse.go)', () => {
  const h = k8s(stanza('ttl 5'), handlerTestObjects);
  const rcode = (n: string, t = 'A') => h.ask(n, t).message.rcode;
  it('port and protocol labels: the underscores are optional; a filter that matches nothing is NXDOMAIN', () => {
    expect(h.ask('http.tcp.svc1.testns.svc.cluster.local.', 'SRV').message.answer).toEqual([
      rr('http.tcp.svc1.testns.svc.cluster.local. 5 SRV 0 100 80 svc1.testns.svc.cluster.local.'),
    ]);
    expect(rcode('_https._tcp.svc1.testns.svc.cluster.local.', 'SRV')).toBe('NXDOMAIN');
  });
  it('an endpoint label works under a ClusterIP service too', () => {
    expect(h.ask('ep1a.svc1.testns.svc.cluster.local.', 'A').message.answer).toEqual([
      rr('ep1a.svc1.testns.svc.cluster.local. 5 A 172.0.0.1'),
    ]);
  });
  it('three labels left of the service, a type label other than svc/pod → NXDOMAIN', () => {
    expect(rcode('a.b.c.svc1.testns.svc.cluster.local.')).toBe('NXDOMAIN');
    expect(rcode('foo.cluster.local.')).toBe('NXDOMAIN');
    expect(rcode('svc1.testns.cluster.local.')).toBe('NXDOMAIN');
  });
  it('the apex and bare svc./pod. names answer NODATA for MX, ANY, CNAME, PTR', () => {
    for (const t of ['MX', 'ANY', 'CNAME', 'PTR', 'HTTPS']) {
      expect(h.ask('svc.cluster.local.', t).message).toMatchObject({ rcode: 'NOERROR', answer: [] });
    }
  });
  it('a headless service with no ready address → NXDOMAIN; a portless headless service → SRV NODATA', () => {
    const objs = [
      ...handlerTestObjects,
      service('testns', 'drained', { clusterIPs: ['None'] }),
      slice('testns', 'drained', { endpoints: [ep('172.0.0.30', { conditions: { ready: false } })] }),
    ];
    const d = k8s(stanza('ttl 5'), objs);
    expect(d.ask('drained.testns.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(d.ask('hdlsprtls.testns.svc.cluster.local.', 'SRV').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
  });
});

describe('ExternalName (reference §4.2, backend_lookup.go)', () => {
  const objs = [
    namespace('default'),
    service('default', 'ip', { type: 'ExternalName', externalName: '192.0.2.1' }),
    service('default', 'gone', { type: 'ExternalName', externalName: 'missing.default.svc.cluster.local' }),
    service('default', 'self', { type: 'ExternalName', externalName: 'x.self.default.svc.cluster.local' }),
    service('default', 'out', { type: 'ExternalName', externalName: 'www.example.com' }),
  ];
  const upstreamNx = k8s(stanza('ttl 5'), objs, {
    upstream: () => ({
      written: true,
      message: {
        rcode: 'NXDOMAIN',
        flags: { aa: false, tc: false, rd: true, ra: true },
        answer: [],
        authority: [rr('example.com. 60 SOA a. b. 1 2 3 4 5')],
        additional: [],
      },
    }),
  });
  it('an IP literal is not served → NXDOMAIN', () => {
    expect(upstreamNx.ask('ip.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
  it('an in-zone target that does not resolve → NODATA without the CNAME', () => {
    expect(upstreamNx.ask('gone.default.svc.cluster.local.', 'A').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
  });
  it('a target below the asked name would loop: skipped', () => {
    expect(upstreamNx.ask('self.default.svc.cluster.local.', 'A').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
  });
  it('an out-of-zone target whose lookup is NXDOMAIN → NOERROR with only the CNAME, no SOA', () => {
    const m = upstreamNx.ask('out.default.svc.cluster.local.', 'A').message;
    expect(m).toMatchObject({ rcode: 'NOERROR', authority: [] });
    expect(m.answer).toEqual([rr('out.default.svc.cluster.local. 5 CNAME www.example.com.')]);
  });
  it('SRV of an ExternalName service → NODATA', () => {
    expect(upstreamNx.ask('out.default.svc.cluster.local.', 'SRV').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
  });
});

describe('multicluster zones are declared unmodelled', () => {
  it('a service name in a multicluster zone', () => {
    const h = k8s(
      'cluster.local clusterset.local {\n  kubernetes cluster.local clusterset.local {\n    multicluster clusterset.local\n  }\n}',
      handlerTestObjects,
      { version: '1.12.2' },
    );
    const a = h.ask('svc1.testns.svc.clusterset.local.', 'A');
    expect(a.unmodelled).toEqual(['kubernetes (multicluster ServiceImports)']);
    expect(h.ask('svc1.testns.svc.cluster.local.', 'A').unmodelled).toEqual([]);
  });
});

describe('zonal (1.14.7, reference §9: <zone>.pin|prefer._zone.<svc>…)', () => {
  const objs = [
    namespace('default'),
    service('default', 'db', { clusterIPs: ['None'] }),
    service('default', 'web', { clusterIPs: ['10.96.0.5'], ports: [{ port: 80 }] }),
    slice('default', 'db', {
      endpoints: [ep('10.244.0.1', { zone: 'Zone-A' }), ep('10.244.0.2', { zone: 'zone-b' })],
    }),
  ];
  const h = k8s(stanza('zonal'), objs, { version: '1.14.7' });
  const ips = (n: string) => h.ask(n, 'A').message.answer.map((r) => r.data);
  it('pin: only that zone (lowercased); none → NODATA; prefer: all when none match', () => {
    expect(ips('zone-a.pin._zone.db.default.svc.cluster.local.')).toEqual(['10.244.0.1']);
    expect(h.ask('zone-c.pin._zone.db.default.svc.cluster.local.', 'A').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
    });
    expect(ips('zone-c.prefer._zone.db.default.svc.cluster.local.').sort()).toEqual([
      '10.244.0.1',
      '10.244.0.2',
    ]);
  });
  it('ClusterIP services and unknown directives → NXDOMAIN', () => {
    expect(h.ask('zone-a.pin._zone.web.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('zone-a.near._zone.db.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
});

describe('worked examples for the kind/kubeadm stanza (reference §12)', () => {
  const objects = [
    namespace('default'),
    service('default', 'web', {
      clusterIPs: ['10.96.12.34'],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    }),
    service('default', 'db', {
      clusterIPs: ['None'],
      ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
    }),
    slice('default', 'db', {
      endpoints: [
        ep('10.244.1.7', { hostname: 'db-0' }),
        ep('10.244.1.8', { hostname: 'db-1' }),
        ep('10.244.2.9', { hostname: 'db-2' }),
        ep('10.244.2.10', { hostname: 'db-3', conditions: { ready: false } }),
      ],
      ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
    }),
  ];
  const h = k8s(
    '.:53 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    pods insecure\n    fallthrough in-addr.arpa ip6.arpa\n    ttl 30\n  }\n}',
    objects,
  );
  const SOA30 = 'cluster.local. 30 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30';

  it('web A → its cluster IP, TTL 30, aa, no ra', () => {
    const m = h.ask('web.default.svc.cluster.local.', 'A').message;
    expect(m.answer).toEqual([rr('web.default.svc.cluster.local. 30 A 10.96.12.34')]);
    expect(m.flags).toEqual({ aa: true, tc: false, rd: true, ra: false });
  });
  it('web AAAA → NODATA with the SOA (TTL 30, minimum 30)', () => {
    expect(h.ask('web.default.svc.cluster.local.', 'AAAA').message).toMatchObject({
      rcode: 'NOERROR',
      answer: [],
      authority: [rr(SOA30)],
    });
  });
  it('nope A → NXDOMAIN with the same SOA', () => {
    expect(h.ask('nope.default.svc.cluster.local.', 'A').message).toMatchObject({
      rcode: 'NXDOMAIN',
      authority: [rr(SOA30)],
    });
  });
  it('db A → the 3 ready pods', () => {
    expect(
      h
        .ask('db.default.svc.cluster.local.', 'A')
        .message.answer.map((r) => r.data)
        .sort(),
    ).toEqual(['10.244.1.7', '10.244.1.8', '10.244.2.9']);
  });
  it('db-0.db A → its IP; the dashed form of an endpoint with a hostname → NXDOMAIN', () => {
    expect(h.ask('db-0.db.default.svc.cluster.local.', 'A').message.answer).toEqual([
      rr('db-0.db.default.svc.cluster.local. 30 A 10.244.1.7'),
    ]);
    expect(h.ask('10-244-1-7.db.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
  it('_mysql._tcp.db SRV → one per ready endpoint, weight floor(100/3), glue', () => {
    const m = h.ask('_mysql._tcp.db.default.svc.cluster.local.', 'SRV').message;
    expect(m.answer.map((r) => r.data).sort()).toEqual([
      '0 33 3306 db-0.db.default.svc.cluster.local.',
      '0 33 3306 db-1.db.default.svc.cluster.local.',
      '0 33 3306 db-2.db.default.svc.cluster.local.',
    ]);
    expect(m.additional).toHaveLength(3);
  });
  it('a pod name → its IP whether or not such a pod exists', () => {
    expect(h.ask('10-244-1-7.default.pod.cluster.local.', 'A').message.answer).toEqual([
      rr('10-244-1-7.default.pod.cluster.local. 30 A 10.244.1.7'),
    ]);
  });
  it('PTR of the cluster IP → the service; PTR of an unknown address → forwarded (fallthrough)', () => {
    expect(h.ask('34.12.96.10.in-addr.arpa.', 'PTR').message.answer).toEqual([
      rr('34.12.96.10.in-addr.arpa. 30 PTR web.default.svc.cluster.local.'),
    ]);
    expect(h.ask('1.2.3.4.in-addr.arpa.', 'PTR').passedOn).toBe(true);
  });
  it('example.com A → not ours', () => expect(h.ask('example.com.', 'A').passedOn).toBe(true));
  it('dns-version TXT → "1.1.0" with TTL 28800', () => {
    expect(h.ask('dns-version.cluster.local.', 'TXT').message.answer).toEqual([
      rr('dns-version.cluster.local. 28800 TXT "1.1.0"'),
    ]);
  });
  it('kube-dns bare SRV (53/UDP, 53/TCP, 9153/TCP): n=3 → two SRV records, weight 33', () => {
    const kd = k8s('.:53 {\n  kubernetes cluster.local {\n    ttl 30\n  }\n}', [
      namespace('kube-system'),
      service('kube-system', 'kube-dns', {
        clusterIPs: ['10.96.0.10'],
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
      }),
    ]);
    expect(
      kd.ask('kube-dns.kube-system.svc.cluster.local.', 'SRV').message.answer.map((r) => r.data),
    ).toEqual([
      '0 33 53 kube-dns.kube-system.svc.cluster.local.',
      '0 33 9153 kube-dns.kube-system.svc.cluster.local.',
    ]);
  });
});

describe('autopath search path (autopath.go; coredns/ci autopath_test.go)', () => {
  const objects = [
    namespace('test-1'),
    pod('test-1', 'client', '10.244.0.7'),
    pod('test-1', 'old', '10.244.0.8', { phase: 'Failed' }),
  ];
  const files = { '/etc/resolv.conf': 'search example.net\nnameserver 10.0.0.1\n' };
  const path = (opts: string, clientIP: string, name = 'svc-1-a.test-1.test-1.svc.cluster.local.') => {
    const h = k8s(stanza(opts), objects, { files });
    return h.instance.autoPath?.({ name, type: 'A', clientIP, port: 53 }, h.ctx);
  };
  it('pods verified, the client is a pod: <ns>.svc.<zone>, svc.<zone>, <zone>, resolv.conf search, ""', () => {
    expect(path('pods verified', '10.244.0.7')).toEqual([
      'test-1.svc.cluster.local.',
      'svc.cluster.local.',
      'cluster.local.',
      'example.net.',
      '',
    ]);
  });
  it('no search path: pods insecure, an unknown client, a Failed pod, a name outside the zones', () => {
    expect(path('pods insecure', '10.244.0.7')).toBeUndefined();
    expect(path('pods verified', '10.244.9.9')).toBeUndefined();
    expect(path('pods verified', '10.244.0.8')).toBeUndefined();
    expect(path('pods verified', '10.244.0.7', 'example.com.')).toBeUndefined();
  });
});
