/**
 * A tool's live outcome (dig, dig +search, getent, ping, host, musl) against the client model's
 * prediction. Only what the tool shows is compared: the names tried where it prints them (dig
 * +showsearch), the source where the parser knows it, no TTLs (a tool outcome carries no range).
 */
import type { ResourceRecord } from '../dns/message.ts';
import type { Tool, ToolOutcome } from '../oracle/types.ts';
import type { Difference, RuleName } from '../run/result.ts';
import { ABSENT, recordText } from './difference.ts';
import { Switches } from './rules/index.ts';
import { ownerCaseInsensitive, ownerKey } from './rules/owner-case-insensitive.ts';
import { searchSuffix } from './rules/search-suffix.ts';
import { pairByKey, sectionsAsMultisets } from './rules/sections-as-multisets.ts';
import { ttlIgnored } from './rules/ttl.ts';
import { type Comparison, type DocumentedDeviation, judge, withDeviation } from './verdict.ts';

/** The client model's prediction (oracle/client/tools.ts ToolPrediction) as far as comparing needs it. */
export interface ToolExpectation extends ToolOutcome {
  /** Addresses (and records) may come in any order: several records, or both families. */
  addressesUnordered?: boolean;
  /** Some answer on the way could not be known by the oracle. */
  unknown?: boolean;
  explain?: string[];
}

export interface ToolCompareOptions {
  /** The tool that ran: ping prints only the first address it resolved. */
  tool?: Tool;
  deviation?: DocumentedDeviation;
}

const NONE = '(none)';

interface Context {
  sw: Switches;
  expected: ToolExpectation;
  tool: Tool | undefined;
  /** Addresses and records compare in order. */
  ordered: boolean;
}

function nameKey(ctx: Context, name: string | undefined): string {
  return name === undefined ? NONE : ownerKey(name, ctx.sw.on(ownerCaseInsensitive));
}

function diffSearch(ctx: Context, live: ToolOutcome): Difference[] {
  if (!ctx.sw.on(searchSuffix)) return [];
  const e = ctx.expected;
  const out: Difference[] = [];
  if (
    e.status === 'ok' &&
    live.status === 'ok' &&
    nameKey(ctx, e.answeredBy) !== nameKey(ctx, live.answeredBy)
  ) {
    out.push({ field: 'search.answeredBy', expected: e.answeredBy ?? NONE, live: live.answeredBy ?? NONE });
  }
  // Only dig +showsearch prints every name it tried; other tools show none.
  const walk = (names: string[]) => names.map((n) => nameKey(ctx, n)).join(' ');
  if (live.tried.length > 0 && walk(e.tried) !== walk(live.tried)) {
    out.push({
      field: 'search.tried',
      expected: e.tried.join(' → ') || NONE,
      live: live.tried.join(' → '),
    });
  }
  return out;
}

/** iputils ping prints `PING name (address)`: the first address getaddrinfo returned. */
function diffPingAddress(ctx: Context, live: ToolOutcome): Difference[] {
  const e = ctx.expected;
  if (e.status !== 'ok' || live.status !== 'ok') return [];
  const shown = live.addresses[0];
  const ok = ctx.ordered ? shown === e.addresses[0] : e.addresses.includes(shown ?? '');
  if (ok) return [];
  const expected =
    ctx.ordered || e.addresses.length < 2 ? (e.addresses[0] ?? NONE) : `one of ${e.addresses.join(', ')}`;
  return [{ field: 'address', expected, live: shown ?? NONE }];
}

function diffList<T>(
  field: string,
  expected: T[],
  live: T[],
  key: (t: T) => string,
  text: (t: T) => string,
  ordered: boolean,
): Difference[] {
  const pairing = pairByKey(expected, live, key, key, ordered);
  const out: Difference[] = [];
  for (const i of pairing.missing) out.push({ field, expected: text(expected[i]!), live: ABSENT });
  for (const j of pairing.unexpected) out.push({ field, expected: ABSENT, live: text(live[j]!) });
  if (pairing.orderDiffers) {
    out.push({
      field: `${field} order`,
      expected: expected.map(text).join(', '),
      live: live.map(text).join(', '),
    });
  }
  return out;
}

function diffAsk(ctx: Context, live: ToolOutcome): Difference[] {
  const e = ctx.expected;
  const out: Difference[] = [];
  if (e.status !== live.status) out.push({ field: 'status', expected: e.status, live: live.status });
  out.push(...diffSearch(ctx, live));
  if (e.source !== undefined && live.source !== undefined && e.source !== live.source) {
    out.push({ field: 'source', expected: e.source, live: live.source });
  }
  if (ctx.tool === 'ping') out.push(...diffPingAddress(ctx, live));
  else
    out.push(
      ...diffList(
        'addresses',
        e.addresses,
        live.addresses,
        (a) => a,
        (a) => a,
        ctx.ordered,
      ),
    );
  const qname = e.answeredBy ?? '';
  const rrKey = (r: ResourceRecord) => `${nameKey(ctx, r.name)} ${r.type.toUpperCase()} ${r.data}`;
  out.push(
    ...diffList('records', e.records, live.records, rrKey, (r) => recordText(r, qname, null), ctx.ordered),
  );
  return out;
}

function signature(ctx: Context, live: ToolOutcome): string {
  const list = (xs: string[]) => (ctx.ordered ? xs : [...xs].sort());
  return JSON.stringify([
    live.status,
    nameKey(ctx, live.answeredBy),
    live.tried.map((n) => nameKey(ctx, n)),
    live.source ?? '',
    list(live.addresses),
    list(live.records.map((r) => `${nameKey(ctx, r.name)} ${r.type.toUpperCase()} ${r.data}`)),
  ]);
}

function rulesApplied(ctx: Context, live: ToolOutcome[]): RuleName[] {
  const rules: RuleName[] = [];
  if (!ctx.ordered) rules.push(sectionsAsMultisets.name);
  if (ctx.sw.on(ownerCaseInsensitive)) rules.push(ownerCaseInsensitive.name);
  if (ctx.expected.records.length > 0 || live.some((l) => l.records.length > 0)) rules.push(ttlIgnored.name);
  if (ctx.sw.on(searchSuffix)) rules.push(searchSuffix.name);
  return rules;
}

/**
 * Compare the client model's outcome with one or more live runs of the same tool. `switches` is
 * the scenario's `compare:` map.
 */
export function compareTool(
  expected: ToolExpectation,
  live: ToolOutcome[],
  switches: Record<string, boolean> = {},
  { tool, deviation }: ToolCompareOptions = {},
): Comparison {
  const sw = new Switches(switches);
  const ctx: Context = {
    sw,
    expected,
    tool,
    ordered: !sw.on(sectionsAsMultisets) || expected.addressesUnordered !== true,
  };
  const rules = rulesApplied(ctx, live);
  if (expected.unknown) {
    const why =
      expected.explain?.find((l) => /unknown/.test(l)) ?? 'an answer on the way is not known to the oracle';
    return {
      verdict: 'skipped',
      differences: [],
      rules,
      reason: `the oracle cannot know this outcome (${why})`,
    };
  }
  if (live.length === 0) {
    return withDeviation(
      { verdict: 'diff', differences: [{ field: 'outcome', expected: expected.status, live: NONE }], rules },
      deviation,
    );
  }
  const judged = judge(
    live.map((l) => diffAsk(ctx, l)),
    live.map((l) => signature(ctx, l)),
  );
  return withDeviation({ ...judged, rules }, deviation);
}
