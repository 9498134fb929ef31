/**
 * The local backend: a real CoreDNS binary serving the scenario's Corefile, its `kubernetes`
 * plugin listing and watching the harness's API endpoint, `forward` going to the fake upstream.
 * With root and `ip netns`, CoreDNS runs in a cluster network namespace on the cluster DNS IP and
 * probe pods are namespaces with kubelet's files (network.ts, tools.ts); without, CoreDNS listens
 * on a free loopback port and only wire queries run.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { materialise } from '../../cluster/controlplane.ts';
import type { ClusterOptions } from '../../cluster/options.ts';
import { buildState } from '../../cluster/state.ts';
import type { KubeObject, Pod } from '../../cluster/types.ts';
import { parseCorefile } from '../../corefile/parse.ts';
import { printCorefile } from '../../corefile/print.ts';
import type { Question } from '../../dns/message.ts';
import { podHostname } from '../../oracle/client/hostname.ts';
import { podHostsFile } from '../../oracle/client/hosts.ts';
import { podResolvConf } from '../../oracle/client/resolv.ts';
import type { Tool } from '../../oracle/types.ts';
import { DEFAULT_COREDNS_VERSION } from '../../oracle/versions.ts';
import { askMany, type Server } from '../../probe/wire.ts';
import { onCleanup } from '../../run/cleanup.ts';
import type {
  Backend,
  BackendContext,
  CorefileInForce,
  CorefileSupport,
  LiveState,
  ToolRun,
  WireReply,
} from '../types.ts';
import { ApiServer } from './apiserver.ts';
import { resolveCorednsBinary } from './binary.ts';
import { CorednsProcess, freePort } from './coredns.ts';
import { printedOrigins, rewriteCorefile } from './corefile-rewrite.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import {
  type ClusterNetwork,
  createClusterNetwork,
  netnsCapability,
  type ProbeNamespace,
} from './network.ts';
import { runTool } from './tools.ts';
import { FakeUpstream } from './upstream.ts';

export interface LocalBackendOptions {
  /** `--coredns-binary PATH`: run this binary instead of a cached release. */
  corednsBinary?: string;
  /** Pod-side probes in network namespaces when possible (default), or never (`false`). */
  netns?: boolean;
  /** Every API request, upstream question and CoreDNS log line through `ctx.log`. */
  debug?: boolean;
}

const START_TIMEOUT_MS = 30_000;
const CATCH_UP_TIMEOUT_MS = 15_000;

/** What provision builds; rebuilt whole by the next provision. */
interface Site {
  options: ClusterOptions;
  dir: string;
  api: ApiServer;
  upstream: FakeUpstream;
  kubeconfig: string;
  network: ClusterNetwork | undefined;
  /** Why pod-side probes cannot run, when there is no network. */
  noNetwork: string;
  probes: Map<string, { spec: string; probe: ProbeNamespace }>;
  /** The pods the API holds, by `namespace/name`; rebuilt by apply(). */
  pods: Map<string, Pod>;
}

/** Pods given a probe namespace up front, per step; more are made on first use. */
const EAGER_PROBES = 64;

/** What a pod's probe namespace is made from: its IPs, hostname and kubelet's files. */
function probeSpec(key: string, pod: Pod, options: ClusterOptions) {
  const spec = {
    key,
    ips: pod.podIPs,
    hostname: podHostname(pod, options).kernelHostname,
    resolvConf: podResolvConf(pod, options).text,
    hosts: podHostsFile(pod, options),
  };
  return { spec, fingerprint: JSON.stringify(spec) };
}

export class LocalBackend implements Backend {
  readonly name = 'local' as const;
  private site: Site | undefined;
  private coredns: CorednsProcess | undefined;
  private server: Server | undefined;
  private fileCount = 0;
  private unregisterSite: (() => void) | undefined;
  private unregisterDir: (() => void) | undefined;

  constructor(
    private readonly opts: LocalBackendOptions,
    private readonly ctx: BackendContext,
  ) {}

  private debug = (line: string) => {
    if (this.opts.debug) this.ctx.log(line);
  };

  /** For the run JSON's `backend.details`. */
  details(): Record<string, string> {
    const d: Record<string, string> = {};
    if (this.site) {
      d.api = this.site.api.url;
      d.upstream = this.site.upstream.address;
      d.network = this.site.network?.netns ?? this.site.noNetwork;
    }
    if (this.server) d.dns = `${this.server.address}:${this.server.port}`;
    if (this.coredns?.pid !== undefined) d.corednsPid = String(this.coredns.pid);
    if (this.site) d.dir = this.site.dir;
    return d;
  }

  private need(): Site {
    if (!this.site) throw new Error('local backend: provision() first');
    return this.site;
  }

  async provision(options: ClusterOptions): Promise<void> {
    await this.teardown();
    this.ctx.signal.throwIfAborted();
    const dir = await mkdtemp(join(tmpdir(), 'dnsconform-local-'));
    // Synchronous, so it also happens when the process exits without waiting.
    const unregisterDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    let network: ClusterNetwork | undefined;
    let noNetwork = 'pod-side probes are turned off (netns: false)';
    if (this.opts.netns !== false) {
      const capable = await netnsCapability();
      if (capable.ok) {
        network = await createClusterNetwork({
          clusterDNS: options.clusterDNS,
          podSubnets: options.podSubnets,
        });
      } else noNetwork = `pod-side probes need network namespaces: ${capable.reason}`;
    }
    const host = network?.hostAddress ?? '127.0.0.1';
    const api = await ApiServer.start({ host, log: this.debug });
    const upstream = await FakeUpstream.start({ host, log: this.debug });
    const kubeconfig = await writeKubeconfig(dir, api.url);
    this.site = {
      options,
      dir,
      api,
      upstream,
      kubeconfig,
      network,
      noNetwork,
      probes: new Map(),
      pods: new Map(),
    };
    this.unregisterSite = onCleanup(() => this.teardown());
    this.unregisterDir = unregisterDir;
    this.ctx.log(
      `local: API endpoint ${api.url}, upstream ${upstream.address}${network ? `, cluster network ${network.netns}` : ` (${noNetwork})`}`,
    );
  }

  async setCorefile(
    corefile: string,
    corednsVersion: string | undefined,
    support: CorefileSupport = { files: {}, upstream: [] },
  ): Promise<CorefileInForce> {
    const site = this.need();
    const binary = await resolveCorednsBinary({
      version: corednsVersion ?? DEFAULT_COREDNS_VERSION,
      ...(this.opts.corednsBinary ? { binary: this.opts.corednsBinary } : {}),
      log: this.ctx.log,
      signal: this.ctx.signal,
    });
    const parsed = parseCorefile(corefile, support.file ?? 'Corefile');
    const files = await this.writeFiles(site, support.files);
    site.upstream.setRecords(support.upstream);
    const network = site.network;
    const rewritten = await rewriteCorefile(parsed, {
      bind: network ? network.bindAddresses : ['127.0.0.1'],
      remapPorts: network === undefined,
      sideAddress: network?.clusterAddress ?? '127.0.0.1',
      freePort: () => freePort(),
      kubeconfig: site.kubeconfig,
      upstream: site.upstream.address,
      files,
    });
    const text = printCorefile(rewritten.corefile);
    const origins = printedOrigins(rewritten.corefile);
    const firstBlock = rewritten.corefile.blocks[0];
    const writtenPort = rewritten.ports.has(53) ? 53 : (firstBlock?.keys[0]?.port ?? 53);
    const server: Server = {
      address: network?.clusterAddress ?? '127.0.0.1',
      port: rewritten.ports.get(writtenPort) ?? writtenPort,
    };

    await this.stopCoredns();
    site.api.forgetClients();
    this.ctx.log(`local: starting CoreDNS ${binary.version} on ${server.address}:${server.port}`);
    this.coredns = await CorednsProcess.start({
      binary: binary.path,
      text,
      dir: site.dir,
      ...(network ? { prefix: ['ip', 'netns', 'exec', network.netns] } : {}),
      ...(rewritten.ready ? { ready: rewritten.ready } : {}),
      probe: { ...server, zone: firstBlock?.keys[0]?.zones[0] ?? '.' },
      origin: (line) => {
        const pos = origins[line - 1];
        return pos && { file: pos.file ?? support.file ?? 'Corefile', line: pos.line, col: pos.col };
      },
      timeoutMs: START_TIMEOUT_MS,
      log: this.debug,
      signal: this.ctx.signal,
    });
    this.server = server;
    // CoreDNS plugin/kubernetes/local.go boundIPs: with `bind`, ListenHosts are plain IPs, which
    // net.ParseCIDR rejects, so CoreDNS knows no address of its own (NS answers fall back).
    return { corednsVersion: binary.version, text, rewrites: rewritten.rewrites, serverIPs: [] };
  }

  /** The scenario's files in the run's directory; returns Corefile path → copy. */
  private async writeFiles(site: Site, files: Record<string, string>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const dir = join(site.dir, 'files');
    await mkdir(dir, { recursive: true });
    for (const [path, content] of Object.entries(files)) {
      const copy = join(dir, `${++this.fileCount}-${basename(path)}`);
      await writeFile(copy, content);
      out[path] = copy;
    }
    return out;
  }

  async apply(objects: KubeObject[]): Promise<void> {
    const site = this.need();
    const rv = site.api.setObjects(materialise(objects, site.options));
    site.pods = new Map(buildState(site.api.objects()).pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    if (!this.coredns) return;
    if (!this.coredns.running) throw new Error(`CoreDNS is not running: ${this.coredns.whyStopped()}`);
    await site.api.waitForWatchers(rv, { timeoutMs: CATCH_UP_TIMEOUT_MS, signal: this.ctx.signal });
    if (site.network) await this.syncProbes(site, site.network);
  }

  async readState(): Promise<LiveState> {
    return { objects: this.need().api.objects() };
  }

  async queryWire(questions: Question[], transport: 'udp' | 'tcp'): Promise<WireReply[]> {
    const server = this.server;
    if (!server || !this.coredns) throw new Error('local backend: setCorefile() first');
    const replies = await askMany(server, questions, { transport, signal: this.ctx.signal });
    return replies.map((r) => {
      if ('message' in r) return r.message;
      const state = this.coredns?.running ? '' : `; CoreDNS is not running: ${this.coredns?.whyStopped()}`;
      return {
        error: `no answer from CoreDNS at ${server.address}:${server.port} over ${transport}: ${r.error}${state}`,
      };
    });
  }

  async runTool(pod: string, tool: Tool, name: string, type: string): Promise<ToolRun | { skipped: string }> {
    const site = this.need();
    if (!site.network) return { skipped: site.noNetwork };
    const probe = await this.probeFor(site, site.network, pod);
    if ('skipped' in probe) return probe;
    return runTool(probe, tool, name, type);
  }

  /**
   * Probe namespaces follow the pods, as kubelet's sandboxes would: one per pod with its own IP
   * (up to EAGER_PROBES, so that a ping to a peer reaches a real namespace), rebuilt when the pod's
   * IPs or DNS files change, removed when the pod is gone. hostNetwork pods get theirs on first use.
   */
  private async syncProbes(site: Site, network: ClusterNetwork): Promise<void> {
    for (const [key, known] of site.probes) {
      const pod = site.pods.get(key);
      if (!pod || probeSpec(key, pod, site.options).fingerprint !== known.spec) {
        site.probes.delete(key);
        await network.removeProbe(key);
      }
    }
    const eager = [...site.pods]
      .filter(([, p]) => !p.hostNetwork && p.podIPs.length > 0)
      .slice(0, EAGER_PROBES);
    for (const [key] of eager) await this.probeFor(site, network, key);
  }

  /** The probe namespace of `namespace/name`, from the pod as the API holds it now. */
  private async probeFor(
    site: Site,
    network: ClusterNetwork,
    key: string,
  ): Promise<ProbeNamespace | { skipped: string }> {
    const pod = site.pods.get(key);
    if (!pod) return { skipped: `no pod ${key} in the cluster` };
    if (pod.podIPs.length === 0) return { skipped: `pod ${key} has no IP to probe from` };
    const { spec, fingerprint } = probeSpec(key, pod, site.options);
    const known = site.probes.get(key);
    if (known?.spec === fingerprint) return known.probe;
    if (known) {
      site.probes.delete(key);
      await network.removeProbe(key);
    }
    const probe = await network.addProbe(spec);
    site.probes.set(key, { spec: fingerprint, probe });
    return probe;
  }

  private async stopCoredns(): Promise<void> {
    const p = this.coredns;
    this.coredns = undefined;
    this.server = undefined;
    await p?.stop();
  }

  /** Stops CoreDNS, the servers and the cluster network, removes the files. Safe to call twice. */
  async teardown(): Promise<void> {
    await this.stopCoredns();
    const site = this.site;
    this.site = undefined;
    if (!site) return;
    this.unregisterSite?.();
    await site.network?.destroy();
    await site.api.stop();
    await site.upstream.stop();
    await rm(site.dir, { recursive: true, force: true });
    this.unregisterDir?.();
  }
}

export function createLocalBackend(opts: LocalBackendOptions, ctx: BackendContext): LocalBackend {
  return new LocalBackend(opts, ctx);
}
