import { describe, expect, it } from 'vitest';
import { materialise } from './controlplane.ts';
import { KIND_DEFAULTS } from './options.ts';
import { Cluster, IPV6 } from './testkit.ts';

// Expectations: kubernetes-dns.md §8 "Always-present names in a default kind cluster":
// kubernetes.default 10.96.0.1 with _https._tcp → 443; kube-dns.kube-system 10.96.0.10 with
// dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP, selector k8s-app=kube-dns.
describe('baseline objects of a kind cluster', () => {
  const c = new Cluster(materialise([], KIND_DEFAULTS));

  it('has the four system namespaces', () => {
    const names = c.objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
    expect(names.sort()).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('has the kubernetes Service on the first service IP, port https 443, no selector', () => {
    const s = c.service('kubernetes');
    expect(s.spec?.clusterIPs).toEqual(['10.96.0.1']);
    expect(s.spec?.ports).toEqual([{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
    expect(s.spec?.selector).toBeUndefined();
  });

  // endpointsadapter.go: the API server's own slice, named `kubernetes`, one ready endpoint.
  it('has the API server slice for kubernetes and no controller slice', () => {
    const slices = c.slices('kubernetes');
    expect(slices.map((s) => s.metadata.name)).toEqual(['kubernetes']);
    expect(slices[0]?.endpoints).toEqual([{ addresses: ['172.18.0.2'], conditions: { ready: true } }]);
    expect(slices[0]?.ports).toEqual([{ name: 'https', port: 6443, protocol: 'TCP' }]);
  });

  it('has kube-dns on clusterDNS with dns, dns-tcp and metrics ports', () => {
    const s = c.service('kube-dns', 'kube-system');
    expect(s.spec?.clusterIP).toBe('10.96.0.10');
    expect(s.spec?.selector).toEqual({ 'k8s-app': 'kube-dns' });
    expect(s.spec?.ports?.map((p) => [p.name, p.port, p.protocol])).toEqual([
      ['dns', 53, 'UDP'],
      ['dns-tcp', 53, 'TCP'],
      ['metrics', 9153, 'TCP'],
    ]);
  });

  it('IPv6-only kind: kubernetes on fd00:10:96::1, kube-dns on fd00:10:96::a', () => {
    const v6 = new Cluster(materialise([], IPV6));
    expect(v6.service('kubernetes').spec?.clusterIP).toBe('fd00:10:96::1');
    expect(v6.service('kube-dns', 'kube-system').spec?.clusterIP).toBe('fd00:10:96::a');
    expect(v6.service('kube-dns', 'kube-system').spec?.ipFamilies).toEqual(['IPv6']);
    expect(v6.slices('kubernetes')[0]?.addressType).toBe('IPv6');
  });

  it('a manifest Namespace is kept (with the name label the API server adds), not duplicated', () => {
    const k = Cluster.of('apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n');
    const ns = k.objects.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'kube-system');
    expect(ns).toHaveLength(1);
    expect(ns[0]?.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
  });

  it('namespaces used but not declared are created', () => {
    const k = Cluster.of(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a, namespace: shop}\nspec: {ports: [{port: 80}]}\n',
    );
    expect(k.find('Namespace', 'shop')).toBeDefined();
  });
});
