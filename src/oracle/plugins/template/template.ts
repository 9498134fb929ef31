/**
 * The template plugin (reference coredns-kubernetes.md §8.6; CoreDNS plugin/template/{setup,template}.go).
 * `template CLASS TYPE [ZONE…] { match REGEX…; answer|additional|authority TMPL…; rcode RCODE;
 * ederror CODE [REASON]; fallthrough [ZONE…]; upstream }`.
 */
import type { Directive } from '../../../corefile/types.ts';
import type { Rcode, ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import {
  directiveError,
  matchZone,
  normalizeZoneArg,
  originsFromArgsOrBlock,
  rangesOf,
  reply,
  type SectionRanges,
} from '../../server.ts';
import type { TtlRange } from '../../types.ts';
import { type Compiled, compileTemplate, type TemplateData } from './gotemplate.ts';
import { parseRR } from './rr.ts';

const SRC = 'CoreDNS plugin/template/template.go';

interface Template {
  qclass: string;
  qtype: string;
  zones: string[];
  regex: { source: string; re: RegExp }[];
  answer: Compiled[];
  additional: Compiled[];
  authority: Compiled[];
  rcode: Rcode;
  /** Fallthrough zones when the regex does not match; undefined = none. */
  fall: string[] | undefined;
}

const CLASSES = new Set(['IN', 'CH', 'HS', 'CS', 'NONE', 'ANY']);
const RCODES: Record<string, Rcode | 'other'> = {
  NOERROR: 'NOERROR',
  FORMERR: 'FORMERR',
  SERVFAIL: 'SERVFAIL',
  NXDOMAIN: 'NXDOMAIN',
  NOTIMP: 'NOTIMP',
  REFUSED: 'REFUSED',
  YXDOMAIN: 'other',
  YXRRSET: 'other',
  NXRRSET: 'other',
  NOTAUTH: 'other',
  NOTZONE: 'other',
};

function parseTemplates(
  directives: Directive[],
  block: Parameters<typeof originsFromArgsOrBlock>[1],
  file: string,
  version: string,
): Template[] {
  return directives.map((d) => {
    const argErr = (at: Directive) =>
      directiveError(
        file,
        at,
        `plugin/template: Wrong argument count or unexpected line ending after '${at.args.at(-1) ?? at.name}'`,
      );
    const [cls, type, ...zoneArgs] = d.args;
    if (cls === undefined) throw argErr(d);
    if (!CLASSES.has(cls)) throw directiveError(file, d, `plugin/template: invalid query class ${cls}`);
    if (type === undefined) throw argErr(d);
    if (!/^[A-Z][A-Z0-9]*$/.test(type))
      throw directiveError(file, d, `plugin/template: invalid RR class ${type}`);
    const t: Template = {
      qclass: cls,
      qtype: type,
      zones: originsFromArgsOrBlock(zoneArgs, block),
      regex: [],
      answer: [],
      additional: [],
      authority: [],
      rcode: 'NOERROR',
      fall: undefined,
    };
    for (const o of d.block ?? []) {
      switch (o.name) {
        case 'match':
          if (o.args.length === 0) throw argErr(o);
          for (const r of o.args) {
            try {
              t.regex.push({ source: r, re: new RegExp(r.replace(/\(\?P</g, '(?<')) });
            } catch (e) {
              throw directiveError(
                file,
                o,
                `plugin/template: could not parse regex: ${r}, ${(e as Error).message}`,
              );
            }
          }
          break;
        case 'answer':
        case 'additional':
        case 'authority':
          if (o.args.length === 0) throw argErr(o);
          t[o.name].push(...o.args.map(compileTemplate));
          break;
        case 'rcode': {
          const rc = o.args[0];
          if (rc === undefined) throw argErr(o);
          const r = RCODES[rc];
          if (r === undefined) throw directiveError(file, o, `plugin/template: unknown rcode ${rc}`);
          if (r === 'other')
            throw directiveError(file, o, `plugin/template: rcode ${rc} is not modelled by the oracle`);
          t.rcode = r;
          break;
        }
        case 'ederror':
          // Extended DNS errors ride in the OPT record, which predictions leave out (1.11.0+).
          if (!versionAtLeast(version, '1.11.0')) throw argErr(o);
          if (o.args.length !== 1 && o.args.length !== 2) throw argErr(o);
          break;
        case 'fallthrough':
          t.fall = o.args.length ? o.args.flatMap(normalizeZoneArg) : ['.'];
          break;
        case 'upstream':
          break;
        default:
          throw argErr(o);
      }
    }
    if (t.regex.length === 0) t.regex.push({ source: '.*', re: /.*/ });
    return t;
  });
}

/** template.match: data for the first matching regex; no match says whether to fall through. */
function match(t: Template, req: Request, lowered: string): { data?: TemplateData; fall: boolean } {
  const zone = matchZone(t.zones, lowered);
  if (zone === undefined) return { fall: true };
  if (t.qclass !== 'ANY' && t.qclass !== 'IN') return { fall: true };
  // An ANY question matches templates of every type (and a type-ANY template every question).
  if (t.qtype !== 'ANY' && req.type !== 'ANY' && req.type !== t.qtype) return { fall: true };
  for (const { source, re } of t.regex) {
    const m = re.exec(lowered);
    if (!m) continue;
    const group: Record<string, string> = {};
    m.forEach((g, i) => {
      group[String(i)] = g ?? '';
    });
    for (const [k, v] of Object.entries(m.groups ?? {})) group[k] = v ?? '';
    return {
      data: {
        Zone: zone,
        Name: lowered,
        Regex: source,
        Match: [...m].map((g) => g ?? ''),
        Group: group,
        Class: 'IN',
        Type: req.type !== 'ANY' ? req.type : t.qtype,
        Remote: req.clientIP ?? '',
        QuestionName: req.name,
      },
      fall: false,
    };
  }
  return { fall: t.fall !== undefined && matchZone(t.fall, lowered) !== undefined };
}

function render(list: Compiled[], data: TemplateData, ctx: ChainContext): ResourceRecord[] | undefined {
  const out: ResourceRecord[] = [];
  for (const c of list) {
    if (!c.ok) {
      ctx.unmodelled(`template ${c.unsupported}`);
      return undefined;
    }
    const rr = parseRR(c.render(data));
    if ('error' in rr) {
      ctx.explain(`template: the rendered record does not parse (${rr.error}) → SERVFAIL — ${SRC}`);
      return undefined;
    }
    out.push(rr);
  }
  return out;
}

export const templatePlugin: PluginModel = {
  name: 'template',
  setup(directives, block, file, version) {
    const templates = parseTemplates(directives, block, file, version.version);
    const zones = templates.flatMap((t) => t.zones);
    return {
      serve(req, ctx, next): Outcome {
        const lowered = req.name.toLowerCase();
        if (matchZone(zones, lowered) === undefined) return next(req);
        for (const t of templates) {
          const { data, fall } = match(t, req, lowered);
          if (!data) {
            if (!fall) {
              ctx.explain(
                `template ${t.qclass} ${t.qtype}: no match regex matches ${lowered} and no fallthrough → SERVFAIL — ${SRC}`,
              );
              return { written: false, rcode: 'SERVFAIL' };
            }
            continue;
          }
          if (t.rcode === 'SERVFAIL') {
            ctx.explain(`template ${t.qclass} ${t.qtype}: rcode SERVFAIL — ${SRC}`);
            return { written: false, rcode: 'SERVFAIL' };
          }
          const answer = render(t.answer, data, ctx);
          const additional = render(t.additional, data, ctx);
          const authority = render(t.authority, data, ctx);
          if (!answer || !additional || !authority) return { written: false, rcode: 'SERVFAIL' };
          // A/AAAA questions: a CNAME answer's target is looked up through the server again (upstream.Lookup).
          const full: ResourceRecord[] = [];
          const answerRanges: TtlRange[] = [];
          let chased = false;
          for (const rr of answer) {
            full.push(rr);
            answerRanges.push({ min: rr.ttl, max: rr.ttl });
            if ((req.type === 'A' || req.type === 'AAAA') && rr.type === 'CNAME') {
              const up = ctx.lookup({ ...req, name: rr.data, type: req.type });
              if (up.written) {
                chased = true;
                full.push(...up.message.answer);
                answerRanges.push(...rangesOf(up).answer);
              }
            }
          }
          ctx.explain(
            `template ${t.qclass} ${t.qtype} matched ${lowered} (regex ${data.Regex}): ${t.rcode} with the rendered records — ${SRC}`,
          );
          const out: Outcome = { written: true, message: reply(t.rcode, true, full, authority, additional) };
          if (chased) {
            const exact = (rrs: ResourceRecord[]) => rrs.map((r) => ({ min: r.ttl, max: r.ttl }));
            const ranges: SectionRanges = {
              answer: answerRanges,
              authority: exact(authority),
              additional: exact(additional),
            };
            out.ttlRanges = ranges;
          }
          return out;
        }
        return next(req);
      },
    };
  },
};
