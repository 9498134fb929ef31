/**
 * A loaded scenario → what the runner executes (run/plan.ts): the Corefile × CoreDNS-version
 * matrix, and each step's whole object set (the first state, then each step's deletes and applies
 * on top of the previous one).
 */
import type { KubeObject } from '../cluster/types.ts';
import { fqdn } from '../dns/message.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_COREDNS_VERSION } from '../oracle/versions.ts';
import type { PlannedQuery, PlannedStep, PlannedVariant, ScenarioPlan } from '../run/plan.ts';
import type { CorefileVariant, DeviationMatch, ObjectRef, Scenario, ScenarioQuery } from './types.ts';

export interface Variant {
  corefile: CorefileVariant;
  corednsVersion: string;
}

/**
 * Every Corefile variant on every CoreDNS version: the scenario's pinned versions, else the
 * command line's, else the default.
 */
export function variantMatrix(scenario: Scenario, cliVersions?: string[]): Variant[] {
  const versions =
    scenario.corednsVersions ?? (cliVersions?.length ? cliVersions : [DEFAULT_COREDNS_VERSION]);
  return scenario.corefiles.flatMap((corefile) =>
    versions.map((corednsVersion) => ({ corefile, corednsVersion })),
  );
}

export function planScenario(scenario: Scenario, cliVersions?: string[]): ScenarioPlan {
  const variants: PlannedVariant[] = variantMatrix(scenario, cliVersions).map((v) => ({
    name: v.corefile.name,
    corefile: v.corefile.text,
    corefileFile: v.corefile.file,
    corednsVersion: v.corednsVersion,
  }));
  const steps: PlannedStep[] = [
    {
      name: 'initial',
      manifests: scenario.manifests,
      queries: scenario.queries.map(planned),
      sweep: scenario.sweep,
    },
  ];
  let objects = scenario.manifests;
  for (const step of scenario.steps) {
    for (const ref of step.delete) objects = without(objects, ref);
    const applied = new Set(step.apply.map(identity));
    objects = [...objects.filter((o) => !applied.has(identity(o))), ...step.apply];
    steps.push({
      name: step.name,
      manifests: objects,
      queries: step.queries.map(planned),
      sweep: step.sweep,
    });
  }
  return {
    name: scenario.name,
    file: scenario.file,
    description: scenario.description,
    cluster: scenario.cluster,
    variants,
    files: scenario.files,
    upstream: scenario.upstream,
    steps,
    deviations: scenario.deviations.map((d) => ({
      matches: (q: PlannedQuery) => matches(d.match, q),
      reason: d.reason,
    })),
    compare: scenario.compare,
  };
}

function planned(q: ScenarioQuery): PlannedQuery {
  return q.tool === undefined
    ? { name: q.name, type: q.type }
    : { name: q.name, type: q.type, tool: q.tool, ...(q.from === undefined ? {} : { from: q.from }) };
}

/** Each given field must equal the query's; names compare without letter case or trailing dot. */
function matches(m: DeviationMatch, q: PlannedQuery): boolean {
  const name = (n: string) => fqdn(n).toLowerCase();
  return (
    (m.name === undefined || name(m.name) === name(q.name)) &&
    (m.type === undefined || m.type === q.type) &&
    (m.tool === undefined || m.tool === q.tool) &&
    (m.from === undefined || m.from === q.from)
  );
}

const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

function identity(o: { kind: string; metadata: { namespace?: string; name?: string } }): string {
  const ns = CLUSTER_SCOPED.has(o.kind) ? '' : (o.metadata.namespace ?? 'default');
  return `${o.kind}/${ns}/${o.metadata.name ?? ''}`;
}

function without(objects: KubeObject[], ref: ObjectRef): KubeObject[] {
  const id = identity({ kind: ref.kind, metadata: { namespace: ref.namespace, name: ref.name } });
  const rest = objects.filter((o) => identity(o) !== id);
  if (rest.length === objects.length) {
    throw new InputError(
      `delete: no ${ref.kind} ${ref.namespace ?? 'default'}/${ref.name} in the state before this step`,
      ref.at,
    );
  }
  return rest;
}
