/**
 * What every backend does (kind's providers pattern: one interface, one folder per backend,
 * nothing backend-specific leaks out). Each step reports progress through `log` and stops early
 * when `signal` aborts; `teardown` undoes everything the backend changed and is safe to call twice.
 */
import type { ClusterOptions } from '../cluster/options.ts';
import type { KubeObject } from '../cluster/types.ts';
import type { DnsMessage, Question, ResourceRecord } from '../dns/message.ts';
import type { Tool, ToolOutcome } from '../oracle/types.ts';
import type { CorefileRewrite } from '../run/result.ts';

export interface BackendContext {
  log: (message: string) => void;
  signal: AbortSignal;
}

export interface CorefileInForce {
  corednsVersion: string;
  /** The Corefile as CoreDNS runs it. */
  text: string;
  rewrites: CorefileRewrite[];
  /**
   * The CoreDNS process's own addresses (kubernetes NS answers and `ns.dns.<zone>` name them).
   * Absent in a real cluster: there they are the CoreDNS pods, the kube-dns Service's endpoints.
   */
  serverIPs?: string[];
}

/** What a Corefile may need besides its text: files it names, and the fake upstream's records. */
export interface CorefileSupport {
  /** Where the Corefile text came from, for error messages (`Corefile` when absent). */
  file?: string;
  files: Record<string, string>;
  upstream: ResourceRecord[];
}

export interface LiveState {
  objects: KubeObject[];
}

/** A reply, or why none came (timed out, CoreDNS gone): the runner reports it against that question. */
export type WireReply = DnsMessage | { error: string };

/** The messages of replies that must all have come (tests, live suites): throws the first failure. */
export function messagesOf(replies: WireReply[]): DnsMessage[] {
  return replies.map((r) => {
    if ('error' in r) throw new Error(r.error);
    return r;
  });
}

export interface ToolRun {
  outcome: ToolOutcome;
  stdout: string;
  exitCode: number;
}

export interface Backend {
  readonly name: 'local' | 'kind' | 'existing';
  provision(options: ClusterOptions): Promise<void>;
  setCorefile(
    corefile: string,
    corednsVersion: string | undefined,
    support?: CorefileSupport,
  ): Promise<CorefileInForce>;
  /** Make the cluster hold exactly these objects (manifests; the backend fills in what the control plane would). */
  apply(objects: KubeObject[]): Promise<void>;
  readState(): Promise<LiveState>;
  /** Plain DNS questions to CoreDNS, many at once; one reply (or why there is none) per question. */
  queryWire(questions: Question[], transport: 'udp' | 'tcp'): Promise<WireReply[]>;
  /** A tool inside a probe pod; undefined with a reason when this backend cannot run it here. */
  runTool(pod: string, tool: Tool, name: string, type: string): Promise<ToolRun | { skipped: string }>;
  /** What identifies this backend's cluster in the run JSON (API endpoint, kind cluster, context…). */
  details(): Record<string, string>;
  teardown(): Promise<void>;
}
