/**
 * The kind backend: a throwaway cluster per set of cluster options (named from a hash of its
 * kind config, so scenarios and Corefile variants with the same options share it), probe images
 * loaded from the local Docker engine when present, then the shared Kubernetes session
 * (src/backends/kube/session.ts). On failure `kind export logs` goes to the report directory;
 * on every exit path the clusters this run created are deleted (unless --keep).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterOptions } from '../../cluster/options.ts';
import type { KubeObject } from '../../cluster/types.ts';
import type { Question } from '../../dns/message.ts';
import { EnvironmentError } from '../../errors.ts';
import type { Tool } from '../../oracle/types.ts';
import { onCleanup } from '../../run/cleanup.ts';
import { KubeClient } from '../kube/client.ts';
import { waitRolledOut } from '../kube/coredns.ts';
import type { ToolRequest, ToolResult } from '../kube/exec.ts';
import { Kubectl } from '../kube/kubectl.ts';
import { IDENTITY_MAPPING } from '../kube/namespaces.ts';
import { DEFAULT_PROBE_IMAGES, type ProbeImages } from '../kube/probes.ts';
import { KubeSession } from '../kube/session.ts';
import type { Backend, BackendContext, CorefileInForce, LiveState, ToolRun, WireReply } from '../types.ts';
import { cacheDir, checkDocker, dockerHasImage, ensureKind, lastLine, runCommand } from './cli.ts';
import { clusterName, DEFAULT_NODE_IMAGE, kindConfigYAML } from './config.ts';

export interface KindBackendOptions {
  /** `--node-image`; kind v0.32.0's default when absent. */
  nodeImage?: string;
  /** `--keep`: leave the clusters for the next run (they are reused when the options match). */
  keep?: boolean;
  /** Where `kind export logs` writes when something fails. */
  reportDir?: string;
  probeImages?: ProbeImages;
  /** The static musl resolver client copied into probe pods. */
  muslClient?: string;
  timeouts?: Partial<KindTimeouts>;
}

export interface KindTimeouts {
  /** kind create cluster, node image pull included. */
  createMs: number;
  /** Pods running, EndpointSlices settled (probe image pulls included). */
  settleMs: number;
  /** CoreDNS rollout after a Corefile swap. */
  corednsMs: number;
}

const DEFAULT_TIMEOUTS: KindTimeouts = { createMs: 600_000, settleMs: 300_000, corednsMs: 120_000 };
/** The namespace of the wire probe pod on kind clusters (kept with the cluster). */
export const WIRE_NAMESPACE = 'dnsconform-system';

interface Cluster {
  name: string;
  kubeconfig: string;
  /** Created by this run (so this run deletes it, unless --keep). */
  created: boolean;
  session?: KubeSession;
}

export class KindBackend implements Backend {
  readonly name = 'kind' as const;
  private kind = 'kind';
  private cluster: Cluster | undefined;
  private logsExported = false;
  private readonly timeouts: KindTimeouts;

  constructor(
    private readonly opts: KindBackendOptions,
    private readonly ctx: BackendContext,
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    onCleanup(() => this.teardown());
  }

  get nodeImage(): string {
    return this.opts.nodeImage ?? DEFAULT_NODE_IMAGE;
  }

  /** Details for the run JSON's `backend.details`. */
  details(): Record<string, string> {
    return {
      nodeImage: this.nodeImage,
      ...(this.cluster ? { cluster: this.cluster.name, context: `kind-${this.cluster.name}` } : {}),
    };
  }

  private run(args: string[], timeoutMs: number, signal = this.ctx.signal) {
    return runCommand(this.kind, args, { signal, timeoutMs });
  }

  async provision(options: ClusterOptions): Promise<void> {
    const config = kindConfigYAML(options, this.nodeImage);
    const name = clusterName(config);
    if (this.cluster?.name === name) {
      this.ctx.log(`kind: reusing cluster ${name}`);
      return;
    }
    await checkDocker(this.ctx.signal);
    this.kind = await ensureKind(this.ctx.signal, this.ctx.log);
    if (this.cluster) await this.retire(this.cluster);

    const dir = join(cacheDir(), 'kind');
    await mkdir(dir, { recursive: true });
    const configFile = join(dir, `${name}.yaml`);
    const kubeconfig = join(dir, `${name}.kubeconfig`);
    await writeFile(configFile, config);

    const existing = await this.run(['get', 'clusters'], 60_000);
    if (existing.exitCode !== 0) {
      throw new EnvironmentError(
        `kind get clusters failed: ${lastLine(existing.stderr) || `exit ${existing.exitCode}`}`,
      );
    }
    const cluster: Cluster = { name, kubeconfig, created: false };
    if (existing.stdout.split('\n').some((l) => l.trim() === name)) {
      this.ctx.log(`kind: reusing cluster ${name} from an earlier run`);
      const kc = await this.run(['get', 'kubeconfig', '--name', name], 60_000);
      if (kc.exitCode !== 0)
        throw new EnvironmentError(`kind get kubeconfig --name ${name} failed: ${lastLine(kc.stderr)}`);
      await writeFile(kubeconfig, kc.stdout, { mode: 0o600 });
      this.cluster = cluster;
    } else {
      this.ctx.log(`kind: creating cluster ${name} (${this.nodeImage})`);
      // Ours from the first moment: an interrupt while kind runs still deletes what it made.
      cluster.created = true;
      this.cluster = cluster;
      const created = await this.run(
        [
          'create',
          'cluster',
          '--name',
          name,
          '--config',
          configFile,
          '--kubeconfig',
          kubeconfig,
          '--retain',
          '--wait',
          '120s',
        ],
        this.timeouts.createMs,
      );
      if (created.exitCode !== 0) {
        const logs = await this.exportLogs();
        await this.deleteCluster(cluster);
        this.cluster = undefined;
        throw new EnvironmentError(
          `kind create cluster failed: ${lastLine(created.stderr) || `exit ${created.exitCode}`}${logs ? ` (logs: ${logs})` : ''}`,
        );
      }
    }
    await this.guard(async () => {
      await this.loadImages(name);
      const target = { kubeconfig, context: `kind-${name}` };
      const client = KubeClient.load(target, this.ctx.signal);
      await waitRolledOut(client, {
        timeoutMs: this.timeouts.corednsMs,
        signal: this.ctx.signal,
        log: this.ctx.log,
      });
      cluster.session = new KubeSession({
        client,
        kubectl: new Kubectl(target, this.ctx.signal),
        mapping: IDENTITY_MAPPING,
        images: this.opts.probeImages ?? DEFAULT_PROBE_IMAGES,
        ctx: this.ctx,
        wireNamespace: WIRE_NAMESPACE,
        namespaceLabels: {},
        allowCorefileChange: true,
        allowImageChange: true,
        settleTimeoutMs: this.timeouts.settleMs,
        corednsTimeoutMs: this.timeouts.corednsMs,
        muslClient: this.opts.muslClient ?? join(cacheDir(), 'musl', 'dnsc-resolve'),
      });
    });
  }

  /** Offline use: probe images present in the local engine are copied into the nodes. */
  private async loadImages(name: string): Promise<void> {
    const images = this.opts.probeImages ?? DEFAULT_PROBE_IMAGES;
    for (const image of [images.glibc, images.musl]) {
      if (!(await dockerHasImage(image, this.ctx.signal))) continue;
      this.ctx.log(`kind: loading ${image} into ${name}`);
      const r = await this.run(['load', 'docker-image', image, '--name', name], 600_000);
      if (r.exitCode !== 0)
        this.ctx.log(`kind: loading ${image} failed (${lastLine(r.stderr)}); the node will pull it`);
    }
  }

  private session(): KubeSession {
    const s = this.cluster?.session;
    if (!s) throw new Error('kind backend: provision() first');
    return s;
  }

  /** On a failure (not an interrupt) the cluster's logs go to the report directory, once. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!this.ctx.signal.aborted) await this.exportLogs();
      throw e;
    }
  }

  /** `kind export logs` into <report>/kind-logs/<cluster>; the directory, or undefined. */
  private async exportLogs(): Promise<string | undefined> {
    if (!this.opts.reportDir || !this.cluster || this.logsExported) return undefined;
    this.logsExported = true;
    const dir = join(this.opts.reportDir, 'kind-logs', this.cluster.name);
    await mkdir(dir, { recursive: true });
    const r = await this.run(
      ['export', 'logs', dir, '--name', this.cluster.name],
      300_000,
      AbortSignal.timeout(300_000),
    );
    if (r.exitCode !== 0) {
      this.ctx.log(`kind: export logs failed: ${lastLine(r.stderr)}`);
      return undefined;
    }
    this.ctx.log(`kind: cluster logs in ${dir}`);
    return dir;
  }

  setCorefile(corefile: string, corednsVersion: string | undefined): Promise<CorefileInForce> {
    return this.guard(() => this.session().setCorefile(corefile, corednsVersion));
  }

  apply(objects: KubeObject[]): Promise<void> {
    return this.guard(() => this.session().apply(objects));
  }

  readState(): Promise<LiveState> {
    return this.session().readState();
  }

  queryWire(questions: Question[], transport: 'udp' | 'tcp'): Promise<WireReply[]> {
    return this.session().queryWire(questions, transport);
  }

  async runTool(pod: string, tool: Tool, name: string, type: string): Promise<ToolRun | { skipped: string }> {
    const [r] = await this.runTools(pod, [{ tool, name, type }]);
    return r as ToolResult;
  }

  /** Many tools in one probe pod, one kubectl exec per container. */
  runTools(pod: string, requests: ToolRequest[]): Promise<ToolResult[]> {
    return this.session().runTools(pod, requests);
  }

  private async deleteCluster(cluster: Cluster): Promise<void> {
    this.ctx.log(`kind: deleting cluster ${cluster.name}`);
    const r = await this.run(
      ['delete', 'cluster', '--name', cluster.name, '--kubeconfig', cluster.kubeconfig],
      300_000,
      AbortSignal.timeout(300_000),
    );
    if (r.exitCode !== 0) {
      this.ctx.log(
        `kind: deleting ${cluster.name} failed (${lastLine(r.stderr)}); remove it with: kind delete cluster --name ${cluster.name}`,
      );
    }
    await rm(cluster.kubeconfig, { force: true });
  }

  /** Leaves a cluster: deleted when this run made it (and no --keep), else emptied of the run's objects. */
  private async retire(cluster: Cluster): Promise<void> {
    if (cluster.created && !this.opts.keep) {
      await this.deleteCluster(cluster);
      return;
    }
    await cluster.session?.clear();
    this.ctx.log(
      `kind: keeping cluster ${cluster.name} (delete with: kind delete cluster --name ${cluster.name})`,
    );
  }

  async teardown(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = undefined;
    if (cluster) await this.retire(cluster);
  }
}

export function createKindBackend(opts: KindBackendOptions, ctx: BackendContext): KindBackend {
  return new KindBackend(opts, ctx);
}
