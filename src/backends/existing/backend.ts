/**
 * The existing backend: any kubeconfig context, used with care.
 *
 * - It refuses a context that is not a dnsconform kind cluster (`kind-dnsconform-<hash>`) unless
 *   the user passes --allow-foreign-cluster, before sending a single request.
 * - Read-only by default: the run predicts against the cluster's own Corefile and CoreDNS
 *   version. With --allow-corefile-change the scenario's Corefile is swapped in; the original is
 *   first written to the report directory and is restored on every exit path (success, failure,
 *   Ctrl-C).
 * - Scenario objects go into scratch namespaces `dnsconform-<run>-<namespace>` labelled
 *   `dnsconform.io/run=<run>` (names mapped as namespaces.ts describes), deleted afterwards on
 *   every exit path. The CoreDNS image is never changed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterOptions } from '../../cluster/options.ts';
import type { KubeObject } from '../../cluster/types.ts';
import type { Question } from '../../dns/message.ts';
import { EnvironmentError } from '../../errors.ts';
import type { Tool } from '../../oracle/types.ts';
import { onCleanup } from '../../run/cleanup.ts';
import { cacheDir } from '../kind/cli.ts';
import { isDnsconformContext } from '../kind/config.ts';
import { KubeClient, type KubeTarget } from '../kube/client.ts';
import { readCorednsVersion, readCorefile } from '../kube/coredns.ts';
import type { ToolRequest, ToolResult } from '../kube/exec.ts';
import { Kubectl } from '../kube/kubectl.ts';
import { RUN_LABEL, ScratchMapping } from '../kube/namespaces.ts';
import { DEFAULT_PROBE_IMAGES, type ProbeImages } from '../kube/probes.ts';
import { KubeSession } from '../kube/session.ts';
import type { Backend, BackendContext, CorefileInForce, LiveState, ToolRun, WireReply } from '../types.ts';

export interface ExistingBackendOptions extends KubeTarget {
  /** --allow-corefile-change: swap in the scenario's Corefile (restored afterwards). */
  allowCorefileChange?: boolean;
  /** --allow-foreign-cluster: use a context that is not a dnsconform kind cluster. */
  allowForeignCluster?: boolean;
  /** Where the original Corefile is backed up (else the dnsconform cache). */
  reportDir?: string;
  probeImages?: ProbeImages;
  muslClient?: string;
  timeouts?: { settleMs?: number; corednsMs?: number };
}

export class ExistingBackend implements Backend {
  readonly name = 'existing' as const;
  readonly runId = randomBytes(3).toString('hex');
  private session: KubeSession | undefined;
  private client: KubeClient | undefined;
  private mapping = new ScratchMapping(this.runId);
  private backupDir: string | undefined;
  private tornDown = false;

  constructor(
    private readonly opts: ExistingBackendOptions,
    private readonly ctx: BackendContext,
  ) {
    onCleanup(() => this.teardown());
  }

  details(): Record<string, string> {
    return {
      context: this.client?.context ?? this.opts.context ?? '',
      server: this.client?.server ?? '',
      corefile: this.opts.allowCorefileChange
        ? 'scenario (swapped, restored afterwards)'
        : "cluster's own (read-only)",
      namespaces: this.mapping
        .entries()
        .map(([s, c]) => `${s}→${c}`)
        .join(', '),
    };
  }

  async provision(_options: ClusterOptions): Promise<void> {
    if (this.session) return;
    const client = KubeClient.load(this.opts, this.ctx.signal);
    if (!this.opts.allowForeignCluster && !isDnsconformContext(client.context)) {
      throw new EnvironmentError(
        `context '${client.context}' is not a dnsconform kind cluster (kind-dnsconform-*): dnsconform would create namespaces${
          this.opts.allowCorefileChange ? ' and change the CoreDNS Corefile' : ''
        } there; pass --allow-foreign-cluster to allow it`,
      );
    }
    this.client = client;
    const version = await client.get<{ gitVersion?: string }>('/version');
    const corefile = await readCorefile(client);
    const coredns = await readCorednsVersion(client);
    this.ctx.log(
      `existing: context ${client.context} (${client.server}, Kubernetes ${version.gitVersion ?? '?'}, CoreDNS ${coredns}, Corefile ${corefile.text.length} bytes); run ${this.runId}`,
    );
    const target: KubeTarget = { kubeconfig: this.opts.kubeconfig, context: client.context };
    this.session = new KubeSession({
      client,
      kubectl: new Kubectl(target, this.ctx.signal),
      mapping: this.mapping,
      images: this.opts.probeImages ?? DEFAULT_PROBE_IMAGES,
      ctx: this.ctx,
      wireNamespace: `dnsconform-${this.runId}`,
      namespaceLabels: { [RUN_LABEL]: this.runId },
      allowCorefileChange: this.opts.allowCorefileChange ?? false,
      allowImageChange: false,
      beforeFirstChange: (original) => this.backup(original.corefile),
      settleTimeoutMs: this.opts.timeouts?.settleMs ?? 300_000,
      corednsTimeoutMs: this.opts.timeouts?.corednsMs ?? 120_000,
      muslClient: this.opts.muslClient ?? join(cacheDir(), 'musl', 'dnsc-resolve'),
    });
  }

  /** The original Corefile, on disk before anything changes. */
  private async backup(corefile: string): Promise<void> {
    const context = this.client?.context ?? 'cluster';
    const dir = this.opts.reportDir
      ? join(this.opts.reportDir, 'coredns-backup')
      : join(cacheDir(), 'backups', `${context.replace(/[^A-Za-z0-9_.-]/g, '_')}-${this.runId}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'Corefile'), corefile);
    this.backupDir = dir;
    this.ctx.log(`existing: original Corefile backed up to ${join(dir, 'Corefile')}`);
  }

  private live(): KubeSession {
    if (!this.session) throw new Error('existing backend: provision() first');
    return this.session;
  }

  setCorefile(corefile: string, corednsVersion: string | undefined): Promise<CorefileInForce> {
    return this.live().setCorefile(corefile, corednsVersion);
  }

  apply(objects: KubeObject[]): Promise<void> {
    return this.live().apply(objects);
  }

  readState(): Promise<LiveState> {
    return this.live().readState();
  }

  queryWire(questions: Question[], transport: 'udp' | 'tcp'): Promise<WireReply[]> {
    return this.live().queryWire(questions, transport);
  }

  async runTool(pod: string, tool: Tool, name: string, type: string): Promise<ToolRun | { skipped: string }> {
    const [r] = await this.runTools(pod, [{ tool, name, type }]);
    return r as ToolResult;
  }

  runTools(pod: string, requests: ToolRequest[]): Promise<ToolResult[]> {
    return this.live().runTools(pod, requests);
  }

  /** Scratch namespaces deleted, the original Corefile back. Safe to call twice. */
  async teardown(): Promise<void> {
    if (this.tornDown || !this.session) return;
    this.tornDown = true;
    const session = this.session;
    await session.clear();
    if (!session.changedCoreDNS) return;
    try {
      await session.restore();
    } catch (e) {
      const file = this.backupDir ? join(this.backupDir, 'Corefile') : '(no backup)';
      throw new EnvironmentError(
        `restoring the original Corefile failed: ${(e as Error).message}; restore it by hand: kubectl -n kube-system create configmap coredns --from-file=Corefile=${file} --dry-run=client -o yaml | kubectl apply -f - && kubectl -n kube-system rollout restart deployment/coredns`,
      );
    }
  }
}

export { isDnsconformContext };

export function createExistingBackend(opts: ExistingBackendOptions, ctx: BackendContext): ExistingBackend {
  return new ExistingBackend(opts, ctx);
}
