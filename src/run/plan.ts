/**
 * A scenario resolved into what the runner executes: Corefile variants with their text, the
 * manifests of every step, the questions to ask. Built from a loaded scenario file
 * (scenario/plan.ts); the runner reads nothing else.
 */
import type { ClusterOptions } from '../cluster/options.ts';
import type { KubeObject } from '../cluster/types.ts';
import type { ResourceRecord } from '../dns/message.ts';
import type { Tool } from '../oracle/types.ts';

export interface PlannedQuery {
  name: string;
  type: string;
  /** Absent: a wire question straight to CoreDNS. */
  tool?: Tool;
  /** `namespace/pod` the tool runs in. */
  from?: string;
}

export interface PlannedStep {
  name: string;
  /** The manifests the cluster holds in this step (the whole set, not a delta). */
  manifests: KubeObject[];
  queries: PlannedQuery[];
  /** Ask every name the state implies, and near misses, up to this many (0 = no sweep). */
  sweep: number;
}

export interface PlannedVariant {
  name: string;
  corefile: string;
  /** Where the Corefile came from, for error messages. */
  corefileFile: string;
  corednsVersion: string;
}

export interface Deviation {
  matches(q: PlannedQuery): boolean;
  reason: string;
}

export interface ScenarioPlan {
  name: string;
  file: string;
  description: string;
  cluster: ClusterOptions;
  variants: PlannedVariant[];
  /** Files the Corefile names (hosts files), by path. */
  files: Record<string, string>;
  upstream: ResourceRecord[];
  steps: PlannedStep[];
  deviations: Deviation[];
  /** Comparison rules switched on/off by name. */
  compare: Record<string, boolean>;
}
