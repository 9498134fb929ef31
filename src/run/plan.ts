/**
 * A scenario resolved into what the runner executes: Corefile variants with their text, the
 * manifests of every step, the questions to ask. Built from a loaded scenario file
 * (`planScenario` below); the runner reads nothing else.
 */
import type { ClusterOptions } from '../cluster/options.ts';
import type { KubeObject } from '../cluster/types.ts';
import { fqdn, type ResourceRecord } from '../dns/message.ts';
import type { Tool } from '../oracle/types.ts';
import type { Scenario } from '../scenario/types.ts';

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

/** Same object: kind, namespace (default when absent) and name. */
function sameObject(a: { kind: string; namespace?: string; name?: string }, b: KubeObject): boolean {
  return (
    a.kind === b.kind &&
    (a.namespace ?? 'default') === (b.metadata.namespace ?? 'default') &&
    a.name === b.metadata.name
  );
}

function sameName(a: string, b: string): boolean {
  return fqdn(a).toLowerCase() === fqdn(b).toLowerCase();
}

/**
 * The scenario as steps of whole object sets: the first state holds the manifests, each later
 * step deletes, then applies (an applied object replaces one of the same kind/namespace/name).
 * One variant per Corefile × CoreDNS version (the scenario's pinned versions, else the CLI's).
 */
export function planScenario(scenario: Scenario, cliVersions: string[]): ScenarioPlan {
  const steps: PlannedStep[] = [
    { name: 'initial', manifests: scenario.manifests, queries: scenario.queries, sweep: scenario.sweep },
  ];
  let objects = scenario.manifests;
  for (const step of scenario.steps) {
    objects = objects.filter((o) => !step.delete.some((ref) => sameObject(ref, o)));
    objects = [
      ...objects.filter(
        (o) =>
          !step.apply.some((a) =>
            sameObject({ kind: a.kind, namespace: a.metadata.namespace, name: a.metadata.name }, o),
          ),
      ),
      ...step.apply,
    ];
    steps.push({ name: step.name, manifests: objects, queries: step.queries, sweep: step.sweep });
  }
  const versions = scenario.corednsVersions ?? cliVersions;
  return {
    name: scenario.name,
    file: scenario.file,
    description: scenario.description,
    cluster: scenario.cluster,
    variants: scenario.corefiles.flatMap((c) =>
      versions.map((v) => ({
        name: versions.length > 1 ? `${c.name}@${v}` : c.name,
        corefile: c.text,
        corefileFile: c.file,
        corednsVersion: v,
      })),
    ),
    files: scenario.files,
    upstream: scenario.upstream,
    steps,
    deviations: scenario.deviations.map((d) => ({
      reason: d.reason,
      matches: (q: PlannedQuery) =>
        (d.match.name === undefined || sameName(d.match.name, q.name)) &&
        (d.match.type === undefined || d.match.type.toUpperCase() === q.type.toUpperCase()) &&
        (d.match.tool === undefined || d.match.tool === q.tool) &&
        (d.match.from === undefined || d.match.from === q.from),
    })),
    compare: scenario.compare,
  };
}
