/** Every comparison rule, in the order reports list them. */
import { ednsOptIgnored } from './edns-opt-ignored.ts';
import { flagRules, rcodeRule } from './header.ts';
import { messageIdIgnored } from './message-id-ignored.ts';
import { onlyKnownRecords } from './only-known-records.ts';
import { ownerCaseInsensitive } from './owner-case-insensitive.ts';
import type { Rule } from './rule.ts';
import { searchSuffix } from './search-suffix.ts';
import { sectionsAsMultisets } from './sections-as-multisets.ts';
import { soaSerialAndTimersIgnored } from './soa-serial-and-timers-ignored.ts';
import { ttlExact, ttlIgnored, ttlWithinCacheRange } from './ttl.ts';

export type { Rule } from './rule.ts';

export const RULES: readonly Rule[] = [
  rcodeRule,
  flagRules.aa,
  flagRules.tc,
  flagRules.ra,
  sectionsAsMultisets,
  ownerCaseInsensitive,
  soaSerialAndTimersIgnored,
  ttlExact,
  ttlWithinCacheRange,
  ttlIgnored,
  ednsOptIgnored,
  messageIdIgnored,
  searchSuffix,
  onlyKnownRecords,
];

/** The keys a scenario's `compare:` map may set (each turns its rules off with `false`). */
export const COMPARE_SWITCHES: readonly string[] = [
  ...new Set(RULES.flatMap((r) => (r.switch === undefined ? [] : [r.switch]))),
];

/** Keys of a `compare:` map that name no rule (for the scenario loader's file:line errors). */
export function unknownSwitches(map: Record<string, boolean>): string[] {
  return Object.keys(map).filter((k) => !COMPARE_SWITCHES.includes(k));
}

/** A scenario's `compare:` map resolved: every rule is on unless its switch is set to false. */
export class Switches {
  private readonly off: Set<string>;

  constructor(map: Record<string, boolean> = {}) {
    const unknown = unknownSwitches(map);
    if (unknown.length > 0) {
      throw new Error(`unknown comparison switch '${unknown[0]}' (known: ${COMPARE_SWITCHES.join(', ')})`);
    }
    this.off = new Set(Object.entries(map).flatMap(([k, v]) => (v ? [] : [k])));
  }

  on(rule: Rule): boolean {
    return rule.switch === undefined || !this.off.has(rule.switch);
  }
}
