import { describe, expect, it } from 'vitest';
import { Cluster, DUAL } from './testkit.ts';

const pod = (name: string, more = '') =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\n${more}\n`;

describe('pod addresses', () => {
  // Model rule (allocation.ts): node 0's podCIDR is the first /24 of 10.244.0.0/16
  // (kube-controller-manager node-cidr-mask-size 24); host-local hands out .2 onwards (.1 = gateway).
  it('starts at .2 of the first node podCIDR, in manifest order', () => {
    const c = Cluster.of(pod('a') + pod('b'));
    expect(c.pod('a').status?.podIP).toBe('10.244.0.2');
    expect(c.pod('b').status?.podIPs).toEqual([{ ip: '10.244.0.3' }]);
    expect(c.pod('a').spec?.nodeName).toBe('kind-control-plane');
  });

  it('honours status.podIP and never hands it out again', () => {
    const c = Cluster.of(pod('a') + pod('b', 'status: {podIP: 10.244.0.2}'));
    expect(c.pod('b').status?.podIPs).toEqual([{ ip: '10.244.0.2' }]);
    expect(c.pod('a').status?.podIP).toBe('10.244.0.3');
  });

  it('dual-stack: one address per family, IPv4 first', () => {
    const c = Cluster.of(pod('a'), DUAL);
    expect(c.pod('a').status?.podIPs).toEqual([{ ip: '10.244.0.2' }, { ip: 'fd00:10:244::2' }]);
  });

  // kubelet: hostNetwork pods report the node's address as their pod IP.
  it('hostNetwork pods have the node address', () => {
    const c = Cluster.of(pod('h', 'spec: {hostNetwork: true}'));
    expect(c.pod('h').status?.podIP).toBe('172.18.0.2');
  });

  // kubelet --max-pods default 110: the model opens the next node (kind-worker, 10.244.1.0/24).
  it('the 111th pod lands on the next node and its podCIDR', () => {
    const c = Cluster.of(Array.from({ length: 111 }, (_, i) => pod(`p${i}`)).join(''));
    expect(c.pod('p109').status?.podIP).toBe('10.244.0.111');
    expect(c.pod('p110').spec?.nodeName).toBe('kind-worker');
    expect(c.pod('p110').status?.podIP).toBe('10.244.1.2');
  });

  it('a Pending pod has no address yet', () => {
    const c = Cluster.of(pod('p', 'status: {phase: Pending}'));
    expect(c.pod('p').status?.podIP).toBeUndefined();
  });
});

describe('pod status and defaults', () => {
  it('Running and Ready by default; dnsPolicy ClusterFirst (core/v1 defaults.go)', () => {
    const p = Cluster.of(pod('a')).pod('a');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
    expect(p.spec?.dnsPolicy).toBe('ClusterFirst');
  });

  it('annotation dnsconform.io/ready: "false" makes it Running but not Ready', () => {
    const p = Cluster.of(
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: {dnsconform.io/ready: "false"}}\n',
    ).pod('a');
    expect(p.status?.phase).toBe('Running');
    expect(p.status?.conditions).toEqual([{ type: 'Ready', status: 'False' }]);
  });

  it('written conditions, phase and deletionTimestamp are kept', () => {
    const p = Cluster.of(
      '---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, deletionTimestamp: "2024-01-01T00:00:00Z"}\nstatus: {phase: Running, conditions: [{type: Ready, status: "False"}]}\n',
    ).pod('a');
    expect(p.status?.conditions).toEqual([{ type: 'Ready', status: 'False' }]);
    expect(p.metadata.deletionTimestamp).toBe('2024-01-01T00:00:00Z');
  });

  it('generateName gets five characters of the generator alphabet', () => {
    const c = Cluster.of('---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: probe-}\n');
    expect(c.pods()[0]?.metadata.name).toMatch(/^probe-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
