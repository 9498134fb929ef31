/**
 * From one or more asks to a verdict (respdiff's "unstable" filter): every ask matches → pass; the
 * asks agree with each other but not with the prediction → diff; the asks disagree → unstable.
 */
import type { Difference, RuleName, Verdict } from '../run/result.ts';

export interface Comparison {
  verdict: Verdict;
  differences: Difference[];
  rules: RuleName[];
  /** Why a query was skipped or is an expected deviation; what was left uncompared. */
  reason?: string;
}

/** A scenario's documented deviation that matches this query. */
export interface DocumentedDeviation {
  reason: string;
}

/**
 * `perAsk[i]` are the differences of ask i against the prediction; `signatures[i]` what ask i
 * answered, normalised by the same rules but without TTLs (they count down between asks).
 */
export function judge(
  perAsk: Difference[][],
  signatures: string[],
): Pick<Comparison, 'verdict' | 'differences'> {
  if (perAsk.every((d) => d.length === 0)) return { verdict: 'pass', differences: [] };
  const agree = signatures.every((s) => s === signatures[0]) && perAsk.every((d) => d.length > 0);
  if (agree) return { verdict: 'diff', differences: perAsk[0] ?? [] };
  // An ask that matched lists nothing: the reader sees which ask strayed, and how.
  return {
    verdict: 'unstable',
    differences: perAsk.flatMap((diffs, i) =>
      diffs.map((d) => ({ ...d, field: `ask ${i + 1}: ${d.field}` })),
    ),
  };
}

/** A difference the scenario documents is expected; a documented one that did not occur is noted. */
export function withDeviation(c: Comparison, deviation: DocumentedDeviation | undefined): Comparison {
  if (!deviation) return c;
  if (c.verdict === 'diff' || c.verdict === 'unstable') {
    return { ...c, verdict: 'expected-deviation', reason: deviation.reason };
  }
  if (c.verdict === 'pass')
    return { ...c, reason: `documented deviation did not occur: ${deviation.reason}` };
  return c;
}
