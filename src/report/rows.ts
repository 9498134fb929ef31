/** A run result flattened for the reports: query rows, the scenario × variant matrix, counts, labels. */
import type { Question } from '../dns/message.ts';
import type {
  Probe,
  QueryResult,
  RunResult,
  ScenarioResult,
  StepResult,
  Summary,
  VariantResult,
  Verdict,
} from '../run/result.ts';

export interface QueryRow {
  scenario: ScenarioResult;
  variant: VariantResult;
  step: StepResult;
  query: QueryResult;
}

export function queryRows(result: RunResult): QueryRow[] {
  return result.scenarios.flatMap((scenario) =>
    scenario.variants.flatMap((variant) =>
      variant.steps.flatMap((step) => step.queries.map((query) => ({ scenario, variant, step, query }))),
    ),
  );
}

export function countVerdicts(queries: QueryResult[]): Summary {
  const s: Summary = { total: 0, pass: 0, diff: 0, unstable: 0, expectedDeviation: 0, skipped: 0 };
  for (const q of queries) {
    s.total++;
    if (q.verdict === 'expected-deviation') s.expectedDeviation++;
    else s[q.verdict]++;
  }
  return s;
}

export interface MatrixRow {
  scenario: ScenarioResult;
  variant: VariantResult;
  counts: Summary;
}

/** One row per scenario × Corefile variant × CoreDNS version, in run order. */
export function matrix(result: RunResult): MatrixRow[] {
  return result.scenarios.flatMap((scenario) =>
    scenario.variants.map((variant) => ({
      scenario,
      variant,
      counts: countVerdicts(variant.steps.flatMap((s) => s.queries)),
    })),
  );
}

export const VERDICTS: readonly Verdict[] = ['pass', 'diff', 'unstable', 'expected-deviation', 'skipped'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'pass',
  diff: 'diff',
  unstable: 'unstable',
  'expected-deviation': 'expected deviation',
  skipped: 'skipped',
};

/** `12 queries: 9 pass, 2 diff, 1 unstable, 0 expected deviation, 0 skipped`. */
export function summaryLine(s: Summary): string {
  return (
    `${s.total} ${s.total === 1 ? 'query' : 'queries'}: ${s.pass} pass, ${s.diff} diff, ${s.unstable} unstable, ` +
    `${s.expectedDeviation} expected deviation, ${s.skipped} skipped`
  );
}

export function questionText(q: Question): string {
  return `${q.name} ${q.type}`;
}

/** `wire (udp)` or `dig-search in default/debug`. */
export function probeText(p: Probe): string {
  return p.kind === 'wire' ? `wire (${p.transport})` : `${p.tool} in ${p.pod}`;
}

export function variantTitle(scenario: ScenarioResult, variant: VariantResult): string {
  return `${scenario.name} · ${variant.name} · CoreDNS ${variant.corednsVersion}`;
}
