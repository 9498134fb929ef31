import { describe, expect, it } from 'vitest';
import type { ClusterIndex, Service } from '../../../cluster/types.ts';
import { emptyIndex, harness, inputError } from '../testkit.ts';
import { k8sExternalPlugin } from './k8s_external.ts';

// Services and expectations from CoreDNS plugin/k8s_external/external_test.go (v1.14.7).
function service(name: string, over: Partial<Service>): Service {
  return {
    namespace: 'testns',
    name,
    labels: {},
    type: 'ClusterIP',
    clusterIPs: ['10.0.0.1'],
    headless: false,
    externalName: undefined,
    ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 }],
    selector: {},
    publishNotReadyAddresses: false,
    ipFamilies: ['IPv4'],
    externalIPs: [],
    ingress: [],
    ...over,
  };
}
const services = [
  service('svc1', { externalIPs: ['1.2.3.4'] }),
  service('svc6', { externalIPs: ['1:2::5'] }),
];
const state: ClusterIndex = {
  ...emptyIndex,
  state: { ...emptyIndex.state, services },
  namespace: (n) => (n === 'testns' ? { name: n, labels: {} } : undefined),
  service: (ns, n) => services.find((s) => s.namespace === ns && s.name === n),
};
// external_test.go writes hostmaster.example.com. but its checker ignores SOA RDATA; apex.go soa()
// builds Mbox as dnsutil.Join("hostmaster", apex, zone) — reference §8.7 agrees: hostmaster.<apex>.<zone>.
const soa = 'example.com. 5 SOA ns1.dns.example.com. hostmaster.dns.example.com. 1 7200 1800 86400 5';
const stubK8s = {
  name: 'kubernetes',
  setup: () => ({ serve: (r: never, _c: never, n: (x: never) => never) => n(r) }),
};
const h = harness(
  '. {\n  k8s_external example.com in-addr.arpa\n  kubernetes cluster.local\n}',
  [k8sExternalPlugin, stubK8s],
  { state },
);
const show = (rrs: { name: string; ttl: number; type: string; data: string }[]) =>
  rrs.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.data}`);

describe('k8s_external (reference coredns-kubernetes.md §8.7)', () => {
  it.each([
    ['svc1.testns.example.com.', 'A', 'NOERROR', ['svc1.testns.example.com. 5 A 1.2.3.4'], [], []],
    [
      '4.3.2.1.in-addr.arpa.',
      'PTR',
      'NOERROR',
      ['4.3.2.1.in-addr.arpa. 5 PTR svc1.testns.example.com.'],
      [],
      [],
    ],
    ['svc1.testns.example.com.', 'PTR', 'NOERROR', [], [soa], []],
    ['not-existing.testns.example.com.', 'PTR', 'NXDOMAIN', [], [soa], []],
    [
      'svc1.testns.example.com.',
      'SRV',
      'NOERROR',
      ['svc1.testns.example.com. 5 SRV 0 100 80 svc1.testns.example.com.'],
      [],
      ['svc1.testns.example.com. 5 A 1.2.3.4'],
    ],
    ['*._not-udp-or-tcp.svc1.testns.example.com.', 'SRV', 'NXDOMAIN', [], [soa], []],
    [
      '_http._tcp.svc1.testns.example.com.',
      'SRV',
      'NOERROR',
      ['_http._tcp.svc1.testns.example.com. 5 SRV 0 100 80 svc1.testns.example.com.'],
      [],
      ['svc1.testns.example.com. 5 A 1.2.3.4'],
    ],
    ['svc1.testns.example.com.', 'AAAA', 'NOERROR', [], [soa], []],
    ['svc0.testns.example.com.', 'A', 'NXDOMAIN', [], [soa], []],
    ['svc6.testns.example.com.', 'AAAA', 'NOERROR', ['svc6.testns.example.com. 5 AAAA 1:2::5'], [], []],
    ['testns.example.com.', 'A', 'NOERROR', [], [soa], []],
    ['testns.example.com.', 'SOA', 'NOERROR', [], [soa], []],
  ])('%s %s → %s', (name, type, rcode, answer, authority, additional) => {
    const m = h.ask(name, type).out.message;
    expect(m.rcode).toBe(rcode);
    expect(show(m.answer)).toEqual(answer);
    expect(show(m.authority)).toEqual(authority);
    expect(show(m.additional)).toEqual(additional);
  });

  it('answers the apex SOA itself (apex.go serveApex)', () => {
    expect(show(h.ask('example.com.', 'SOA').out.message.answer)).toEqual([soa]);
  });

  it('needs the kubernetes plugin in the block (setup.go OnStartup)', () => {
    expect(inputError(() => harness('. {\n  k8s_external example.com\n}', [k8sExternalPlugin]))).toBe(
      'Corefile:2:3: plugin/k8s_external: kubernetes plugin not loaded',
    );
  });
});
