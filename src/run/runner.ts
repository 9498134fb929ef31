/**
 * The pipeline of ARCHITECTURE.md: for each scenario × Corefile variant × step — set the Corefile,
 * apply the manifests, read the live state back, predict from *that* state, ask the live CoreDNS,
 * compare. The oracle never sees a live answer; the comparison never decides what is right.
 */
import type { Backend } from '../backends/types.ts';
import { buildState, indexState } from '../cluster/state.ts';
import type { ClusterIndex } from '../cluster/types.ts';
import { type Comparison, compareTool, compareWire } from '../compare/index.ts';
import { parseCorefile } from '../corefile/parse.ts';
import type { Question } from '../dns/message.ts';
import { InputError } from '../errors.ts';
import { predictTool } from '../oracle/client/tools.ts';
import { createOracle, type Oracle } from '../oracle/predict.ts';
import { sweepQueries } from '../scenario/sweep.ts';
import type { PlannedQuery, PlannedStep, PlannedVariant, ScenarioPlan } from './plan.ts';
import {
  type QueryResult,
  RUN_FORMAT,
  type RunResult,
  type ScenarioResult,
  type StepResult,
  type Summary,
  type VariantResult,
} from './result.ts';

export interface RunOptions {
  backend: Backend;
  dnsconformVersion: string;
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
  signal: AbortSignal;
}

export async function runScenarios(plans: ScenarioPlan[], opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const scenarios: ScenarioResult[] = [];
  for (const plan of plans) {
    opts.signal.throwIfAborted();
    scenarios.push(await runScenario(plan, opts));
  }
  return {
    format: RUN_FORMAT,
    dnsconform: opts.dnsconformVersion,
    startedAt,
    finishedAt: new Date().toISOString(),
    backend: { name: opts.backend.name, details: opts.backend.details() },
    scenarios,
    summary: summarise(scenarios),
  };
}

async function runScenario(plan: ScenarioPlan, opts: RunOptions): Promise<ScenarioResult> {
  await opts.backend.provision(plan.cluster);
  const variants: VariantResult[] = [];
  for (const variant of plan.variants) {
    opts.signal.throwIfAborted();
    const started = Date.now();
    const result = await runVariant(plan, variant, opts);
    const counts = summarise([{ name: plan.name, file: plan.file, description: '', variants: [result] }]);
    opts.log(
      `${plan.name} [${variant.name}, CoreDNS ${result.corednsVersion}]: ${counts.pass}/${counts.total} pass` +
        (counts.diff ? `, ${counts.diff} diff` : '') +
        (counts.unstable ? `, ${counts.unstable} unstable` : '') +
        (counts.expectedDeviation ? `, ${counts.expectedDeviation} expected deviation` : '') +
        (counts.skipped ? `, ${counts.skipped} skipped` : '') +
        ` (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    variants.push(result);
  }
  return { name: plan.name, file: plan.file, description: plan.description, variants };
}

async function runVariant(
  plan: ScenarioPlan,
  variant: PlannedVariant,
  opts: RunOptions,
): Promise<VariantResult> {
  const corefile = parseCorefile(variant.corefile, variant.corefileFile);
  const inForce = await opts.backend.setCorefile(variant.corefile, variant.corednsVersion, {
    file: variant.corefileFile,
    files: plan.files,
    upstream: plan.upstream,
  });
  const result: VariantResult = {
    name: variant.name,
    corednsVersion: inForce.corednsVersion,
    corefile: variant.corefile,
    corefileAsRun: inForce.text,
    rewrites: inForce.rewrites,
    states: [],
    steps: [],
  };
  for (const step of plan.steps) {
    opts.signal.throwIfAborted();
    await opts.backend.apply(step.manifests);
    const live = await opts.backend.readState();
    result.states.push({ step: step.name, objects: live.objects });
    const index = indexState(buildState(live.objects));
    const oracle = createOracle({
      state: index,
      corefile,
      version: inForce.corednsVersion,
      upstream: plan.upstream,
      files: plan.files,
      serverIPs: inForce.serverIPs ?? kubeDnsAddresses(index),
    });
    result.steps.push(await runStep(plan, step, index, oracle, opts));
  }
  return result;
}

async function runStep(
  plan: ScenarioPlan,
  step: PlannedStep,
  index: ClusterIndex,
  oracle: Oracle,
  opts: RunOptions,
): Promise<StepResult> {
  const swept: PlannedQuery[] = step.sweep > 0 ? sweepQueries(index, plan.cluster, step.sweep) : [];
  const queries = [...step.queries, ...swept];
  const wire = queries.filter((q) => q.tool === undefined);
  const results = new Map<PlannedQuery, QueryResult>();

  const questions: Question[] = wire.map((q) => ({ name: q.name, type: q.type }));
  const asked = await askWire(opts.backend, questions);
  const judge = (q: PlannedQuery, r: QueryResult) => {
    const messages = r.live.flatMap((l) => (l.message ? [l.message] : []));
    const cmp = compareWire(r.expected.prediction!, messages, plan.compare, {
      deviation: deviationFor(plan, q),
    });
    Object.assign(r, comparison(cmp));
    if (r.live.some((l) => l.transport === 'tcp')) r.rules = [...r.rules, 'udp-truncated-asked-over-tcp'];
  };
  const again: number[] = [];
  wire.forEach((q, i) => {
    const r: QueryResult = {
      id: `${step.name}/${q.name}/${q.type}`,
      probe: { kind: 'wire', transport: 'udp' },
      query: { name: q.name, type: q.type },
      expected: { prediction: oracle.predict({ name: q.name, type: q.type, port: 53 }) },
      live: [asked[i]!],
      verdict: 'pass',
      differences: [],
      rules: [],
    };
    judge(q, r);
    if (r.verdict !== 'pass') again.push(i);
    results.set(q, r);
  });
  // A difference is asked once more: a live answer that changes on repeat is unstable, not a diff.
  if (again.length > 0) {
    const repeat = await askWire(
      opts.backend,
      again.map((i) => questions[i]!),
    );
    again.forEach((i, k) => {
      const r = results.get(wire[i]!)!;
      r.live.push(repeat[k]!);
      judge(wire[i]!, r);
    });
  }

  for (const q of queries) {
    if (q.tool === undefined) continue;
    opts.signal.throwIfAborted();
    results.set(q, await runToolQuery(plan, step, q, index, oracle, opts));
  }

  return { name: step.name, queries: queries.map((q) => results.get(q)!) };
}

async function runToolQuery(
  plan: ScenarioPlan,
  step: PlannedStep,
  q: PlannedQuery,
  index: ClusterIndex,
  oracle: Oracle,
  opts: RunOptions,
): Promise<QueryResult> {
  const [namespace = '', podName = ''] = (q.from ?? '').split('/');
  const pod = index.pod(namespace, podName);
  if (!pod) {
    throw new InputError(
      `query '${q.tool} ${q.name}' runs from pod ${q.from}, which the scenario does not create`,
      {
        file: plan.file,
      },
    );
  }
  const expected = predictTool({
    pod,
    tool: q.tool!,
    name: q.name,
    type: q.type,
    options: plan.cluster,
    resolve: (query) => oracle.predict({ ...query, clientIP: pod.podIP }),
  });
  const base = {
    id: `${step.name}/${q.from}/${q.tool}/${q.name}/${q.type}`,
    probe: { kind: 'tool' as const, tool: q.tool!, pod: q.from! },
    query: { name: q.name, type: q.type },
    expected: { tool: expected },
  };
  const run = await opts.backend.runTool(q.from!, q.tool!, q.name, q.type);
  if ('skipped' in run) {
    return { ...base, live: [], verdict: 'skipped', differences: [], rules: [], reason: run.skipped };
  }
  const cmp = compareTool(expected, [run.outcome], plan.compare, {
    tool: q.tool,
    deviation: deviationFor(plan, q),
  });
  return { ...base, live: [{ tool: run.outcome, stdout: run.stdout }], ...comparison(cmp) };
}

/** In a real cluster CoreDNS runs in the pods behind kube-system/kube-dns. */
function kubeDnsAddresses(index: ClusterIndex): string[] {
  return index
    .slicesOf('kube-system', 'kube-dns')
    .flatMap((slice) => slice.endpoints.flatMap((e) => e.addresses));
}

type LiveReply = QueryResult['live'][number];

/**
 * Questions over UDP; a truncated reply (TC) is asked again over TCP, as dig and the stub resolvers
 * do, and that answer is the one compared.
 */
async function askWire(backend: Backend, questions: Question[]): Promise<LiveReply[]> {
  const udp = await backend.queryWire(questions, 'udp');
  const replies: LiveReply[] = udp.map((r) => ('error' in r ? { error: r.error } : { message: r }));
  const truncated = replies.flatMap((r, i) => (r.message?.flags.tc ? [i] : []));
  if (truncated.length === 0) return replies;
  const tcp = await backend.queryWire(
    truncated.map((i) => questions[i]!),
    'tcp',
  );
  truncated.forEach((i, k) => {
    const r = tcp[k]!;
    replies[i] = 'error' in r ? { error: r.error, transport: 'tcp' } : { message: r, transport: 'tcp' };
  });
  return replies;
}

function deviationFor(plan: ScenarioPlan, q: PlannedQuery): { reason: string } | undefined {
  return plan.deviations.find((d) => d.matches(q));
}

function comparison(c: Comparison): Pick<QueryResult, 'verdict' | 'differences' | 'rules' | 'reason'> {
  return c.reason === undefined
    ? { verdict: c.verdict, differences: c.differences, rules: c.rules }
    : { verdict: c.verdict, differences: c.differences, rules: c.rules, reason: c.reason };
}

export function summarise(scenarios: ScenarioResult[]): Summary {
  const s: Summary = { total: 0, pass: 0, diff: 0, unstable: 0, expectedDeviation: 0, skipped: 0 };
  for (const sc of scenarios)
    for (const v of sc.variants)
      for (const st of v.steps)
        for (const q of st.queries) {
          s.total++;
          if (q.verdict === 'expected-deviation') s.expectedDeviation++;
          else s[q.verdict]++;
        }
  return s;
}
