/**
 * The loadbalance plugin (CoreDNS plugin/loadbalance/{setup,loadbalance}.go; reference
 * coredns-kubernetes.md §7): on a NOERROR reply (not AXFR/IXFR) each section becomes CNAMEs
 * (kept in order), then other records (kept in order), then A/AAAA, then MX — the last two
 * shuffled. The oracle is pure: it sorts into those groups and marks the order as "any".
 */
import type { Directive } from '../../../corefile/types.ts';
import type { ResourceRecord } from '../../../dns/message.ts';
import type { Outcome, PluginModel } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { directiveError, type WrittenOutcome } from '../../server.ts';
import type { TtlRange } from '../../types.ts';

const EXPLAIN =
  'loadbalance: CNAMEs first, then other records, then A/AAAA and MX in random order — CoreDNS plugin/loadbalance/loadbalance.go';

function parse(d: Directive, file: string, version: string) {
  const args = d.args;
  const policy = args[0];
  if (policy === undefined || policy === 'round_robin') {
    if (args.length > 1) throw directiveError(file, d, `plugin/loadbalance: unknown property for ${policy}`);
    return;
  }
  // weighted (1.11.0+) only reorders by weight; the order is "any" either way.
  if (policy === 'weighted' && versionAtLeast(version, '1.11.0')) {
    if (args.length !== 2)
      throw directiveError(
        file,
        d,
        `plugin/loadbalance: ${args.length < 2 ? 'missing weight file argument' : 'unexpected argument(s)'}`,
      );
    return;
  }
  throw directiveError(file, d, `plugin/loadbalance: unknown policy: ${policy}`);
}

function group(r: ResourceRecord): number {
  if (r.type === 'CNAME') return 0;
  if (r.type === 'A' || r.type === 'AAAA') return 2;
  if (r.type === 'MX') return 3;
  return 1;
}

function grouped(rrs: ResourceRecord[]): boolean {
  for (let i = 1; i < rrs.length; i++)
    if (group(rrs[i - 1] as ResourceRecord) > group(rrs[i] as ResourceRecord)) return false;
  return true;
}

/** loadbalance.go roundRobin: records into the four groups, keeping order within each. */
function arrange(
  rrs: ResourceRecord[],
  ranges: TtlRange[] | undefined,
): [ResourceRecord[], TtlRange[] | undefined] {
  if (grouped(rrs)) return [rrs, ranges];
  const order: number[] = [];
  for (let g = 0; g < 4; g++)
    for (let i = 0; i < rrs.length; i++) if (group(rrs[i] as ResourceRecord) === g) order.push(i);
  return [order.map((i) => rrs[i] as ResourceRecord), ranges && order.map((i) => ranges[i] as TtlRange)];
}

function shuffle(out: WrittenOutcome): WrittenOutcome {
  const m = out.message;
  if (grouped(m.answer) && grouped(m.authority) && grouped(m.additional)) return { ...out, ordered: false };
  const r = out.ttlRanges;
  const [answer, ar] = arrange(m.answer, r?.answer);
  const [authority, nr] = arrange(m.authority, r?.authority);
  const [additional, xr] = arrange(m.additional, r?.additional);
  const next: WrittenOutcome = {
    ...out,
    message: { rcode: m.rcode, flags: m.flags, answer, authority, additional },
    ordered: false,
  };
  if (r) next.ttlRanges = { answer: ar ?? [], authority: nr ?? [], additional: xr ?? [] };
  return next;
}

export const loadbalancePlugin: PluginModel = {
  name: 'loadbalance',
  setup(directives, _block, file, version) {
    for (const d of directives) {
      parse(d, file, version.version);
      for (const o of d.block ?? []) {
        if (o.name !== 'prefer' || !versionAtLeast(version.version, '1.13.0')) {
          throw directiveError(file, o, `plugin/loadbalance: unknown property '${o.name}'`);
        }
      }
    }
    return {
      serve(req, ctx, next): Outcome {
        const out = next(req);
        if (!out.written || out.message.rcode !== 'NOERROR' || req.type === 'AXFR' || req.type === 'IXFR')
          return out;
        ctx.explain(EXPLAIN);
        return shuffle(out);
      },
    };
  },
};
