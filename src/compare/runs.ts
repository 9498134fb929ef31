/**
 * Two saved runs side by side (Deckard's "result changed without the case changing", respdiff's
 * sumcmp): queries matched by scenario, Corefile variant, step, probe and question; for each, did
 * the live answer change, and does each side match its oracle (its verdict).
 */
import type { Tool } from '../oracle/types.ts';
import type { Difference, Probe, QueryResult, RunResult, Verdict } from '../run/result.ts';
import { ABSENT } from './difference.ts';
import { withoutOpt } from './rules/edns-opt-ignored.ts';
import { compareTool, type ToolExpectation } from './tool.ts';
import { compareWire } from './wire.ts';

export interface QueryKey {
  scenario: string;
  variant: string;
  step: string;
  probe: Probe;
  query: { name: string; type: string };
}

export interface Side {
  corednsVersion: string;
  verdict: Verdict;
  live: QueryResult['live'];
  reason?: string;
}

/** One difference between A's and B's live answer; an empty side means "absent there". */
export interface Change {
  field: string;
  a: string;
  b: string;
}

export interface MatchedQuery extends QueryKey {
  a: Side;
  b: Side;
  changes: Change[];
}

export interface OneSided extends QueryKey {
  side: Side;
}

export interface RunDiff {
  /** The live answer changed between A and B. */
  changed: MatchedQuery[];
  /** Same live answer, different verdict (the oracle's expectation differs, e.g. by version). */
  verdictChanged: MatchedQuery[];
  unchanged: number;
  onlyInA: OneSided[];
  onlyInB: OneSided[];
}

function probeKey(p: Probe): string {
  return p.kind === 'wire' ? `wire/${p.transport}` : `tool/${p.tool}/${p.pod}`;
}

interface Entry extends QueryKey {
  side: Side;
  result: QueryResult;
}

/**
 * Queries by key. A key seen again in one run (a question both listed and swept, a variant run on
 * two versions) is told apart by its occurrence: the n-th on one side matches the n-th on the other.
 */
function index(run: RunResult): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const seen = new Map<string, number>();
  for (const s of run.scenarios)
    for (const v of s.variants)
      for (const st of v.steps)
        for (const q of st.queries) {
          const base = [
            s.name,
            v.name,
            st.name,
            probeKey(q.probe),
            q.query.name.toLowerCase(),
            q.query.type.toUpperCase(),
          ].join('\u0000');
          const n = seen.get(base) ?? 0;
          seen.set(base, n + 1);
          const key = n === 0 ? base : `${base}\u0000#${n + 1}`;
          const side: Side = { corednsVersion: v.corednsVersion, verdict: q.verdict, live: q.live };
          if (q.reason !== undefined) side.reason = q.reason;
          out.set(key, {
            scenario: s.name,
            variant: v.name,
            step: st.name,
            probe: q.probe,
            query: q.query,
            side,
            result: q,
          });
        }
  return out;
}

/** TTLs are compared between runs only where no cache sits in front (they count down otherwise). */
function cached(q: QueryResult): boolean {
  const r = q.expected.prediction?.ttlRanges;
  return r !== undefined && Object.values(r).some((ranges) => ranges.some((x) => x.min !== x.max));
}

type Live = QueryResult['live'][number];

function liveText(l: Live | undefined): string {
  if (!l) return 'not asked';
  if (l.error !== undefined) return `error: ${l.error}`;
  return 'an answer';
}

/** Differences from A's observation to B's, by the comparison rules (A's answer in the place of a prediction). */
function compareLive(a: Live, b: Live, qa: QueryResult, qb: QueryResult): Difference[] {
  if (a.message && b.message) {
    const prediction = {
      query: qa.query,
      message: { ...a.message, additional: withoutOpt(a.message.additional, true) },
      ordered: (qa.expected.prediction?.ordered ?? true) && (qb.expected.prediction?.ordered ?? true),
      explain: [],
      unmodelled: [],
    };
    return compareWire(prediction, [b.message], cached(qa) || cached(qb) ? { ttl: false } : {}).differences;
  }
  if (a.tool && b.tool) {
    const unordered = [qa, qb].some(
      (q) => (q.expected.tool as ToolExpectation | undefined)?.addressesUnordered,
    );
    const tool: Tool | undefined = qa.probe.kind === 'tool' ? qa.probe.tool : undefined;
    return compareTool({ ...a.tool, addressesUnordered: unordered }, [b.tool], {}, tool ? { tool } : {})
      .differences;
  }
  const ta = liveText(a);
  const tb = liveText(b);
  return ta === tb && a.error === b.error ? [] : [{ field: 'live', expected: ta, live: tb }];
}

function changesBetween(qa: QueryResult, qb: QueryResult): Change[] {
  const toChange = (d: Difference): Change => ({ field: d.field, a: d.expected, b: d.live });
  if (qa.live.length === 0 || qb.live.length === 0) {
    if (qa.live.length === qb.live.length) return [];
    const side = (q: QueryResult) =>
      q.live.length ? 'asked' : `not asked (${q.verdict}${q.reason ? `: ${q.reason}` : ''})`;
    return [{ field: 'live', a: side(qa), b: side(qb) }];
  }
  const first = compareLive(qa.live[0]!, qb.live[0]!, qa, qb);
  if (first.length) return first.map(toChange);
  // Repeated asks (unstable): every answer of one side must occur on the other.
  const unmatched = (xs: Live[], ys: Live[], flip: boolean) =>
    xs.find(
      (x) => !ys.some((y) => (flip ? compareLive(y, x, qa, qb) : compareLive(x, y, qa, qb)).length === 0),
    );
  const onlyA = unmatched(qa.live, qb.live, false);
  if (onlyA) return compareLive(onlyA, qb.live[0]!, qa, qb).map(toChange);
  const onlyB = unmatched(qb.live, qa.live, true);
  if (onlyB) return compareLive(qa.live[0]!, onlyB, qa, qb).map(toChange);
  return [];
}

export function diffRuns(a: RunResult, b: RunResult): RunDiff {
  const ia = index(a);
  const ib = index(b);
  const out: RunDiff = { changed: [], verdictChanged: [], unchanged: 0, onlyInA: [], onlyInB: [] };
  const key = ({ scenario, variant, step, probe, query }: Entry): QueryKey => ({
    scenario,
    variant,
    step,
    probe,
    query,
  });
  for (const [k, ea] of ia) {
    const eb = ib.get(k);
    if (!eb) {
      out.onlyInA.push({ ...key(ea), side: ea.side });
      continue;
    }
    const changes = changesBetween(ea.result, eb.result);
    const matched: MatchedQuery = { ...key(ea), a: ea.side, b: eb.side, changes };
    if (changes.length) out.changed.push(matched);
    else if (ea.side.verdict !== eb.side.verdict) out.verdictChanged.push(matched);
    else out.unchanged++;
  }
  for (const [k, eb] of ib) if (!ia.has(k)) out.onlyInB.push({ ...key(eb), side: eb.side });
  return out;
}

/** `rcode: A NOERROR, B NXDOMAIN`, `answer: only in A: A 10.96.0.10 (TTL 30)`. */
export function describeChange(c: Change): string {
  if (c.b === ABSENT) return `${c.field}: only in A: ${c.a}`;
  if (c.a === ABSENT) return `${c.field}: only in B: ${c.b}`;
  return `${c.field}: A ${c.a}, B ${c.b}`;
}
