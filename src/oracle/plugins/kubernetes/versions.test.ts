/**
 * Behaviour by CoreDNS release (reference coredns-kubernetes.md §10; each case names the commit
 * whose diff decides it — read with `git show <commit>` on coredns/coredns).
 */
import { describe, expect, it } from 'vitest';
import { handlerTestObjects } from './fixtures.ts';
import { ep, k8s, namespace, rr, service, slice } from './testkit.ts';

const ZONE = 'cluster.local {\n  kubernetes cluster.local\n}';
const at = (version: string, objects = handlerTestObjects, text = ZONE) => k8s(text, objects, { version });

describe('not-ready endpoints (ef53f372, 54093796)', () => {
  const objects = [
    namespace('default'),
    service('default', 'db', { clusterIPs: ['None'] }),
    slice('default', 'db', {
      endpoints: [
        ep('10.244.1.5'),
        ep('10.244.1.6', { conditions: { ready: false } }),
        ep('10.244.1.7', { conditions: {} }), // nil ready reads as ready
      ],
    }),
  ];
  const ips = (v: string) =>
    at(v, objects)
      .ask('db.default.svc.cluster.local.', 'A')
      .message.answer.map((r) => r.data)
      .sort();
  for (const v of ['1.8.1', '1.8.3']) {
    it(`${v}: the slice conversion ignored ready — not-ready endpoints served`, () => {
      expect(ips(v)).toEqual(['10.244.1.5', '10.244.1.6', '10.244.1.7']);
    });
  }
  for (const v of ['1.8.0', '1.8.4', '1.12.1', '1.14.7']) {
    it(`${v}: only ready (or nil) endpoints`, () => expect(ips(v)).toEqual(['10.244.1.5', '10.244.1.7']));
  }
});

describe('SOA below the apex (d6d8a997)', () => {
  it('before 1.8.4 any name in the zone, existing or not, gets the SOA as its answer', () => {
    for (const name of ['svc1.testns.svc.cluster.local.', 'nope.cluster.local.']) {
      const m = at('1.8.3').ask(name, 'SOA').message;
      expect(m.rcode).toBe('NOERROR');
      expect(m.answer.map((r) => r.type)).toEqual(['SOA']);
    }
  });
  it('since 1.8.4 NODATA (SOA in authority), even for a name that does not exist', () => {
    const m = at('1.8.4').ask('nope.cluster.local.', 'SOA').message;
    expect(m).toMatchObject({ rcode: 'NOERROR', answer: [] });
    expect(m.authority.map((r) => r.type)).toEqual(['SOA']);
  });
});

describe('TXT for names without data (c3228615)', () => {
  it('1.10.0: NODATA even where the namespace does not exist', () => {
    expect(at('1.10.0').ask('svc0.svc-nons.svc.cluster.local.', 'TXT').message.rcode).toBe('NOERROR');
    expect(at('1.10.0').ask('cluster.local.', 'TXT').message.rcode).toBe('NOERROR');
  });
  it('1.10.1: NXDOMAIN unless the name has other data (apex and namespace names included)', () => {
    const h = at('1.10.1');
    expect(h.ask('svc0.svc-nons.svc.cluster.local.', 'TXT').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('cluster.local.', 'TXT').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('testns.svc.cluster.local.', 'TXT').message.rcode).toBe('NXDOMAIN');
    expect(h.ask('svc1.testns.svc.cluster.local.', 'TXT').message.rcode).toBe('NOERROR');
    expect(h.ask('external.testns.svc.cluster.local.', 'TXT').message.rcode).toBe('NOERROR');
  });
  it('dns-version keeps TTL 28800 whatever the ttl option', () => {
    const h = k8s('cluster.local {\n  kubernetes cluster.local {\n    ttl 30\n  }\n}', handlerTestObjects);
    expect(h.ask('dns-version.cluster.local.', 'TXT').message.answer).toEqual([
      rr('dns-version.cluster.local. 28800 IN TXT "1.1.0"'),
    ]);
  });
});

describe('names below an ExternalName service (272ccb19, 47c99dc7, 5b5a6ac6)', () => {
  const cname = (v: string, name: string) => {
    const m = at(v).ask(name, 'CNAME').message;
    return m.rcode === 'NOERROR' ? m.answer.map((r) => r.data) : m.rcode;
  };
  const ep1 = 'endpoint.external.testns.svc.cluster.local.';
  const portProto = '_http._tcp.external.testns.svc.cluster.local.';
  it('1.8.0: the endpoint branch came first — no endpoints → NXDOMAIN; a port/proto prefix still aliased', () => {
    expect(cname('1.8.0', ep1)).toBe('NXDOMAIN');
    expect(cname('1.8.0', portProto)).toEqual(['ext.interwebs.test.']);
  });
  it('1.8.1 … 1.10.0: both prefixes gave the CNAME', () => {
    expect(cname('1.8.1', ep1)).toEqual(['ext.interwebs.test.']);
    expect(cname('1.10.0', ep1)).toEqual(['ext.interwebs.test.']);
    expect(cname('1.10.0', portProto)).toEqual(['ext.interwebs.test.']);
  });
  it('1.10.1: the endpoint prefix is NXDOMAIN, the port/proto prefix still aliased', () => {
    expect(cname('1.10.1', ep1)).toBe('NXDOMAIN');
    expect(cname('1.10.1', portProto)).toEqual(['ext.interwebs.test.']);
  });
  it('1.11.0: both NXDOMAIN', () => {
    expect(cname('1.11.0', ep1)).toBe('NXDOMAIN');
    expect(cname('1.11.0', portProto)).toBe('NXDOMAIN');
  });
});

describe('IPv6 dashed endpoint labels ending in "-" (1025a199)', () => {
  const objects = [
    namespace('default'),
    service('default', 'v6', { clusterIPs: ['None'] }),
    slice('default', 'v6', {
      endpoints: [ep('fd00::')],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    }),
  ];
  it('1.12.2: fd00-- ; 1.12.3: fd00--0 (SRV target and endpoint name)', () => {
    const srv = (v: string) =>
      at(v, objects).ask('_http._tcp.v6.default.svc.cluster.local.', 'SRV').message.answer[0]?.data;
    expect(srv('1.12.2')).toBe('0 100 80 fd00--.v6.default.svc.cluster.local.');
    expect(srv('1.12.3')).toBe('0 100 80 fd00--0.v6.default.svc.cluster.local.');
    expect(at('1.12.3', objects).ask('fd00--0.v6.default.svc.cluster.local.', 'AAAA').message.answer).toEqual(
      [rr('fd00--0.v6.default.svc.cluster.local. 5 IN AAAA fd00::')],
    );
    expect(at('1.12.3', objects).ask('fd00--.v6.default.svc.cluster.local.', 'AAAA').message.rcode).toBe(
      'NXDOMAIN',
    );
  });
});

describe('pod names of 64+ characters with endpoint_pod_names (5534625c)', () => {
  const long = `web-${'x'.repeat(60)}`;
  const objects = [
    namespace('default'),
    service('default', 'web', { clusterIPs: ['None'] }),
    slice('default', 'web', {
      endpoints: [
        ep('10.244.1.5', { targetRef: { kind: 'Pod', name: 'web-0', namespace: 'default' } }),
        ep('10.244.1.6', { targetRef: { kind: 'Pod', name: long, namespace: 'default' } }),
      ],
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    }),
  ];
  const text = 'cluster.local {\n  kubernetes cluster.local {\n    endpoint_pod_names\n  }\n}';
  const targets = (v: string) =>
    k8s(text, objects, { version: v })
      .ask('_http._tcp.web.default.svc.cluster.local.', 'SRV')
      .message.answer.map((r) => r.data.split(' ')[3]?.split('.')[0])
      .sort();
  it('1.8.5: the pod name, however long', () => expect(targets('1.8.5')).toEqual([long, 'web-0'].sort()));
  it('1.8.6: a 64-char pod name falls back to the dashed IP', () =>
    expect(targets('1.8.6')).toEqual(['10-244-1-6', 'web-0']));
});

describe('wildcards (abaf9386) and dual-stack cluster IPs (51c05679)', () => {
  const objects = [
    namespace('default'),
    service('default', 'a', { clusterIPs: ['10.96.0.1'], ports: [{ name: 'h', port: 80, protocol: 'TCP' }] }),
    service('default', 'b', {
      clusterIPs: ['10.96.0.2', 'fd00::2'],
      ports: [{ name: 'h', port: 80, protocol: 'TCP' }],
    }),
  ];
  it('1.8.x: `*` lists every service of the namespace; 1.9.0: a literal label → NXDOMAIN', () => {
    const ips = at('1.8.6', objects)
      .ask('*.default.svc.cluster.local.', 'A')
      .message.answer.map((r) => r.data)
      .sort();
    expect(ips).toEqual(['10.96.0.1', '10.96.0.2']);
    expect(at('1.9.0', objects).ask('*.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
    expect(at('1.9.0', objects).ask('any.default.svc.cluster.local.', 'A').message.rcode).toBe('NXDOMAIN');
  });
  it('1.8.0 serves spec.clusterIP only; 1.8.1 every clusterIPs entry', () => {
    expect(at('1.8.0', objects).ask('b.default.svc.cluster.local.', 'AAAA').message.answer).toEqual([]);
    expect(at('1.8.1', objects).ask('b.default.svc.cluster.local.', 'AAAA').message.answer).toEqual([
      rr('b.default.svc.cluster.local. 5 IN AAAA fd00::2'),
    ]);
  });
});

describe('CNAME chains inside the zone (33d0d058: 7 → 10)', () => {
  // e0 → e1 → … → e9 → svc1: ten CNAMEs before the address.
  const chain = [
    ...handlerTestObjects,
    ...Array.from({ length: 10 }, (_, i) =>
      service('testns', `e${i}`, {
        type: 'ExternalName',
        externalName: i === 9 ? 'svc1.testns.svc.cluster.local' : `e${i + 1}.testns.svc.cluster.local`,
      }),
    ),
  ];
  it('1.12.1 follows all ten', () => {
    const m = at('1.12.1', chain).ask('e0.testns.svc.cluster.local.', 'A').message;
    expect(m.answer.filter((r) => r.type === 'CNAME')).toHaveLength(10);
    expect(m.answer.at(-1)).toEqual(rr('svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1'));
  });
  it('1.12.0 gives up after seven: nothing resolves, so NODATA without any CNAME', () => {
    const m = at('1.12.0', chain).ask('e0.testns.svc.cluster.local.', 'A').message;
    expect(m).toMatchObject({ rcode: 'NOERROR', answer: [] });
  });
});

describe('noendpoints before 1.11.0 (6d3db023)', () => {
  const text = 'cluster.local {\n  kubernetes cluster.local {\n    noendpoints\n  }\n}';
  it('1.10.1: a headless lookup panics → SERVFAIL; 1.11.0: NXDOMAIN; ClusterIP services answer in both', () => {
    expect(
      k8s(text, handlerTestObjects, { version: '1.10.1' }).ask('hdls1.testns.svc.cluster.local.', 'A').out,
    ).toEqual({
      written: false,
      rcode: 'SERVFAIL',
    });
    expect(
      k8s(text, handlerTestObjects, { version: '1.11.0' }).ask('hdls1.testns.svc.cluster.local.', 'A').message
        .rcode,
    ).toBe('NXDOMAIN');
    for (const v of ['1.10.1', '1.11.0']) {
      expect(
        k8s(text, handlerTestObjects, { version: v }).ask('svc1.testns.svc.cluster.local.', 'A').message
          .answer,
      ).toHaveLength(1);
    }
  });
});
