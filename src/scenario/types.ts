/** A loaded, checked scenario file (docs/scenario-format.md). Paths are resolved; nothing is left to read. */
import type { ClusterOptions } from '../cluster/options.ts';
import type { KubeObject } from '../cluster/types.ts';
import type { ResourceRecord } from '../dns/message.ts';
import type { Tool } from '../oracle/types.ts';

/** Where something was written: `file:line:col` for error messages. */
export interface Where {
  file: string;
  line: number;
  col: number;
}

export interface CorefileVariant {
  name: string;
  text: string;
  /** The Corefile's path, or `<scenario file> (corefile NAME)` when inline. */
  file: string;
  at: Where;
}

export interface ScenarioQuery {
  /** Wire questions: fully qualified. Tool runs: as the user would type it (the search list applies). */
  name: string;
  type: string;
  tool?: Tool;
  /** `namespace/pod` the tool runs in. */
  from?: string;
  at: Where;
}

export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  at: Where;
}

export interface ScenarioStep {
  name: string;
  /** Objects removed before `apply` (matched by kind, namespace, name). */
  delete: ObjectRef[];
  /** Objects created or replaced. */
  apply: KubeObject[];
  queries: ScenarioQuery[];
  /** Sweep limit for this step (0 = none); inherits the scenario's. */
  sweep: number;
  at: Where;
}

export interface DeviationMatch {
  name?: string;
  type?: string;
  tool?: Tool;
  from?: string;
}

export interface ScenarioDeviation {
  match: DeviationMatch;
  reason: string;
  at: Where;
}

export interface Scenario {
  file: string;
  name: string;
  description: string;
  /** Where the behaviour comes from (documents, sections). */
  source: string | undefined;
  cluster: ClusterOptions;
  corefiles: CorefileVariant[];
  /** Files the Corefile refers to (e.g. a hosts file), by absolute path inside CoreDNS's view. */
  files: Record<string, string>;
  /** Pinned CoreDNS versions; undefined = the command line's. */
  corednsVersions: string[] | undefined;
  manifests: KubeObject[];
  upstream: ResourceRecord[];
  queries: ScenarioQuery[];
  steps: ScenarioStep[];
  /** Sweep limit for the first state (0 = none). */
  sweep: number;
  deviations: ScenarioDeviation[];
  compare: Record<string, boolean>;
}

/** The tools a query may run inside a probe pod (oracle/types.ts Tool). */
export const TOOLS: readonly Tool[] = ['dig', 'dig-search', 'getent', 'ping', 'host', 'musl'];
