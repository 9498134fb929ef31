import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { Cluster, DUAL } from './testkit.ts';

const svc = (name: string, spec: string) =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: ${spec}\n`;

function inputError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).format();
  }
  throw new Error('expected an InputError');
}

describe('ClusterIPs', () => {
  // Model rule (allocation.ts): in order from the 2nd address, skipping .1 (kubernetes,
  // controlplane ServiceIPRange) and the kube-dns IP (kubeadm GetDNSIP = 10th address).
  it('allocates in order, skipping the network address, .1 and the DNS IP', () => {
    const many = Array.from({ length: 9 }, (_, i) => svc(`s${i}`, '{ports: [{port: 80}]}')).join('');
    const c = Cluster.of(many);
    const ips = Array.from({ length: 9 }, (_, i) => c.service(`s${i}`).spec?.clusterIP);
    expect(ips).toEqual([
      '10.96.0.2',
      '10.96.0.3',
      '10.96.0.4',
      '10.96.0.5',
      '10.96.0.6',
      '10.96.0.7',
      '10.96.0.8',
      '10.96.0.9',
      '10.96.0.11',
    ]);
  });

  it('honours a requested clusterIP, and never hands it out to a Service listed earlier', () => {
    const c = Cluster.of(
      svc('a', '{ports: [{port: 80}]}') + svc('b', '{clusterIP: 10.96.0.2, ports: [{port: 80}]}'),
    );
    expect(c.service('b').spec?.clusterIPs).toEqual(['10.96.0.2']);
    expect(c.service('a').spec?.clusterIP).toBe('10.96.0.3');
  });

  // ipallocator Allocate: ErrNotInRange / ErrAllocated → the API server rejects the Service.
  it('rejects a requested clusterIP outside the service range, at the object', () => {
    expect(inputError(() => Cluster.of(svc('a', '{clusterIP: 10.97.0.5, ports: [{port: 80}]}')))).toBe(
      'm.yaml:2: Service default/a: ClusterIP 10.97.0.5 is not in the service range 10.96.0.0/16',
    );
  });

  it('rejects a requested clusterIP already in use (here: kube-dns)', () => {
    expect(
      inputError(() => Cluster.of(`\n${svc('a', '{clusterIP: 10.96.0.10, ports: [{port: 80}]}')}`)),
    ).toBe(
      'm.yaml:3: Service default/a: ClusterIP 10.96.0.10 is already allocated to Service kube-system/kube-dns',
    );
  });

  it('headless: clusterIP None, no address', () => {
    const c = Cluster.of(svc('h', '{clusterIP: None, selector: {app: h}}'));
    expect(c.service('h').spec?.clusterIPs).toEqual(['None']);
    expect(c.service('h').spec?.ipFamilyPolicy).toBe('SingleStack');
  });

  it('ExternalName: no clusterIP, no IP families', () => {
    const c = Cluster.of(svc('x', '{type: ExternalName, externalName: example.com}'));
    expect(c.service('x').spec?.clusterIP).toBeUndefined();
    expect(c.service('x').spec?.ipFamilies).toBeUndefined();
  });

  // core/v1 defaults.go SetDefaults_Service.
  it('defaults type, protocol and targetPort', () => {
    const s = Cluster.of(svc('a', '{ports: [{port: 80}]}')).service('a');
    expect(s.spec?.type).toBe('ClusterIP');
    expect(s.spec?.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  });
});

// pkg/registry/core/service/storage/alloc.go initIPFamilyFields.
describe('IP families', () => {
  it('single-stack by default, even on a dual-stack cluster', () => {
    const s = Cluster.of(svc('a', '{ports: [{port: 80}]}'), DUAL).service('a');
    expect(s.spec?.ipFamilies).toEqual(['IPv4']);
    expect(s.spec?.clusterIPs).toEqual(['10.96.0.2']);
  });

  it('PreferDualStack on a dual-stack cluster gets one address per family', () => {
    const s = Cluster.of(svc('a', '{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}'), DUAL).service(
      'a',
    );
    expect(s.spec?.ipFamilies).toEqual(['IPv4', 'IPv6']);
    expect(s.spec?.clusterIPs).toEqual(['10.96.0.2', 'fd00:10:96::2']);
  });

  it('ipFamilies [IPv6] picks the IPv6 range', () => {
    const s = Cluster.of(svc('a', '{ipFamilies: [IPv6], ports: [{port: 80}]}'), DUAL).service('a');
    expect(s.spec?.clusterIPs).toEqual(['fd00:10:96::2']);
  });

  it('PreferDualStack on a single-stack cluster stays single', () => {
    const s = Cluster.of(svc('a', '{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}')).service('a');
    expect(s.spec?.ipFamilies).toEqual(['IPv4']);
  });

  it('RequireDualStack on a single-stack cluster is refused', () => {
    expect(
      inputError(() => Cluster.of(svc('a', '{ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}'))),
    ).toMatch(/not configured for dual-stack/);
  });

  it('headless without selector defaults to RequireDualStack with both families, even single-stack', () => {
    const s = Cluster.of(svc('h', '{clusterIP: None}')).service('h');
    expect(s.spec?.ipFamilyPolicy).toBe('RequireDualStack');
    expect(s.spec?.ipFamilies).toEqual(['IPv4', 'IPv6']);
  });
});

describe('cluster options', () => {
  it('ipFamily must agree with the subnets', () => {
    expect(inputError(() => Cluster.of('', { ...DUAL, serviceSubnets: ['10.96.0.0/16'] }))).toBe(
      'cluster options: ipFamily dual needs one IPv4 and one IPv6 range in serviceSubnets',
    );
  });

  it('clusterDNS must lie in the service range', () => {
    expect(inputError(() => Cluster.of('', { ...DUAL, clusterDNS: ['10.97.0.10'] }))).toMatch(
      /^cluster options: clusterDNS\[0\] 10\.97\.0\.10 is outside the service subnets/,
    );
  });
});
