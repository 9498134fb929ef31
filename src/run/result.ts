/**
 * The run JSON: the self-contained artefact of a run (respdiff/Deckard style). Every report and
 * `dnsconform diff` is rendered from it offline. Change only compatibly: saved runs are read later.
 */
import type { KubeObject } from '../cluster/types.ts';
import type { DnsMessage, Question } from '../dns/message.ts';
import type { Prediction, Tool, ToolOutcome } from '../oracle/types.ts';

export const RUN_FORMAT = 'dnsconform-run/1';

export type Verdict = 'pass' | 'diff' | 'unstable' | 'expected-deviation' | 'skipped';

/** How a question was asked: a DNS packet straight to CoreDNS, or a tool inside a probe pod. */
export type Probe =
  | { kind: 'wire'; transport: 'udp' | 'tcp' }
  | { kind: 'tool'; tool: Tool; pod: string /* ns/name */ };

/** One named normalisation or comparison rule that applied, e.g. `sections-as-multisets`. */
export type RuleName = string;

export interface Difference {
  /** Where: `rcode`, `flags.aa`, `answer`, `authority[0].ttl`, `search.answeredBy`, … */
  field: string;
  expected: string;
  live: string;
}

export interface QueryResult {
  id: string;
  probe: Probe;
  query: Question;
  /** The oracle's prediction (for tools: the wire prediction of the name that should answer). */
  expected: { message?: DnsMessage; prediction?: Prediction; tool?: ToolOutcome & { explain: string[] } };
  /** What was observed; several entries when asked more than once (unstable detection). */
  live: {
    message?: DnsMessage;
    /** Set when a truncated UDP reply was asked again over TCP and this is that answer. */
    transport?: 'tcp';
    tool?: ToolOutcome;
    stdout?: string;
    error?: string;
  }[];
  verdict: Verdict;
  differences: Difference[];
  rules: RuleName[];
  /** For expected-deviation: the documented reason; for skipped: why. */
  reason?: string;
}

export interface StepResult {
  name: string;
  queries: QueryResult[];
}

/** A Corefile rewrite the backend made to run the scenario's Corefile (listen address, kubeconfig…). */
export interface CorefileRewrite {
  line: number;
  from: string;
  to: string;
  why: string;
}

export interface VariantResult {
  /** Corefile variant name. */
  name: string;
  corednsVersion: string;
  /** The Corefile as the scenario gave it. */
  corefile: string;
  /** The Corefile CoreDNS actually ran, and how it differs. */
  corefileAsRun: string;
  rewrites: CorefileRewrite[];
  /** Live objects per step, as read back from the backend. */
  states: { step: string; objects: KubeObject[] }[];
  steps: StepResult[];
  /** Set when the variant could not run (CoreDNS refused the Corefile…). */
  error?: string;
}

export interface ScenarioResult {
  name: string;
  file: string;
  description: string;
  variants: VariantResult[];
}

export interface Summary {
  total: number;
  pass: number;
  diff: number;
  unstable: number;
  expectedDeviation: number;
  skipped: number;
}

export interface RunResult {
  format: typeof RUN_FORMAT;
  dnsconform: string;
  startedAt: string;
  finishedAt: string;
  backend: { name: 'local' | 'kind' | 'existing'; details: Record<string, string> };
  scenarios: ScenarioResult[];
  summary: Summary;
}
