/**
 * Address allocation: Service ClusterIPs (the API server's service IP allocator) and pod IPs
 * (the node's IPAM), made deterministic. Real clusters pick ClusterIPs at random and spread pods
 * over nodes by scheduling; the model hands addresses out in order, so predictions from
 * manifests are reproducible. Runs against a live cluster predict from the objects read back,
 * so these choices never decide a DNS verdict.
 */
import { InputError } from '../errors.ts';
import {
  type Address,
  type Cidr,
  cidrContains,
  cidrSize,
  type Family,
  formatCIDR,
  formatIP,
  nthAddress,
  parseCIDR,
  parseIP,
  subCidr,
} from './ip.ts';
import type { ClusterOptions } from './options.ts';

/** The cluster's address plan, parsed from ClusterOptions. */
export interface Network {
  /** Families in preference order (the first service subnet's family is the default). */
  families: Family[];
  serviceCidrs: Map<Family, Cidr>;
  podCidrs: Map<Family, Cidr>;
  dnsIPs: Address[];
}

function optionError(message: string): InputError {
  return new InputError(`cluster options: ${message}`);
}

export function clusterNetwork(options: ClusterOptions): Network {
  const parse = (list: string[], field: string) => {
    const out = new Map<Family, Cidr>();
    list.forEach((text, i) => {
      const c = parseCIDR(text);
      if (!c) throw optionError(`${field}[${i}] ${JSON.stringify(text)} is not a CIDR`);
      if (out.has(c.family))
        throw optionError(`${field} lists two IPv${c.family} ranges; give one per family`);
      out.set(c.family, c);
    });
    if (out.size === 0) throw optionError(`${field} is empty`);
    return out;
  };
  const serviceCidrs = parse(options.serviceSubnets, 'serviceSubnets');
  const podCidrs = parse(options.podSubnets, 'podSubnets');
  const families = [...serviceCidrs.keys()];
  const want: Family[] = options.ipFamily === 'dual' ? [4, 6] : options.ipFamily === 'ipv6' ? [6] : [4];
  for (const [field, ranges] of [
    ['serviceSubnets', serviceCidrs],
    ['podSubnets', podCidrs],
  ] as const) {
    const got = [...ranges.keys()];
    const fits = options.ipFamily === 'dual' ? got.length === 2 : got.length === 1 && got[0] === want[0];
    if (!fits) {
      throw optionError(
        `ipFamily ${options.ipFamily} needs ${options.ipFamily === 'dual' ? 'one IPv4 and one IPv6 range' : `one IPv${want[0]} range`} in ${field}`,
      );
    }
  }
  const dnsIPs = options.clusterDNS.map((text, i) => {
    const a = parseIP(text);
    if (!a) throw optionError(`clusterDNS[${i}] ${JSON.stringify(text)} is not an IP address`);
    const range = serviceCidrs.get(a.family);
    if (!range || !cidrContains(range, a)) {
      throw optionError(
        `clusterDNS[${i}] ${text} is outside the service subnets (${options.serviceSubnets.join(', ')})`,
      );
    }
    return a;
  });
  return { families, serviceCidrs, podCidrs, dnsIPs };
}

/**
 * The `kubernetes` Service's ClusterIP: the first address of the first service range
 * (kubernetes pkg/controlplane/services.go ServiceIPRange: "the first IP in the range").
 */
export function apiServiceIP(net: Network): Address {
  const cidr = net.serviceCidrs.get(net.families[0]!)!;
  return nthAddress(cidr, 1n);
}

/**
 * Service ClusterIPs. Requested addresses are checked as the allocator does (inside the range,
 * not in use: pkg/registry/core/service/ipallocator Allocate → ErrNotInRange/ErrAllocated).
 * Others are handed out in order from the 2nd address, skipping the DNS Service IP. (The real
 * allocator draws at random, preferring the upper part of the range — KEP-3070.)
 */
export class ServiceIPAllocator {
  private readonly used = new Map<string, string>();
  private readonly next = new Map<Family, bigint>();

  constructor(private readonly net: Network) {
    for (const f of net.families) this.next.set(f, 2n);
  }

  /** Claims `ip` for `owner`; returns an error message when it cannot. */
  claim(ip: Address, owner: string, checkRange: boolean): string | undefined {
    const text = formatIP(ip);
    const range = this.net.serviceCidrs.get(ip.family);
    if (checkRange) {
      if (!range) return `ClusterIP ${text}: this cluster has no IPv${ip.family} service range`;
      if (!cidrContains(range, ip) || ip.value === range.base) {
        return `ClusterIP ${text} is not in the service range ${formatCIDR(range)}`;
      }
    }
    const holder = this.used.get(text);
    if (holder !== undefined && holder !== owner)
      return `ClusterIP ${text} is already allocated to ${holder}`;
    this.used.set(text, owner);
    return undefined;
  }

  allocate(family: Family, owner: string): Address {
    const range = this.net.serviceCidrs.get(family)!;
    // IPv4 ranges lose the broadcast address too (ipallocator: "the last IP is reserved").
    const last = cidrSize(range) - (family === 4 ? 2n : 1n);
    for (let off = this.next.get(family)!; off <= last; off++) {
      const a = nthAddress(range, off);
      const text = formatIP(a);
      if (this.used.has(text) || this.net.dnsIPs.some((d) => d.family === family && d.value === a.value))
        continue;
      this.used.set(text, owner);
      this.next.set(family, off + 1n);
      return a;
    }
    throw new InputError(`the service range ${formatCIDR(range)} is full; cannot give ${owner} a ClusterIP`);
  }
}

/**
 * kind's nodes as the model sees them: node i gets the i-th /24 (IPv4) or /64 (IPv6) of each pod
 * subnet as its podCIDR (kube-controller-manager range allocator, --node-cidr-mask-size defaults
 * 24 and 64), and the node address 172.18.0.(2+i) / fc00:f853:ccd:e793::(2+i) on kind's docker
 * network (kind pkg/cluster/internal/providers/docker/network.go: fixed IPv6 ULA; IPv4 is
 * docker's first free /16, 172.18.0.0/16 on a fresh host). Names follow kind's:
 * kind-control-plane, kind-worker, kind-worker2, …
 */
export interface Node {
  name: string;
  index: number;
  podCidrs: Map<Family, Cidr>;
  addresses: Map<Family, Address>;
  /**
   * Next host offset inside each podCIDR. kindnet's host-local IPAM starts after the gateway
   * (.1), so pods get .2, .3, … (containernetworking/plugins host-local allocator/range.go).
   */
  next: Map<Family, bigint>;
  pods: number;
}

const NODE_NETWORK: Record<Family, Cidr> = {
  4: parseCIDR('172.18.0.0/16')!,
  6: parseCIDR('fc00:f853:ccd:e793::/64')!,
};

/** kubelet --max-pods default: where the model stops placing pods on a node. */
export const MAX_PODS_PER_NODE = 110;

export function kindNodeName(index: number): string {
  if (index === 0) return 'kind-control-plane';
  return index === 1 ? 'kind-worker' : `kind-worker${index}`;
}

/**
 * Pod IPs from per-node podCIDRs. Requested addresses (status.podIP(s)) are reserved first; a pod
 * without a node goes to the first node with room (scheduling is not modelled beyond that).
 */
export class PodIPAllocator {
  private readonly nodes = new Map<string, Node>();
  private readonly used = new Set<string>();
  private autoIndex = 0;

  constructor(private readonly net: Network) {}

  node(name: string): Node {
    let n = this.nodes.get(name);
    if (!n) {
      const index = this.nodes.size;
      for (const [f, c] of this.net.podCidrs) {
        const room = 2 ** Math.max(0, (f === 4 ? 24 : 64) - c.prefix);
        if (index >= room) {
          throw new InputError(
            `the pod subnet ${formatCIDR(c)} has room for ${room} nodes; node ${name} would be one too many`,
          );
        }
      }
      const podCidrs = new Map<Family, Cidr>();
      const addresses = new Map<Family, Address>();
      for (const [f, c] of this.net.podCidrs) {
        podCidrs.set(f, subCidr(c, Math.max(c.prefix, f === 4 ? 24 : 64), index));
        addresses.set(f, nthAddress(NODE_NETWORK[f], BigInt(2 + index)));
      }
      n = {
        name,
        index,
        podCidrs,
        addresses,
        next: new Map([...podCidrs.keys()].map((f) => [f, 2n])),
        pods: 0,
      };
      this.nodes.set(name, n);
    }
    return n;
  }

  /** The node for a pod that names none: the first auto-named node with room. */
  schedule(): Node {
    for (;;) {
      const n = this.node(kindNodeName(this.autoIndex));
      if (n.pods < MAX_PODS_PER_NODE) {
        n.pods++;
        return n;
      }
      this.autoIndex++;
    }
  }

  reserve(ip: string): void {
    this.used.add(ip);
  }

  /** One address per cluster family for a pod on `node`, primary family first. */
  allocate(node: Node, owner: string): Address[] {
    const out: Address[] = [];
    for (const [f, cidr] of node.podCidrs) {
      const last = cidrSize(cidr) - (f === 4 ? 2n : 1n);
      let a: Address | undefined;
      for (let off = node.next.get(f)!; off <= last; off++) {
        const candidate = nthAddress(cidr, off);
        if (!this.used.has(formatIP(candidate))) {
          a = candidate;
          node.next.set(f, off + 1n);
          break;
        }
      }
      if (!a)
        throw new InputError(
          `node ${node.name}'s pod range ${formatCIDR(cidr)} is full; cannot start ${owner}`,
        );
      this.used.add(formatIP(a));
      out.push(a);
    }
    return out;
  }
}
