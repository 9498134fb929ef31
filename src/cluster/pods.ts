/**
 * Pods as the API server, the scheduler and kubelet leave them: defaults, a node, addresses and
 * a status. What a manifest already says (status.podIP(s), phase, conditions, nodeName) is kept,
 * so live pods pass through unchanged.
 */

import type { PodIPAllocator } from './allocation.ts';
import type { Address, Family } from './ip.ts';
import { formatIP, parseIP } from './ip.ts';
import type { NameRegistry } from './names.ts';
import { ensureUid, namespaceOf, type RawContainer, type RawPod } from './raw.ts';

/**
 * The one way to mark pods not ready in a manifest, for bare pods and workload templates alike:
 * annotation `dnsconform.io/ready: "false"`. Such a pod is Running with condition Ready=False
 * (as a pod failing its readiness probe is). A pod that writes `status.conditions` itself is
 * taken at its word instead.
 */
export const READY_ANNOTATION = 'dnsconform.io/ready';

export function podMarkedNotReady(pod: RawPod): boolean {
  return pod.metadata.annotations?.[READY_ANNOTATION] === 'false';
}

/** API defaulting (core/v1 defaults.go): container port protocol TCP, dnsPolicy ClusterFirst. */
function defaultSpec(pod: RawPod): void {
  pod.spec ??= {};
  const spec = pod.spec;
  spec.dnsPolicy ??= 'ClusterFirst';
  const withPorts = (cs: RawContainer[] | null | undefined) => {
    for (const c of cs ?? []) for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  };
  withPorts(spec.containers);
  withPorts(spec.initContainers);
}

function ipsOf(pod: RawPod): string[] {
  const s = pod.status;
  if (s?.podIPs?.length) return s.podIPs.map((p) => p.ip);
  return s?.podIP ? [s.podIP] : [];
}

function setIPs(pod: RawPod, ips: Address[]): void {
  const text = ips.map(formatIP);
  pod.status!.podIP = text[0];
  pod.status!.podIPs = text.map((ip) => ({ ip }));
}

/**
 * Fills in every pod: namespace, name (from generateName), uid, node, dnsPolicy, phase (Running),
 * addresses and the Ready condition. Requested pod IPs are reserved before any is handed out.
 */
export function completePods(pods: RawPod[], alloc: PodIPAllocator, names: NameRegistry): void {
  for (const pod of pods) {
    pod.metadata.namespace = namespaceOf(pod);
    if (!pod.metadata.name) {
      const ns = pod.metadata.namespace;
      pod.metadata.name = names.generate(
        'Pod',
        ns,
        pod.metadata.generateName!,
        `${ns}/${pod.metadata.generateName}`,
      );
    }
    ensureUid(pod);
    for (const ip of ipsOf(pod)) alloc.reserve(ip);
  }
  for (const pod of pods) {
    defaultSpec(pod);
    const spec = pod.spec!;
    const node = spec.nodeName ? alloc.node(spec.nodeName) : alloc.schedule();
    if (spec.nodeName) node.pods++;
    spec.nodeName = node.name;

    pod.status ??= {};
    const status = pod.status;
    status.phase ??= 'Running';
    const given = ipsOf(pod);
    if (given.length) {
      // kubelet writes both fields; a manifest may give either.
      status.podIP ??= given[0];
      status.podIPs ??= given.map((ip) => ({ ip }));
    } else if (spec.hostNetwork) {
      // hostNetwork pods report the node's addresses (kubelet generateAPIPodStatus).
      setIPs(pod, [...node.addresses.values()]);
    } else if (status.phase === 'Running') {
      setIPs(pod, alloc.allocate(node, `pod ${pod.metadata.namespace}/${pod.metadata.name}`));
    }
    if (!status.hostIP) {
      const hostIPs = [...node.addresses.values()].map(formatIP);
      status.hostIP = hostIPs[0];
      status.hostIPs = hostIPs.map((ip) => ({ ip }));
    }
    status.conditions ??= [
      { type: 'Ready', status: status.phase === 'Running' && !podMarkedNotReady(pod) ? 'True' : 'False' },
    ];
  }
}

/** The pod's address of `family`, canonical, if it has one. */
export function podIPOf(pod: RawPod, family: Family): string | undefined {
  for (const text of ipsOf(pod)) {
    const a = parseIP(text);
    if (a?.family === family) return formatIP(a);
  }
  return undefined;
}
