/**
 * The forward plugin (reference coredns-kubernetes.md §8.2; CoreDNS plugin/forward/forward.go):
 * a question inside FROM and not under an `except` zone goes to the upstream, whose reply the
 * client sees as-is. With the scenario's upstream records declared, the reply is the fake
 * upstream's (src/upstream/zone.ts); without them the oracle cannot know it.
 */
import { answerFromUpstream } from '../../../upstream/zone.ts';
import type { Outcome, PluginModel, Request } from '../../chain.ts';
import { isSubDomain } from '../../server.ts';
import { type ForwardStanza, parseForward } from './setup.ts';

const SRC = 'CoreDNS plugin/forward/forward.go';

/** Forward.match: inside FROM, and FROM itself or not below an `except` zone. */
function matches(s: ForwardStanza, name: string): boolean {
  if (!isSubDomain(s.from, name)) return false;
  if (name.toLowerCase() === s.from) return true;
  return !s.except.some((z) => isSubDomain(z, name));
}

export const forwardPlugin: PluginModel = {
  name: 'forward',
  setup(directives, block, file, version, env) {
    const stanzas = parseForward(directives, block, file, version.version, env);
    const upstream = env?.upstream;
    return {
      serve(req: Request, ctx, next): Outcome {
        for (let i = 0; i < stanzas.length; i++) {
          const s = stanzas[i] as ForwardStanza;
          if (!matches(s, req.name)) continue;
          const forwardedTo = s.to.join(' ');
          if (!upstream) {
            ctx.explain(
              `forward ${s.from}: sent to ${forwardedTo}; no upstream records declared, so its reply is unknown — ${SRC}`,
            );
            return {
              written: true,
              message: {
                rcode: 'NOERROR',
                flags: { aa: false, tc: false, rd: true, ra: true },
                answer: [],
                authority: [],
                additional: [],
              },
              forwardedTo,
              unknown: true,
            };
          }
          const message = answerFromUpstream(upstream, { name: req.name, type: req.type });
          ctx.explain(
            `forward ${s.from}: sent to ${forwardedTo}; the upstream answers ${message.rcode} from the declared records — ${SRC}, src/upstream/zone.ts`,
          );
          // `next RCODE…` / `next_on_nodata`: only when the next handler is another forward stanza.
          const hasNextStanza = i + 1 < stanzas.length;
          if (
            hasNextStanza &&
            (s.nextRcodes.includes(message.rcode) ||
              (s.nextOnNodata && message.rcode === 'NOERROR' && message.answer.length === 0))
          ) {
            ctx.explain(
              `forward ${s.from}: upstream ${message.rcode} is listed under next: the next forward stanza tries — ${SRC}`,
            );
            continue;
          }
          return { written: true, message, forwardedTo };
        }
        return next(req);
      },
    };
  },
};
