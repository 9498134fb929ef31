import { describe, expect, it } from 'vitest';
import { Cluster } from './testkit.ts';

// Expectations: kubernetes-dns.md §5.6 and pkg/controller/endpointslicemirroring (utils.go
// addressToEndpoint / newEndpointSlice, reconciler.go reconcile, controller syncEndpoints).

const service = (spec = '{ports: [{name: http, port: 80}]}') =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: legacy}\nspec: ${spec}\n`;
const endpoints = (subsets: string, labels = '') =>
  `---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: legacy${labels}}\nsubsets: ${subsets}\n`;

const subsets = `
- addresses: [{ip: 192.0.2.10, hostname: one, nodeName: n1}, {ip: "2001:db8::10"}]
  notReadyAddresses: [{ip: 192.0.2.11}]
  ports: [{name: http, port: 8080, protocol: TCP}]`;

describe('mirroring hand-written Endpoints', () => {
  it('addresses → ready=true, notReadyAddresses → ready=false; hostname and nodeName copied', () => {
    const c = Cluster.of(service() + endpoints(subsets));
    const v4 = c.slices('legacy').find((s) => s.addressType === 'IPv4')!;
    expect(v4.endpoints).toEqual([
      { addresses: ['192.0.2.10'], conditions: { ready: true }, hostname: 'one', nodeName: 'n1' },
      { addresses: ['192.0.2.11'], conditions: { ready: false } },
    ]);
    expect(v4.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(v4.metadata.labels).toEqual({
      'kubernetes.io/service-name': 'legacy',
      'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
  });

  it('one slice per address family, derived from each IP', () => {
    const c = Cluster.of(service() + endpoints(subsets));
    const v6 = c.slices('legacy').find((s) => s.addressType === 'IPv6');
    expect(v6?.endpoints?.map((e) => e.addresses)).toEqual([['2001:db8::10']]);
  });

  it('label endpointslice.kubernetes.io/skip-mirror: "true" stops mirroring', () => {
    const c = Cluster.of(
      service() + endpoints(subsets, ', labels: {endpointslice.kubernetes.io/skip-mirror: "true"}'),
    );
    expect(c.slices('legacy')).toEqual([]);
  });

  it('no mirroring for a Service with a selector, or for Endpoints without a Service', () => {
    const withSelector = Cluster.of(
      service('{selector: {app: x}, ports: [{port: 80}]}') + endpoints(subsets),
    );
    expect(
      withSelector
        .slices('legacy')
        .every(
          (s) =>
            s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !==
            'endpointslicemirroring-controller.k8s.io',
        ),
    ).toBe(true);
    expect(Cluster.of(endpoints(subsets)).slices('legacy')).toEqual([]);
  });

  it('subsets with the same ports share a slice', () => {
    const two = `
- addresses: [{ip: 192.0.2.1}]
  ports: [{port: 80}]
- addresses: [{ip: 192.0.2.2}]
  ports: [{port: 80}]`;
    const c = Cluster.of(service() + endpoints(two));
    expect(c.slices('legacy').map((s) => s.endpoints?.length)).toEqual([2]);
  });
});
