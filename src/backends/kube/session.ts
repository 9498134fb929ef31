/**
 * What the kind and existing backends share once they hold a Kubernetes API: the Corefile swap,
 * applying scenario objects, reading state back, wire queries and tool runs in probe pods, and
 * undoing all of it. The backends add what differs: how the cluster comes to be, and what they
 * are allowed to change.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { KubeObject } from '../../cluster/types.ts';
import type { Question } from '../../dns/message.ts';
import { parseDig } from '../../probe/parsers/dig.ts';
import type { BackendContext, CorefileInForce, LiveState, WireReply } from '../types.ts';
import { applyObjects, deleteAndWait, objectKey, waitSettled } from './apply.ts';
import type { KubeClient } from './client.ts';
import {
  corednsImage,
  corednsImageFor,
  kubeDnsIPs,
  readCorednsDeployment,
  readCorefile,
  restoreCorefile,
  setCorefileInCluster,
  versionFromImage,
} from './coredns.ts';
import {
  batchScript,
  containerFor,
  MUSL_CLIENT_IN_POD,
  parseFrames,
  resultOf,
  shellQuote,
  type ToolRequest,
  type ToolResult,
  wireScript,
} from './exec.ts';
import type { Kubectl } from './kubectl.ts';
import type { NamespaceMapping } from './namespaces.ts';
import { asProbe, GLIBC_CONTAINER, MUSL_CONTAINER, type ProbeImages } from './probes.ts';
import { readLiveObjects } from './readback.ts';
import { poll } from './wait.ts';

export const WIRE_POD = 'dnsconform-wire';
/** Cleanup after an interrupt gets its own time: the run's signal has already aborted. */
export const CLEANUP_TIMEOUT_MS = 180_000;

export interface SessionOptions {
  client: KubeClient;
  kubectl: Kubectl;
  mapping: NamespaceMapping;
  images: ProbeImages;
  ctx: BackendContext;
  /** Cluster namespace of the wire probe pod; created when first needed. */
  wireNamespace: string;
  /** Labels put on the namespaces dnsconform creates (the run label on existing clusters). */
  namespaceLabels: Record<string, string>;
  /** May the Corefile (and, with `allowImageChange`, the CoreDNS image) be changed? */
  allowCorefileChange: boolean;
  allowImageChange: boolean;
  /** Called with the Corefile in force before the first change (existing: backup to the report dir). */
  beforeFirstChange?: (original: { corefile: string; image: string | undefined }) => Promise<void>;
  settleTimeoutMs: number;
  corednsTimeoutMs: number;
  /** The static musl resolver client on this machine (src/probe/musl/build.sh). */
  muslClient: string;
}

interface PodStatus {
  metadata: KubeObject['metadata'];
  spec?: { hostNetwork?: boolean };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[] };
}

export class KubeSession {
  /** Objects applied for the current step (cluster names). */
  private applied: KubeObject[] = [];
  /** Namespaces dnsconform created (and so may delete). */
  private readonly owned = new Set<string>();
  /** CoreDNS as it was before the first change, restored on teardown. */
  private original: { corefile: string; image: string | undefined } | undefined;
  private wireReady = false;
  private readonly muslUploaded = new Set<string>();

  constructor(private readonly o: SessionOptions) {}

  private get log() {
    return this.o.ctx.log;
  }

  private waitOptions(signal = this.o.ctx.signal, timeoutMs = this.o.settleTimeoutMs) {
    return { timeoutMs, signal, log: this.log };
  }

  /** The Corefile and version CoreDNS runs now. */
  async inForce(): Promise<CorefileInForce> {
    const { text } = await readCorefile(this.o.client);
    const image = corednsImage(await readCorednsDeployment(this.o.client));
    const version = image ? versionFromImage(image) : undefined;
    return { corednsVersion: version ?? 'unknown', text: this.o.mapping.textFromCluster(text), rewrites: [] };
  }

  /**
   * Puts the scenario's Corefile in force, or — when changes are not allowed — reports the
   * cluster's own, which the run then predicts against.
   */
  async setCorefile(corefile: string, corednsVersion: string | undefined): Promise<CorefileInForce> {
    const { client, mapping } = this.o;
    if (!this.o.allowCorefileChange) {
      const own = await this.inForce();
      this.log(
        `CoreDNS: read-only, predicting against the cluster's own Corefile (CoreDNS ${own.corednsVersion}); --allow-corefile-change swaps it`,
      );
      return own;
    }
    const current = await readCorefile(client);
    const deployment = await readCorednsDeployment(client);
    const image = corednsImage(deployment);
    const version = image ? versionFromImage(image) : undefined;
    const { text, rewrites } = mapping.corefileToCluster(corefile);
    let newImage: string | undefined;
    if (corednsVersion && version !== corednsVersion) {
      if (this.o.allowImageChange) newImage = corednsImageFor(corednsVersion);
      else
        this.log(
          `CoreDNS: the cluster runs ${version ?? 'an unknown version'}, not ${corednsVersion}; using it as it is`,
        );
    }
    if (text === current.text && !newImage) {
      this.log('CoreDNS: the Corefile is already in force');
      return { corednsVersion: version ?? 'unknown', text: corefile, rewrites };
    }
    if (!this.original) {
      this.original = { corefile: current.text, image };
      await this.o.beforeFirstChange?.(this.original);
    }
    try {
      await setCorefileInCluster(client, text, newImage, {
        timeoutMs: this.o.corednsTimeoutMs,
        signal: this.o.ctx.signal,
        log: this.log,
      });
    } catch (e) {
      if (this.o.ctx.signal.aborted) throw e;
      // CoreDNS refused the Corefile (or never came up): put back the one that worked.
      const cleanup = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
      await restoreCorefile(
        client.withSignal(cleanup),
        { corefile: current.text, image: newImage ? image : undefined },
        {
          timeoutMs: this.o.corednsTimeoutMs,
          signal: cleanup,
          log: this.log,
        },
      ).catch((r: Error) => this.log(`CoreDNS: restoring the previous Corefile failed too: ${r.message}`));
      throw new Error(
        `CoreDNS did not come up with the scenario's Corefile: ${(e as Error).message}; the previous Corefile is back in force`,
      );
    }
    return {
      corednsVersion: newImage ? (corednsVersion as string) : (version ?? 'unknown'),
      text: corefile,
      rewrites,
    };
  }

  /** Makes the cluster hold exactly `objects` (scenario names), run as probe pods, and waits until settled. */
  async apply(objects: KubeObject[]): Promise<void> {
    const desired = objects.map((o) => {
      const inCluster = this.o.mapping.objectToCluster(o);
      if (inCluster.kind !== 'Namespace' && !inCluster.metadata.namespace) {
        inCluster.metadata = { ...inCluster.metadata, namespace: 'default' };
      }
      return asProbe(inCluster, this.o.images);
    });
    if (this.o.mapping.scratch) {
      // Every scratch namespace carries the run label, declared or not.
      for (const [, ns] of this.o.mapping.entries()) {
        desired.push({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: this.o.namespaceLabels },
        });
      }
    }
    const unique = new Map<string, KubeObject>();
    for (const o of desired) if (!unique.has(objectKey(o))) unique.set(objectKey(o), o);
    const previous = this.applied;
    // Until the step is applied, both sets count as ours: a failure half-way leaves nothing unknown.
    this.applied = [...new Map([...previous, ...unique.values()].map((o) => [objectKey(o), o])).values()];
    const { applied } = await applyObjects(
      this.o.client,
      [...unique.values()],
      previous,
      this.owned,
      this.waitOptions(),
    );
    this.applied = applied;
    await waitSettled(this.o.client, applied, this.waitOptions());
  }

  async readState(): Promise<LiveState> {
    return { objects: await readLiveObjects(this.o.client, this.o.mapping) };
  }

  /** The namespace holding the wire probe pod; created (and owned) when missing. */
  private async ensureWirePod(): Promise<void> {
    if (this.wireReady) return;
    const { client } = this.o;
    const ns: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.o.wireNamespace, labels: this.o.namespaceLabels },
    };
    if (!(await client.find(await client.objectPath(ns)))) {
      await client.apply(ns);
      this.owned.add(this.o.wireNamespace);
    }
    const pod = asProbe(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: WIRE_POD, namespace: this.o.wireNamespace },
        spec: {},
      },
      this.o.images,
    );
    await client.apply(pod);
    await poll(
      async () => {
        const live = await client.find<PodStatus>(await client.objectPath(pod));
        return live?.status?.phase === 'Running'
          ? { done: true, value: undefined }
          : {
              done: false,
              detail: `pod ${this.o.wireNamespace}/${WIRE_POD} is ${live?.status?.phase ?? 'missing'}`,
            };
      },
      { what: 'the wire probe pod', timeoutMs: this.o.settleTimeoutMs, signal: this.o.ctx.signal },
    );
    this.wireReady = true;
  }

  /** Plain DNS questions to the kube-dns Service address, asked with dig from the wire probe pod. */
  async queryWire(questions: Question[], transport: 'udp' | 'tcp'): Promise<WireReply[]> {
    if (!questions.length) return [];
    await this.ensureWirePod();
    const server = (await kubeDnsIPs(this.o.client))[0];
    if (!server) throw new Error('Service kube-system/kube-dns has no ClusterIP');
    const asked = questions.map((q) => ({ name: this.o.mapping.nameToCluster(q.name), type: q.type }));
    const r = await this.o.kubectl.exec(
      this.o.wireNamespace,
      WIRE_POD,
      GLIBC_CONTAINER,
      wireScript(server, asked, transport === 'tcp'),
      execTimeout(questions.length),
    );
    const frames = parseFrames(this.o.mapping.textFromCluster(r.stdout));
    return questions.map((q, i) => {
      const f = frames.get(String(i));
      const responses = f ? parseDig(f.output) : [];
      const last = responses[responses.length - 1];
      if (!last) {
        const why = f?.output.trim().split('\n').pop() || r.stderr.trim().split('\n')[0] || 'no output';
        return {
          error: `no answer from CoreDNS at ${server} for ${q.name} ${q.type} over ${transport}: ${why}`,
        };
      }
      return last.message;
    });
  }

  /** Pods of the scenario (cluster names): ping's allowed addresses and the probe pod's identity. */
  private async scenarioPods(): Promise<PodStatus[]> {
    const namespaces = [
      ...new Set(this.applied.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : []))),
    ];
    const pods: PodStatus[] = [];
    for (const ns of namespaces) pods.push(...((await this.o.client.list('v1', 'Pod', ns)) as PodStatus[]));
    return pods;
  }

  /** Tools in one probe pod (`namespace/name`, scenario names): one kubectl exec per container. */
  async runTools(pod: string, requests: ToolRequest[]): Promise<ToolResult[]> {
    const [scenarioNs, name] = pod.includes('/') ? (pod.split('/', 2) as [string, string]) : ['default', pod];
    const ns = this.o.mapping.toCluster(scenarioNs);
    const pods = await this.scenarioPods();
    const target = pods.find((p) => p.metadata.namespace === ns && p.metadata.name === name);
    if (!target) return requests.map(() => ({ skipped: `probe pod ${pod} is not in the cluster` }));
    const allowed = pods
      .filter((p) => !p.spec?.hostNetwork)
      .flatMap((p) => p.status?.podIPs?.map((x) => x.ip) ?? (p.status?.podIP ? [p.status.podIP] : []));
    const results: ToolResult[] = new Array(requests.length);
    for (const container of [GLIBC_CONTAINER, MUSL_CONTAINER]) {
      const indexes = requests.flatMap((r, i) => (containerFor(r.tool) === container ? [i] : []));
      if (!indexes.length) continue;
      if (container === MUSL_CONTAINER) {
        const missing = await this.uploadMusl(ns, name, String(target.metadata.uid ?? ''));
        if (missing) {
          for (const i of indexes) results[i] = { skipped: missing };
          continue;
        }
      }
      const batch = indexes.map((i) => {
        const r = requests[i] as ToolRequest;
        return { ...r, name: this.o.mapping.nameToCluster(r.name) };
      });
      const r = await this.o.kubectl.exec(
        ns,
        name,
        container,
        batchScript(batch, allowed),
        execTimeout(batch.length),
      );
      const frames = parseFrames(this.o.mapping.textFromCluster(r.stdout));
      batch.forEach((req, j) => {
        const res = resultOf(req, j, frames, allowed);
        results[indexes[j] as number] =
          'skipped' in res && r.exitCode !== 0 && !frames.size
            ? { skipped: `kubectl exec into ${pod} failed: ${r.stderr.trim().split('\n')[0] ?? ''}` }
            : res;
      });
    }
    return results;
  }

  /** Copies the static musl client into the pod's musl container; a reason when it cannot. */
  private async uploadMusl(ns: string, pod: string, uid: string): Promise<string | undefined> {
    if (this.muslUploaded.has(uid)) return undefined;
    if (!existsSync(this.o.muslClient)) {
      return `the musl resolver client is not built (${this.o.muslClient}): run src/probe/musl/build.sh (needs musl-tools)`;
    }
    const r = await this.o.kubectl.run(
      [
        'exec',
        '-i',
        '-n',
        ns,
        pod,
        '-c',
        MUSL_CONTAINER,
        '--',
        'sh',
        '-c',
        `cat > ${MUSL_CLIENT_IN_POD} && chmod 755 ${shellQuote(MUSL_CLIENT_IN_POD)}`,
      ],
      { input: readFileSync(this.o.muslClient), timeoutMs: 60_000 },
    );
    if (r.exitCode !== 0)
      return `copying the musl client into ${ns}/${pod} failed: ${r.stderr.trim().split('\n')[0]}`;
    this.muslUploaded.add(uid);
    return undefined;
  }

  /** Deletes what the run applied and the namespaces it created. Never throws; says what is left. */
  async clear(): Promise<void> {
    const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    const client = this.o.client.withSignal(signal);
    const objects = this.applied.filter((o) => o.kind !== 'Namespace');
    const namespaces = [...this.owned].map(
      (name): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    );
    try {
      await deleteAndWait(client, objects, this.waitOptions(signal, CLEANUP_TIMEOUT_MS));
      await deleteAndWait(client, namespaces, this.waitOptions(signal, CLEANUP_TIMEOUT_MS));
    } catch (e) {
      this.log(`cleanup: ${(e as Error).message}; left: ${[...this.owned].join(', ')}`);
      return;
    } finally {
      this.applied = [];
    }
    this.owned.clear();
    this.wireReady = false;
  }

  /** Puts back the Corefile (and image) in force before the first change. Throws when it cannot. */
  async restore(): Promise<void> {
    if (!this.original) return;
    const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
    await restoreCorefile(this.o.client.withSignal(signal), this.original, {
      timeoutMs: this.o.corednsTimeoutMs,
      signal,
      log: this.log,
    });
    this.original = undefined;
  }

  get changedCoreDNS(): boolean {
    return this.original !== undefined;
  }
}

/** A batch of n runs: each bounded by 10 s inside the pod, plus kubectl's own start-up. */
function execTimeout(n: number): number {
  return Math.min(30_000 + n * 12_000, 600_000);
}
