/**
 * The autopath plugin (reference coredns-kubernetes.md §8.3; CoreDNS plugin/autopath/{setup,autopath,cname}.go).
 * `autopath [ZONE…] RESOLV-CONF|@PLUGIN`: for a question below the first search domain, CoreDNS
 * walks the client's search path itself and answers with the first reply that is not NXDOMAIN,
 * prefixed with a CNAME from the asked name when the answer's owner differs.
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import type { Outcome, PluginModel, Request } from '../../chain.ts';
import {
  directiveError,
  isSubDomain,
  matchZone,
  normalizeName,
  originsFromArgsOrBlock,
  rangesOf,
  significantRanges,
  type WrittenOutcome,
} from '../../server.ts';

const SRC = 'CoreDNS plugin/autopath/autopath.go';

/** Plugins that implement autopath.AutoPather (kubernetes; erratic, which the oracle does not model). */
const AUTOPATHERS = new Set(['kubernetes', 'erratic']);

/** resolv.conf `search` entries (miekg/dns ClientConfigFromReader: the last search/domain line wins). */
function searchOf(text: string): string[] {
  let search: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'search') search = f.slice(1);
    else if (f[0] === 'domain' && f[1]) search = [f[1]];
  }
  return search;
}

/** cname.go cnamer: prepend `original CNAME owner` for the first answer whose owner differs. */
function cnamer(out: WrittenOutcome, original: string): WrittenOutcome {
  const answer = out.message.answer;
  const i = answer.findIndex((a) => a.name.toLowerCase() !== original.toLowerCase());
  if (i === -1) return out;
  const a = answer[i] as ResourceRecord;
  const cname: ResourceRecord = { name: original, type: 'CNAME', ttl: a.ttl, data: a.name };
  const ranges = rangesOf(out);
  const message = { ...out.message, answer: [cname, ...answer] };
  const withCname = { ...ranges, answer: [ranges.answer[i] ?? { min: a.ttl, max: a.ttl }, ...ranges.answer] };
  const next: WrittenOutcome = { ...out, message };
  const ttlRanges = significantRanges(message, withCname);
  if (ttlRanges) next.ttlRanges = ttlRanges;
  else delete next.ttlRanges;
  return next;
}

export const autopathPlugin: PluginModel = {
  name: 'autopath',
  setup(directives, block, file, _version, env) {
    const d = directives.at(-1);
    if (!d || d.args.length < 1)
      throw directiveError(file, directives[0] ?? block, 'plugin/autopath: no resolv-conf specified');
    const resolv = d.args.at(-1) as string;
    const zones = originsFromArgsOrBlock(d.args.slice(0, -1), block);
    let fixed: string[] | undefined;
    let plugin: string | undefined;
    if (resolv.startsWith('@')) {
      plugin = resolv.slice(1);
      // OnStartup: a present handler that is not an AutoPather stops CoreDNS from starting.
      const present = block.directives.find((x) => x.name === plugin);
      if (present && !AUTOPATHERS.has(plugin)) {
        throw directiveError(
          file,
          d,
          `plugin/autopath: ${plugin} does not implement the AutoPather interface`,
        );
      }
    } else {
      const content = env?.files[resolv];
      if (content === undefined) {
        throw directiveError(
          file,
          d,
          `plugin/autopath: failed to parse "${resolv}": its content was not given to the oracle`,
        );
      }
      fixed = [...searchOf(content).map(normalizeName), ''];
    }
    return {
      serve(req: Request, ctx, next): Outcome {
        const lowered = req.name.toLowerCase();
        if (matchZone(zones, lowered) === undefined) return next(req);
        const search = fixed ?? (plugin ? env?.handler?.(plugin)?.autoPath?.(req, ctx) : undefined);
        const first = search?.[0];
        if (!search || first === undefined) return next(req);
        if (lowered !== first && !isSubDomain(first, lowered)) return next(req);
        // dnsutil.TrimZone on the name as sent: the labels left of the first search domain.
        const base = req.name.slice(0, req.name.length - first.length - 1);
        ctx.explain(
          `autopath: ${req.name} lies in the first search domain ${first}; CoreDNS tries ${search.map((s) => `${base}.${s}`).join(', ')} — ${SRC}`,
        );
        let firstOut: Outcome | undefined;
        for (const s of search) {
          const name = `${base}.${s}`;
          const out = next({ ...req, name });
          firstOut ??= out;
          if (!out.written) {
            // A plugin error ends the walk (autopath.go returns on err); other unwritten rcodes are skipped.
            if (out.rcode === 'SERVFAIL') return out;
            continue;
          }
          if (out.message.rcode === 'NXDOMAIN') continue;
          ctx.explain(
            `autopath: ${name} answered ${out.message.rcode}; the reply is returned for ${req.name} — ${SRC}`,
          );
          return cnamer(out, req.name);
        }
        ctx.explain(
          `autopath: every name of the search path was NXDOMAIN; the first reply is returned — ${SRC}`,
        );
        return firstOut ?? next(req);
      },
    };
  },
};
