/**
 * Network namespaces for the local backend: one cluster namespace where CoreDNS listens on the
 * cluster DNS IP, and one namespace per probe pod with the pod's IP and the resolv.conf and
 * /etc/hosts kubelet would write. Every packet a probe sends stays inside namespaces made here.
 *
 * Topology (run id R = `<pid>r<random>`, so a sweep can tell whose namespaces are stale):
 *
 *   root namespace                 dnsc-R (cluster)                      dnsc-R-<n> (probe pod)
 *   dnscu<slot> 169.254.53.(4s+1)/30 ── uplink 169.254.53.(4s+2)/30
 *                                   br0: cluster DNS IPs (/32, /128)
 *                                        routes: pod subnets dev br0
 *                                   p<n> (bridge port) ─────────────── eth0: pod IPs (/32, /128)
 *                                                                            routes: pod subnets and
 *                                                                            cluster DNS IPs dev eth0
 *
 * - The root namespace only gets the link-local /30 (slot 0 = 169.254.53.1, the next free /30 of
 *   169.254.53.0/24 when a concurrent run holds it). The harness's API server and fake upstream
 *   listen on `hostAddress`; wire queries go to `clusterAddress`, where CoreDNS also listens.
 * - No namespace has a default route: a name that resolves outside the cluster is unreachable.
 * - Probe namespaces hold /32 (/128) addresses with on-link routes, so no gateway address has to be
 *   taken out of the pod subnet; the bridge's cluster DNS IP answers ARP for itself.
 * - `ip netns exec` bind-mounts /etc/netns/<name>/{resolv.conf,hosts} over /etc (ip-netns(8)).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { onCleanup } from '../../run/cleanup.ts';

const exec = promisify(execFile);
const COMMAND_TIMEOUT_MS = 10_000;
const NETNS_ETC = '/etc/netns';
const UPLINK_PREFIX = '169.254.53.';
const UPLINK_SLOTS = 64;
/** `dnsc-<pid>r<random>` or `dnsc-<pid>r<random>-<n>`. */
const OWNED_NAME = /^dnsc-(\d+)r[0-9a-z]+(?:-\d+)?$/;

/** Locally administered unicast (the 0x02 bit), unique within our own namespace. */
const BRIDGE_MAC = '02:64:6e:73:63:01';

export type NetnsCapability = { ok: true } | { ok: false; reason: string };

async function run(args: string[]): Promise<string> {
  const [cmd, ...rest] = args as [string, ...string[]];
  const { stdout } = await exec(cmd, rest, { timeout: COMMAND_TIMEOUT_MS });
  return stdout;
}

/** `ip` fails with a message naming what went wrong; keep it for the error. */
async function ip(...args: string[]): Promise<string> {
  try {
    return await run(['ip', ...args]);
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`);
  }
}

let capability: Promise<NetnsCapability> | undefined;

/** Root and a working `ip netns` (checked by creating and deleting a namespace), or why not. */
export function netnsCapability(): Promise<NetnsCapability> {
  capability ??= (async (): Promise<NetnsCapability> => {
    if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces need Linux' };
    if (process.getuid?.() !== 0) {
      return { ok: false, reason: 'network namespaces need root (run as root to enable pod-side probes)' };
    }
    const name = `dnsc-${process.pid}rcap`;
    try {
      await ip('netns', 'add', name);
      await ip('netns', 'del', name);
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: `ip netns does not work here: ${(e as Error).message}` };
    }
  })();
  return capability;
}

function isIPv6(address: string): boolean {
  return address.includes(':');
}

function hostRoute(address: string): string {
  return isIPv6(address) ? `${address}/128` : `${address}/32`;
}

function familyFlag(address: string): string {
  return isIPv6(address) ? '-6' : '-4';
}

export interface ClusterNetworkOptions {
  /** Where CoreDNS serves the pods: kubelet's clusterDNS IPs. */
  clusterDNS: string[];
  /** Pod subnets (CIDRs) routed between the bridge and the probe namespaces. */
  podSubnets: string[];
}

export interface ProbeSpec {
  /** `namespace/name` of the probe pod. */
  key: string;
  /** The pod's IPs (status.podIPs). */
  ips: string[];
  /** UTS hostname the pod's processes see (hostname.ts). */
  hostname: string;
  /** Text of /etc/resolv.conf (resolv.ts). */
  resolvConf: string;
  /** Text of /etc/hosts (hosts.ts); undefined leaves the machine's /etc/hosts visible. */
  hosts: string | undefined;
}

export interface ProbeNamespace {
  key: string;
  /** The netns name for `ip netns exec`. */
  netns: string;
  ips: string[];
  hostname: string;
  /** The network it belongs to: the ping guard asks it which addresses are ours. */
  network: { ownsAddress(address: string): boolean };
}

export class ClusterNetwork {
  readonly probes = new Map<string, ProbeNamespace>();
  private destroyed = false;
  private nextProbe = 1;

  constructor(
    readonly runId: string,
    /** The cluster namespace: start CoreDNS in it with `ip netns exec <netns>`. */
    readonly netns: string,
    /** Root side of the uplink: the harness's API server and fake upstream listen here. */
    readonly hostAddress: string,
    /** Cluster side of the uplink: CoreDNS listens here too; wire queries go here. */
    readonly clusterAddress: string,
    /** Cluster DNS IPs on the bridge: CoreDNS listens here for the probe pods. */
    readonly dnsAddresses: string[],
    readonly podSubnets: string[],
    /** Root-side veth name (`dnscu<slot>`). */
    readonly uplink: string,
  ) {}

  /** Every address CoreDNS should bind in the cluster namespace. */
  get bindAddresses(): string[] {
    return [this.clusterAddress, ...this.dnsAddresses];
  }

  /** True for an address held by one of this run's probe namespaces. */
  ownsAddress(address: string): boolean {
    for (const probe of this.probes.values()) if (probe.ips.includes(address)) return true;
    return false;
  }

  async addProbe(spec: ProbeSpec): Promise<ProbeNamespace> {
    if (this.destroyed) throw new Error('the cluster network was destroyed');
    if (this.probes.has(spec.key)) throw new Error(`probe ${spec.key} already has a namespace`);
    const n = this.nextProbe++;
    const netns = `${this.netns}-${n}`;
    const port = `p${n}`;
    const probe: ProbeNamespace = {
      key: spec.key,
      netns,
      ips: [...spec.ips],
      hostname: spec.hostname,
      network: this,
    };
    this.probes.set(spec.key, probe);
    await writeEtc(netns, spec);
    await ip('netns', 'add', netns);
    await ip('-n', this.netns, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns);
    await ip('-n', this.netns, 'link', 'set', port, 'master', 'br0', 'up');
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    await ip('-n', netns, 'link', 'set', 'eth0', 'up');
    for (const address of spec.ips) {
      const extra = isIPv6(address) ? ['nodad'] : [];
      await ip('-n', netns, 'addr', 'add', hostRoute(address), 'dev', 'eth0', ...extra);
    }
    const families = new Set(spec.ips.map(isIPv6));
    for (const subnet of this.podSubnets.filter((s) => families.has(isIPv6(s)))) {
      await ip('-n', netns, familyFlag(subnet), 'route', 'add', subnet, 'dev', 'eth0');
    }
    for (const dns of this.dnsAddresses.filter((a) => families.has(isIPv6(a)))) {
      await ip('-n', netns, familyFlag(dns), 'route', 'add', hostRoute(dns), 'dev', 'eth0');
    }
    return probe;
  }

  /** Removes one probe namespace (its pod changed or is gone); its key may be added again. */
  async removeProbe(key: string): Promise<void> {
    const probe = this.probes.get(key);
    if (!probe) return;
    this.probes.delete(key);
    await removeNamespace(probe.netns);
  }

  /** Removes every namespace, veth, route and /etc/netns entry of this run. Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    const names = [...[...this.probes.values()].map((p) => p.netns), this.netns];
    for (const name of names) await removeNamespace(name);
    // The root end dies with its peer; delete it explicitly in case a process kept the peer alive.
    await ip('link', 'del', this.uplink).catch(() => undefined);
  }
}

async function writeEtc(netns: string, spec: ProbeSpec): Promise<void> {
  const dir = `${NETNS_ETC}/${netns}`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/resolv.conf`, spec.resolvConf);
  if (spec.hosts !== undefined) await writeFile(`${dir}/hosts`, spec.hosts);
}

/** Root-namespace veths whose peer lives in `netns` (`ip -o link` shows `link-netns <name>`). */
async function rootLinksInto(netns: string): Promise<string[]> {
  const links = await ip('-o', 'link', 'show', 'type', 'veth').catch(() => '');
  return links
    .split('\n')
    .filter(
      (l) => l.split(/\s+/).join(' ').includes(` link-netns ${netns} `) || l.endsWith(` link-netns ${netns}`),
    )
    .map((l) => /^\d+: ([^@:]+)/.exec(l)?.[1] ?? '')
    .filter(Boolean);
}

/**
 * Ends the processes still inside a namespace of ours (CoreDNS, a tool), removes the root end of
 * any veth into it (the kernel would, but only once the namespace is torn down, asynchronously),
 * then the namespace and its /etc/netns directory.
 */
async function removeNamespace(name: string): Promise<void> {
  const pids = (await ip('netns', 'pids', name).catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const link of await rootLinksInto(name)) await ip('link', 'del', link).catch(() => undefined);
  await ip('netns', 'del', name).catch(() => undefined);
  await rm(`${NETNS_ETC}/${name}`, { recursive: true, force: true });
}

/** Claims the first free uplink slot: creating the veth `dnscu<slot>` is atomic and fails if taken. */
async function claimUplink(netns: string): Promise<{ name: string; slot: number }> {
  for (let slot = 0; slot < UPLINK_SLOTS; slot++) {
    const name = `dnscu${slot}`;
    try {
      await ip('link', 'add', name, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', netns);
      return { name, slot };
    } catch (e) {
      if (!/exists/i.test((e as Error).message)) throw e;
    }
  }
  throw new Error(
    `all ${UPLINK_SLOTS} uplinks in ${UPLINK_PREFIX}0/24 are taken: run sweepStaleNamespaces()`,
  );
}

/** Builds the cluster namespace and its uplink; destroyed on `destroy()` and on SIGINT/SIGTERM. */
export async function createClusterNetwork(options: ClusterNetworkOptions): Promise<ClusterNetwork> {
  const capable = await netnsCapability();
  if (!capable.ok) throw new Error(capable.reason);
  const runId = `${process.pid}r${randomBytes(3).toString('hex')}`;
  const netns = `dnsc-${runId}`;
  await ip('netns', 'add', netns);
  let uplink = '';
  const cleanupEarly = async () => {
    await removeNamespace(netns);
    if (uplink) await ip('link', 'del', uplink).catch(() => undefined);
  };
  try {
    const claimed = await claimUplink(netns);
    uplink = claimed.name;
    const hostAddress = `${UPLINK_PREFIX}${4 * claimed.slot + 1}`;
    const clusterAddress = `${UPLINK_PREFIX}${4 * claimed.slot + 2}`;
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', uplink);
    await ip('link', 'set', uplink, 'up');
    await ip('-n', netns, 'link', 'set', 'lo', 'up');
    await ip('-n', netns, 'addr', 'add', `${clusterAddress}/30`, 'dev', 'uplink');
    await ip('-n', netns, 'link', 'set', 'uplink', 'up');
    // A fixed address: a bridge otherwise takes the lowest MAC of its ports, which a new probe can
    // change — older probes then hold a stale neighbour entry for the cluster DNS IP and time out.
    await ip('-n', netns, 'link', 'add', 'br0', 'address', BRIDGE_MAC, 'type', 'bridge');
    await ip('-n', netns, 'link', 'set', 'br0', 'up');
    for (const dns of options.clusterDNS) {
      const extra = isIPv6(dns) ? ['nodad'] : [];
      await ip('-n', netns, 'addr', 'add', hostRoute(dns), 'dev', 'br0', ...extra);
    }
    for (const subnet of options.podSubnets) {
      await ip('-n', netns, familyFlag(subnet), 'route', 'add', subnet, 'dev', 'br0');
    }
    const network = new ClusterNetwork(
      runId,
      netns,
      hostAddress,
      clusterAddress,
      [...options.clusterDNS],
      [...options.podSubnets],
      uplink,
    );
    onCleanup(() => network.destroy());
    return network;
  } catch (e) {
    await cleanupEarly();
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes leftovers of runs whose process is gone (killed with SIGKILL, crashed): namespaces named
 * `dnsc-<pid>r…` and their /etc/netns directories. Returns the names removed.
 */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const listed = (await ip('netns', 'list').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter(Boolean);
  const etc = await readdir(NETNS_ETC).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of new Set([...listed, ...etc])) {
    const owner = OWNED_NAME.exec(name)?.[1];
    if (owner === undefined || processAlive(Number(owner))) continue;
    await removeNamespace(name);
    removed.push(name);
  }
  return removed;
}
