/**
 * `rewrite [continue|stop] name|type|class|ttl|rcode|edns0|cname …` rules, parsed as CoreDNS
 * plugin/rewrite/{setup,rewrite,name,type,class,ttl,rcode}.go (v1.14.7) do; version gates where a
 * rule type or answer option arrived later.
 */
import type { Directive } from '../../../corefile/types.ts';
import type { Rcode, ResourceRecord } from '../../../dns/message.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { directiveError, normalizeName } from '../../server.ts';

export type Mode = 'stop' | 'continue';
export type MatchType = 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';

/** A rule that rewrites one string (an owner name or a record's target) in the response. */
export type StringRewriter = (s: string) => string;

export interface ResponseRule {
  /** Rewrite one record (owner name, value, TTL); may also change the message rcode. */
  apply(rr: ResourceRecord, msg: { rcode: Rcode }): ResourceRecord;
}

/** The outcome of one rule on the current request. */
export interface RuleResult {
  name: string;
  type: string;
  responseRules: ResponseRule[];
}

export interface Rule {
  mode: Mode;
  /** A rule type whose effect the oracle does not model (class, edns0, cname). */
  unmodelled?: string;
  /** undefined = the rule does not apply to this request. `lowered` is the name as request.Name() gives it. */
  rewrite(name: string, type: string): RuleResult | undefined;
}

// rewrite/name.go ------------------------------------------------------------------------

/** Go regexp → JS RegExp (RE2 named groups `(?P<x>` become `(?<x>`). */
function goRegexp(pattern: string): RegExp {
  return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
}

/** regexStringRewriter: the replacement with `{n}` replaced by the n-th group, if the pattern matches. */
function regexRewriter(pattern: RegExp, replacement: string): StringRewriter {
  return (src) => {
    const m = pattern.exec(src);
    if (!m) return src;
    let s = replacement;
    m.forEach((g, i) => {
      s = s.split(`{${i}}`).join(g ?? '');
    });
    return s;
  };
}

/** remapStringRewriter: `orig` or `*.orig` → the same with `replacement` (case-sensitive). */
function remapRewriter(orig: string, replacement: string): StringRewriter {
  return (src) => {
    if (src === orig) return replacement;
    if (src.endsWith(`.${orig}`)) return src.slice(0, src.length - orig.length) + replacement;
    return src;
  };
}

function suffixRewriter(suffix: string, replacement: string): StringRewriter {
  return (src) => (src.endsWith(suffix) ? src.slice(0, src.length - suffix.length) + replacement : src);
}

/** The target-like value of a record that `answer value` and `answer auto` rewrite (reverter.go getRecordValueForRewrite). */
function recordValue(rr: ResourceRecord): [prefix: string, value: string] | undefined {
  const f = rr.data.split(' ');
  switch (rr.type) {
    case 'CNAME':
    case 'NS':
    case 'DNAME':
    case 'PTR':
      return ['', rr.data];
    case 'SRV':
      return [`${f.slice(0, 3).join(' ')} `, f[3] ?? ''];
    case 'MX':
      return [`${f[0]} `, f[1] ?? ''];
    case 'SOA':
      return ['', f[0] ?? ''];
    default:
      return undefined;
  }
}

function nameRule(rw: StringRewriter): ResponseRule {
  return { apply: (rr) => ({ ...rr, name: rw(rr.name) }) };
}

function valueRule(rw: StringRewriter): ResponseRule {
  return {
    apply(rr) {
      const v = recordValue(rr);
      if (!v || v[1] === '') return rr;
      const next = rw(v[1]);
      if (next === v[1]) return rr;
      if (rr.type === 'SOA') return { ...rr, data: [next, ...rr.data.split(' ').slice(1)].join(' ') };
      return { ...rr, data: v[0] + next };
    },
  };
}

export interface RuleError {
  message: string;
}

function fail(message: string): never {
  throw { message } satisfies RuleError;
}

function compile(pattern: string, replacement: string): RegExp {
  if (pattern.length > 10000) fail(`regex pattern too long: ${pattern.length} > 10000`);
  let re: RegExp;
  try {
    re = goRegexp(pattern);
  } catch {
    return fail(`invalid regex matching pattern: ${pattern}`);
  }
  const groups = new RegExp(`${re.source}|`).exec('')?.length ?? 1;
  const used = Math.max(-1, ...[...replacement.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1])));
  if (used > groups - 1) {
    fail(
      `the rewrite regex pattern (${replacement}) uses more subexpressions than its corresponding matching regex pattern (${pattern})`,
    );
  }
  return re;
}

/** parseAnswerRules: `answer auto`, `answer name FROM TO`, `answer value FROM TO`. */
function parseAnswers(
  match: string,
  args: string[],
  version: string,
): { auto: boolean; rules: ResponseRule[] } {
  const modern = versionAtLeast(version, '1.8.4');
  if (!modern) {
    // 1.8.0–1.8.3: only `regex FROM TO answer name FROM TO` (name.go newNameRule).
    if (match !== 'regex' || args.length !== 4 || args[0] !== 'answer' || args[1] !== 'name') {
      fail(
        'response rewrites must consist only of a name rule with 3 arguments and an answer rule with 3 arguments',
      );
    }
    return {
      auto: false,
      rules: [
        nameRule(
          regexRewriter(compile(args[2] as string, args[3] as string), normalizeName(args[3] as string)),
        ),
      ],
    };
  }
  if (args.length < 2) fail(`invalid arguments for ${match} rule`);
  let auto = false;
  let nameRules = 0;
  const rules: ResponseRule[] = [];
  let i = 0;
  let last = '';
  while (i < args.length) {
    if (last === '' && args[i] !== 'answer')
      fail(`exceeded the number of arguments for a non-answer rule argument for ${match} rule`);
    if (args[i] === 'answer') i++;
    if (i >= args.length) fail(`type missing for answer rule for ${match} rule`);
    last = args[i] as string;
    i++;
    if (last === 'auto') {
      auto = true;
      continue;
    }
    if (last !== 'name' && last !== 'value') fail(`invalid type "${last}" for answer rule for ${match} rule`);
    if (args.length - i < 2) fail(`${last} answer rule for ${match} rule: 2 arguments required`);
    const re = compile(args[i] as string, args[i + 1] as string);
    const rw = regexRewriter(re, normalizeName(args[i + 1] as string));
    rules.push(last === 'name' ? nameRule(rw) : valueRule(rw));
    if (last === 'name') nameRules++;
    i += 2;
  }
  if (auto && nameRules > 0) fail('auto name answer rule cannot be combined with explicit name anwer rules');
  return { auto, rules };
}

function newNameRule(mode: Mode, args: string[], version: string): Rule {
  if (args.length < 2) fail('too few arguments for a name rule');
  let match: string;
  let from: string;
  let to: string;
  if (args.length === 2) {
    match = 'exact';
    from = normalizeName(args[0] as string);
    to = normalizeName(args[1] as string);
  } else {
    match = (args[0] as string).toLowerCase();
    from = match === 'regex' ? (args[1] as string) : normalizeName(args[1] as string);
    to = match === 'regex' ? (args[2] as string) : normalizeName(args[2] as string);
  }
  const answers = args.length > 3 ? parseAnswers(match, args.slice(3), version) : { auto: false, rules: [] };
  const modern = versionAtLeast(version, '1.8.4');
  // How the reply is mapped back: a remap of the rewritten name to the name before this rule.
  const back = (auto: boolean, before: string, after: string): ResponseRule[] =>
    auto
      ? [
          nameRule(remapRewriter(after, before)),
          ...(modern ? [valueRule(remapRewriter(after, before))] : []),
          ...answers.rules,
        ]
      : answers.rules;
  const done = (name: string, type: string, rules: ResponseRule[]): RuleResult => ({
    name,
    type,
    responseRules: rules,
  });
  switch (match) {
    case 'exact':
      compile(to, from);
      // Exact rules always map the answer back (name.go newExactNameRule: auto = true).
      return {
        mode,
        rewrite: (n, t) =>
          n.toLowerCase() === from ? done(to, t, back(true, n.toLowerCase(), to)) : undefined,
      };
    case 'prefix':
      return {
        mode,
        rewrite(n, t) {
          const l = n.toLowerCase();
          if (!l.startsWith(from)) return undefined;
          const name = to + l.slice(from.length);
          return done(name, t, back(answers.auto, l, name));
        },
      };
    case 'suffix': {
      // Suffix rules map back by swapping suffix and replacement (name.go newSuffixNameRule).
      const rules = answers.auto
        ? [nameRule(suffixRewriter(to, from)), valueRule(suffixRewriter(to, from)), ...answers.rules]
        : answers.rules;
      return {
        mode,
        rewrite(n, t) {
          const l = n.toLowerCase();
          if (!l.endsWith(from)) return undefined;
          return done(l.slice(0, l.length - from.length) + to, t, rules);
        },
      };
    }
    case 'substring':
      return {
        mode,
        rewrite(n, t) {
          const l = n.toLowerCase();
          if (!l.includes(from)) return undefined;
          const name = l.split(from).join(to);
          return done(name, t, back(answers.auto, l, name));
        },
      };
    case 'regex': {
      const re = compile(from, to);
      const replacement = normalizeName(to);
      const rewriteName = regexRewriter(re, replacement);
      return {
        mode,
        rewrite(n, t) {
          const l = n.toLowerCase();
          if (!re.test(l)) return undefined;
          const name = rewriteName(l);
          return done(name, t, back(answers.auto, l, name));
        },
      };
    }
    default:
      return fail(
        `name rule supports only exact, prefix, suffix, substring, and regex name matching, received: ${match}`,
      );
  }
}

// rewrite/type.go, ttl.go, rcode.go --------------------------------------------------------

const TYPE_NAMES = new Set([
  'A',
  'NS',
  'CNAME',
  'SOA',
  'PTR',
  'HINFO',
  'MX',
  'TXT',
  'AAAA',
  'SRV',
  'NAPTR',
  'DS',
  'DNAME',
  'SSHFP',
  'RRSIG',
  'NSEC',
  'DNSKEY',
  'TLSA',
  'SVCB',
  'HTTPS',
  'CAA',
  'ANY',
  'AXFR',
  'IXFR',
  'OPT',
  'SPF',
  'URI',
  'LOC',
  'CERT',
  'NULL',
]);

function newTypeRule(mode: Mode, args: string[]): Rule {
  const from = (args[0] as string).toUpperCase();
  const to = (args[1] as string).toUpperCase();
  if (!TYPE_NAMES.has(from)) fail(`invalid type "${from}"`);
  if (!TYPE_NAMES.has(to)) fail(`invalid type "${to}"`);
  return { mode, rewrite: (n, t) => (t === from ? { name: n, type: to, responseRules: [] } : undefined) };
}

/** A name matcher for ttl and rcode rules: `NAME` (exact) or `MATCH NAME`. */
function nameMatcher(kind: string, match: string | undefined, pattern: string): (lowered: string) => boolean {
  if (match === undefined || match.toLowerCase() === 'exact') {
    const n = normalizeName(pattern);
    return (l) => l === n;
  }
  const m = match.toLowerCase();
  if (m === 'regex') {
    if (pattern.length > 10000) fail(`regex pattern too long in a ${kind} rule: ${pattern.length} > 10000`);
    let re: RegExp;
    try {
      re = goRegexp(pattern);
    } catch {
      return fail(`invalid regex pattern in a ${kind} rule: ${pattern}`);
    }
    return (l) => re.test(l);
  }
  const n = normalizeName(pattern);
  if (m === 'prefix') return (l) => l.startsWith(n);
  if (m === 'suffix') return (l) => l.endsWith(n);
  if (m === 'substring') return (l) => l.includes(n);
  return fail(`${kind} rule supports only exact, prefix, suffix, substring, and regex name matching`);
}

/** ttl.go isValidTTL: `N`, `MIN-MAX`, `MIN-`, `-MAX`. */
function ttlBounds(v: string): [number, number] {
  const parts = v.split('-');
  const num = (s: string) =>
    /^\d+$/.test(s) && Number(s) <= 4294967295 ? Number(s) : fail(`invalid TTL '${v}' for a ttl rule`);
  if (parts.length === 1) return [num(v), num(v)];
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) fail(`invalid TTL '${v}' for a ttl rule`);
  const min = parts[0] === '' ? 0 : num(parts[0] as string);
  const max = parts[1] === '' ? 2147483647 : num(parts[1] as string);
  if (min > max) fail(`invalid TTL '${v}' for a ttl rule`);
  return [min, max];
}

function newTTLRule(mode: Mode, args: string[]): Rule {
  if (args.length < 2) fail(`too few (${args.length}) arguments for a ttl rule`);
  const [min, max] = ttlBounds((args.length === 2 ? args[1] : args[2]) as string);
  const matches =
    args.length === 2
      ? nameMatcher('ttl', undefined, args[0] as string)
      : nameMatcher('ttl', args[0], args[1] as string);
  const clamp: ResponseRule = {
    apply: (rr) => (rr.ttl < min ? { ...rr, ttl: min } : rr.ttl > max ? { ...rr, ttl: max } : rr),
  };
  return {
    mode,
    rewrite: (n, t) => (matches(n.toLowerCase()) ? { name: n, type: t, responseRules: [clamp] } : undefined),
  };
}

const RCODES: Record<string, Rcode> = {
  NOERROR: 'NOERROR',
  FORMERR: 'FORMERR',
  SERVFAIL: 'SERVFAIL',
  NXDOMAIN: 'NXDOMAIN',
  NOTIMP: 'NOTIMP',
  REFUSED: 'REFUSED',
};
const RCODE_NUMBERS: Record<string, Rcode> = {
  '0': 'NOERROR',
  '1': 'FORMERR',
  '2': 'SERVFAIL',
  '3': 'NXDOMAIN',
  '4': 'NOTIMP',
  '5': 'REFUSED',
};

function rcodeOf(s: string, what: string): Rcode {
  const r = RCODES[s.toUpperCase()] ?? RCODE_NUMBERS[s];
  return r ?? fail(`invalid ${what} RCODE '${s}' for a rcode rule`);
}

/** Marks a rule whose response rule rewrites the header rcode (applied once even without records since 1.14.7). */
export const RCODE_RULE = Symbol('rcode');

function newRcodeRule(mode: Mode, args: string[]): Rule {
  if (args.length < 3) fail(`too few (${args.length}) arguments for a rcode rule`);
  if (args.length > 4) fail('many few arguments for a rcode rule');
  const [oldS, newS] = (args.length === 3 ? [args[1], args[2]] : [args[2], args[3]]) as [string, string];
  const from = rcodeOf(oldS, 'matching');
  const to = rcodeOf(newS, 'replacement');
  const matches =
    args.length === 3
      ? nameMatcher('rcode', undefined, args[0] as string)
      : nameMatcher('rcode', args[0], args[1] as string);
  const rule: ResponseRule & { [RCODE_RULE]: true } = {
    [RCODE_RULE]: true,
    apply(rr, msg) {
      if (msg.rcode === from) msg.rcode = to;
      return rr;
    },
  };
  return {
    mode,
    rewrite: (n, t) => (matches(n.toLowerCase()) ? { name: n, type: t, responseRules: [rule] } : undefined),
  };
}

// rewrite/rewrite.go newRule ------------------------------------------------------------------

/** The rule types and the first release that has each (rewrite.go newRule at each tag). */
const RULES_SINCE: Record<string, string> = {
  name: '1.8.0',
  class: '1.8.0',
  type: '1.8.0',
  edns0: '1.8.0',
  ttl: '1.8.0',
  cname: '1.11.0',
  rcode: '1.11.4',
};

export function newRule(args: string[], version: string): Rule {
  if (args.length === 0) fail('no rule type specified for rewrite');
  const arg0 = (args[0] as string).toLowerCase();
  let mode: Mode = 'stop';
  let start = 1;
  let type = arg0;
  if (arg0 === 'continue' || arg0 === 'stop') {
    mode = arg0;
    if (args.length < 2) fail(`${arg0} rule must begin with a rule type`);
    type = (args[1] as string).toLowerCase();
    start = 2;
  }
  const rest = args.slice(start);
  if (type === 'answer') fail('response rewrites must begin with a name rule');
  const since = RULES_SINCE[type];
  if (since === undefined || !versionAtLeast(version, since)) fail(`invalid rule type "${args[0]}"`);
  switch (type) {
    case 'name':
      return newNameRule(mode, rest, version);
    case 'type':
      if (rest.length !== 2) fail('type rules must have exactly two arguments');
      return newTypeRule(mode, rest);
    case 'class':
      if (rest.length !== 2) fail('class rules must have exactly two arguments');
      // Only IN questions reach the chain (server.go); a class rule that matches IN is not modelled.
      return {
        mode,
        unmodelled: 'rewrite class',
        rewrite: (n, t) =>
          (rest[0] as string).toUpperCase() === 'IN' ? { name: n, type: t, responseRules: [] } : undefined,
      };
    case 'ttl':
      return newTTLRule(mode, rest);
    case 'rcode':
      return newRcodeRule(mode, rest);
    default:
      // edns0 options and cname target rewrites are not modelled; they are named when they could apply.
      return { mode, unmodelled: `rewrite ${type}`, rewrite: () => undefined };
  }
}

/** setup.go rewriteParse: one rule per directive; a directive with < 2 args takes its block's tokens. */
export function parseRewrite(directives: Directive[], file: string, version: string): Rule[] {
  return directives.map((d) => {
    let args = d.args;
    if (args.length < 2) args = [...args, ...(d.block ?? []).flatMap((l) => [l.name, ...l.args])];
    try {
      return newRule(args, version);
    } catch (e) {
      if (e && typeof e === 'object' && 'message' in e && !(e instanceof Error)) {
        throw directiveError(file, d, `plugin/rewrite: ${(e as RuleError).message}`);
      }
      throw e;
    }
  });
}
