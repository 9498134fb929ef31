import type { Rule } from './rule.ts';

export const sectionsAsMultisets: Rule = {
  name: 'sections-as-multisets',
  description:
    'records of a section compare as a multiset; their order only where CoreDNS guarantees one (prediction.ordered)',
  switch: 'sections-as-multisets',
};

export interface Pairing {
  /** Expected index → live index, for records present on both sides. */
  pairs: [number, number][];
  /** Indexes of expected items with no live partner. */
  missing: number[];
  /** Indexes of live items with no expected partner. */
  unexpected: number[];
  /** Both sides hold the same records in another order. */
  orderDiffers: boolean;
}

/**
 * Pair expected with live items by key (a multiset match, first come first paired). The order is
 * checked only when `ordered`, and only once both sides hold the same items.
 */
export function pairByKey<E, L>(
  expected: E[],
  live: L[],
  keyOfExpected: (e: E) => string,
  keyOfLive: (l: L) => string,
  ordered: boolean,
): Pairing {
  const waiting = new Map<string, number[]>();
  live.forEach((l, i) => {
    const k = keyOfLive(l);
    waiting.set(k, [...(waiting.get(k) ?? []), i]);
  });
  const pairs: [number, number][] = [];
  const missing: number[] = [];
  expected.forEach((e, i) => {
    const j = waiting.get(keyOfExpected(e))?.shift();
    if (j === undefined) missing.push(i);
    else pairs.push([i, j]);
  });
  const paired = new Set(pairs.map(([, j]) => j));
  const unexpected = live.flatMap((_, j) => (paired.has(j) ? [] : [j]));
  const orderDiffers =
    ordered && missing.length === 0 && unexpected.length === 0 && pairs.some(([i, j]) => i !== j);
  return { pairs, missing, unexpected, orderDiffers };
}
