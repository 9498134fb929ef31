/**
 * A live DNS message against the oracle's prediction, under the named rules (rules/). Each
 * difference names where it is (`rcode`, `flags.aa`, `answer`, `answer[0].ttl`) and both sides.
 */
import type { DnsMessage, ResourceRecord } from '../dns/message.ts';
import type { Prediction, TtlRange } from '../oracle/types.ts';
import type { Difference, RuleName } from '../run/result.ts';
import { ABSENT, recordText } from './difference.ts';
import { ednsOptIgnored, withoutOpt } from './rules/edns-opt-ignored.ts';
import { flagRules, flagText, rcodeRule } from './rules/header.ts';
import { Switches } from './rules/index.ts';
import { messageIdIgnored } from './rules/message-id-ignored.ts';
import { onlyKnownRecords } from './rules/only-known-records.ts';
import { ownerCaseInsensitive, ownerKey } from './rules/owner-case-insensitive.ts';
import { pairByKey, sectionsAsMultisets } from './rules/sections-as-multisets.ts';
import { soaData, soaSerialAndTimersIgnored } from './rules/soa-serial-and-timers-ignored.ts';
import { rangeText, ttlExact, ttlIgnored, ttlWithinCacheRange, withinRange } from './rules/ttl.ts';
import { type Comparison, type DocumentedDeviation, judge, withDeviation } from './verdict.ts';

export const SECTIONS = ['answer', 'authority', 'additional'] as const;
export type Section = (typeof SECTIONS)[number];
const FLAGS = ['aa', 'tc', 'ra'] as const;

/** How records are told apart under the rules in force (TTL aside: it is checked per pair). */
export function recordKey(r: ResourceRecord, sw: Switches): string {
  const type = r.type.toUpperCase();
  const data = type === 'SOA' ? soaData(r.data, sw.on(soaSerialAndTimersIgnored)) : r.data;
  return `${ownerKey(r.name, sw.on(ownerCaseInsensitive))} ${type} ${data}`;
}

interface Context {
  sw: Switches;
  prediction: Prediction;
  /** Order is compared: the multiset rule is off, or CoreDNS guarantees the order. */
  ordered: boolean;
  ttl: boolean;
  unknown: boolean;
}

function rangeOf(p: Prediction, section: Section, i: number): TtlRange {
  const ttl = p.message[section][i]?.ttl ?? 0;
  return p.ttlRanges?.[section][i] ?? { min: ttl, max: ttl };
}

function diffHeader(ctx: Context, live: DnsMessage): Difference[] {
  if (ctx.unknown) return [];
  const expected = ctx.prediction.message;
  const out: Difference[] = [];
  if (ctx.sw.on(rcodeRule) && expected.rcode !== live.rcode) {
    out.push({ field: 'rcode', expected: expected.rcode, live: live.rcode });
  }
  for (const f of FLAGS) {
    if (ctx.sw.on(flagRules[f]) && expected.flags[f] !== live.flags[f]) {
      out.push({ field: `flags.${f}`, expected: flagText(expected.flags, f), live: flagText(live.flags, f) });
    }
  }
  return out;
}

function diffSection(ctx: Context, section: Section, live: DnsMessage): Difference[] {
  const { prediction: p, sw } = ctx;
  const qname = p.query.name;
  const expected = p.message[section];
  const got = withoutOpt(live[section], sw.on(ednsOptIgnored));
  const key = (r: ResourceRecord) => recordKey(r, sw);
  const pairing = pairByKey(expected, got, key, key, ctx.ordered);
  const out: Difference[] = [];
  for (const i of pairing.missing) {
    const e = expected[i]!;
    out.push({
      field: section,
      expected: recordText(e, qname, rangeText(rangeOf(p, section, i))),
      live: ABSENT,
    });
  }
  if (!ctx.unknown) {
    for (const j of pairing.unexpected) {
      out.push({ field: section, expected: ABSENT, live: recordText(got[j]!, qname) });
    }
    if (pairing.orderDiffers) {
      const order = (rs: ResourceRecord[]) => rs.map((r) => recordText(r, qname, null)).join(', ');
      out.push({ field: `${section} order`, expected: order(expected), live: order(got) });
    }
  }
  if (ctx.ttl) {
    for (const [i, j] of pairing.pairs) {
      const range = rangeOf(p, section, i);
      const ttl = got[j]?.ttl ?? 0;
      if (!withinRange(ttl, range)) {
        out.push({ field: `${section}[${i}].ttl`, expected: rangeText(range), live: String(ttl) });
      }
    }
  }
  return out;
}

function diffAsk(ctx: Context, live: DnsMessage): Difference[] {
  return [...diffHeader(ctx, live), ...SECTIONS.flatMap((s) => diffSection(ctx, s, live))];
}

/** What an ask answered under the rules, TTLs left out (they count down between asks). */
function signature(ctx: Context, live: DnsMessage): string {
  const keys = (s: Section) => {
    const k = withoutOpt(live[s], ctx.sw.on(ednsOptIgnored)).map((r) => recordKey(r, ctx.sw));
    return ctx.ordered ? k : k.sort();
  };
  const flags = FLAGS.filter((f) => ctx.sw.on(flagRules[f])).map((f) => `${f}=${live.flags[f]}`);
  return JSON.stringify([ctx.sw.on(rcodeRule) ? live.rcode : '', flags, SECTIONS.map(keys)]);
}

function rulesApplied(ctx: Context, live: DnsMessage[]): RuleName[] {
  const { sw, prediction: p } = ctx;
  const rules: RuleName[] = [];
  if (!ctx.unknown) {
    if (sw.on(rcodeRule)) rules.push(rcodeRule.name);
    for (const f of FLAGS) if (sw.on(flagRules[f])) rules.push(flagRules[f].name);
  }
  if (!ctx.ordered) rules.push(sectionsAsMultisets.name);
  if (sw.on(ownerCaseInsensitive)) rules.push(ownerCaseInsensitive.name);
  const records = [p.message, ...live].flatMap((m) => SECTIONS.flatMap((s) => m[s]));
  if (sw.on(soaSerialAndTimersIgnored) && records.some((r) => r.type.toUpperCase() === 'SOA')) {
    rules.push(soaSerialAndTimersIgnored.name);
  }
  const ranged = SECTIONS.some((s) => p.ttlRanges?.[s].some((r) => r.min !== r.max));
  rules.push(!ctx.ttl ? ttlIgnored.name : ranged ? ttlWithinCacheRange.name : ttlExact.name);
  if (sw.on(ednsOptIgnored)) rules.push(ednsOptIgnored.name);
  rules.push(messageIdIgnored.name);
  if (ctx.unknown) rules.push(onlyKnownRecords.name);
  return rules;
}

/** Why nothing of an unknown prediction can be compared. */
function unknowable(p: Prediction): string {
  const why = p.forwardedTo
    ? `forwarded to ${p.forwardedTo} with no upstream records declared`
    : (p.explain[p.explain.length - 1] ?? 'no reason given');
  return `the oracle cannot know this answer (${why}): nothing to compare`;
}

export interface WireCompareOptions {
  /** A documented deviation of the scenario that matches this query. */
  deviation?: DocumentedDeviation;
}

/**
 * Compare one prediction with one or more live answers to the same question (several: asked again
 * to tell a flaky answer from a wrong one). `switches` is the scenario's `compare:` map.
 */
export function compareWire(
  prediction: Prediction,
  live: DnsMessage[],
  switches: Record<string, boolean> = {},
  { deviation }: WireCompareOptions = {},
): Comparison {
  const sw = new Switches(switches);
  const ctx: Context = {
    sw,
    prediction,
    ordered: !sw.on(sectionsAsMultisets) || prediction.ordered,
    ttl: sw.on(ttlExact),
    unknown: prediction.unknown === true,
  };
  const rules = rulesApplied(ctx, live);
  const known = SECTIONS.some((s) => prediction.message[s].length > 0);
  if (ctx.unknown && !known) {
    return {
      verdict: 'skipped',
      differences: [],
      rules: [onlyKnownRecords.name],
      reason: unknowable(prediction),
    };
  }
  if (live.length === 0) {
    return withDeviation(
      { verdict: 'diff', differences: [{ field: 'reply', expected: 'a reply', live: 'none' }], rules },
      deviation,
    );
  }
  const judged = judge(
    live.map((m) => diffAsk(ctx, m)),
    live.map((m) => signature(ctx, m)),
  );
  const result: Comparison = { ...judged, rules };
  if (ctx.unknown) {
    result.reason =
      'part of this answer is unknown to the oracle: only its predicted records were checked (rcode, flags and other records were not)';
  }
  return withDeviation(result, deviation);
}
