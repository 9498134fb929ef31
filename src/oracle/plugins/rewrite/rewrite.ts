/**
 * The rewrite plugin (reference coredns-kubernetes.md §8.4; CoreDNS plugin/rewrite/rewrite.go
 * ServeDNS, reverter.go). Rules run in Corefile order on the request; the first matching `stop`
 * rule (the default mode) ends the list. The reply's question is restored (implicit here: a
 * prediction keeps the client's question) and the collected response rules are applied to every
 * record, last rule first: name and value mapping back, TTL clamping, rcode replacement.
 */
import type { DnsMessage, Rcode, ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Next, Outcome, PluginModel, Request } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { bareReply, serverWritesFor, type WrittenOutcome } from '../../server.ts';
import { parseRewrite, RCODE_RULE, type ResponseRule } from './setup.ts';

const SRC = 'CoreDNS plugin/rewrite/rewrite.go';

/** miekg/dns IsDomainName, as far as a rewritten name can break it: label and name lengths. */
function isDomainName(name: string): boolean {
  if (name.length > 255) return false;
  const labels = name === '.' ? [] : name.replace(/\.$/, '').split('.');
  return labels.every((l) => l.length > 0 && l.length <= 63);
}

/** reverter.go WriteMsg: apply the response rules, last first, to authority, answer and additional. */
function revert(out: WrittenOutcome, rules: ResponseRule[], version: string): WrittenOutcome {
  const modern = versionAtLeast(version, '1.8.4');
  const header = { rcode: out.message.rcode as Rcode };
  const each = (rr: ResourceRecord) => {
    let r = rr;
    for (let i = rules.length - 1; i >= 0; i--) r = (rules[i] as ResponseRule).apply(r, header);
    return r;
  };
  const m = out.message;
  // 1.8.0–1.8.3 rewrote the answer section only (reverter.go at v1.8.0).
  const answer = m.answer.map(each);
  const authority = modern ? m.authority.map(each) : m.authority;
  const additional = modern ? m.additional.map(each) : m.additional;
  // Since 1.14.7 message-level rules (rcode) also apply to a reply without records.
  if (versionAtLeast(version, '1.14.7') && m.answer.length + m.authority.length + m.additional.length === 0) {
    for (const r of rules) if (RCODE_RULE in r) r.apply({ name: '.', type: 'A', ttl: 0, data: '' }, header);
  }
  const message: DnsMessage = { ...m, rcode: header.rcode, answer, authority, additional };
  return { ...out, message };
}

export const rewritePlugin: PluginModel = {
  name: 'rewrite',
  setup(directives, _block, file, version) {
    const v = version.version;
    const rules = parseRewrite(directives, file, v);
    /** rewrite.go serveWithResponseReverter: an unwritten error is written here, through the reverter (1.9.0+). */
    const serveReverted = (
      req: Request,
      responseRules: ResponseRule[],
      ctx: ChainContext,
      next: Next,
    ): Outcome => {
      let out = next(req);
      if (!out.written) {
        if (!serverWritesFor(out.rcode) || !versionAtLeast(v, '1.9.0')) return out;
        out = { written: true, message: bareReply(out.rcode) };
      }
      if (responseRules.length > 0)
        ctx.explain(
          `rewrite: the reply's records are mapped back by the rule's response rules — CoreDNS plugin/rewrite/reverter.go`,
        );
      return revert(out, responseRules, v);
    };
    return {
      serve(req, ctx, next): Outcome {
        let cur = req;
        const responseRules: ResponseRule[] = [];
        for (const rule of rules) {
          const r = rule.rewrite(cur.name, cur.type);
          if (!r) continue;
          if (rule.unmodelled) ctx.unmodelled(rule.unmodelled);
          if (!isDomainName(r.name)) {
            ctx.explain(`rewrite: ${r.name} is not a valid name → SERVFAIL — ${SRC}`);
            return { written: false, rcode: 'SERVFAIL' };
          }
          if (r.name !== cur.name || r.type !== cur.type) {
            ctx.explain(`rewrite: ${cur.name} ${cur.type} is asked as ${r.name} ${r.type} — ${SRC}`);
          }
          cur = { ...cur, name: r.name, type: r.type };
          responseRules.push(...r.responseRules);
          // 1.8.4–1.8.x: a stop rule ends the list; the reply still goes through the reverter below.
          if (rule.mode === 'stop') {
            if (versionAtLeast(v, '1.9.0')) return serveReverted(cur, responseRules, ctx, next);
            break;
          }
        }
        if (responseRules.length === 0) {
          if (cur !== req) {
            ctx.explain(
              `rewrite: no response rules, so the reply keeps the rewritten question (clients may reject it) — ${SRC}`,
            );
          }
          return next(cur);
        }
        const out = next(cur);
        return out.written ? revert(out, responseRules, v) : out;
      },
    };
  },
};
