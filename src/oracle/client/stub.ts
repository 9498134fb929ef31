/**
 * What the stub resolvers share: the view of one DNS answer they act on, and a log of the
 * questions a walk sent. The answers themselves come from the wire oracle (a parameter).
 */
import type { Rcode, ResourceRecord } from '../../dns/message.ts';
import { fqdn } from '../../dns/message.ts';

/** One DNS answer as a stub resolver sees it. */
export interface StubAnswer {
  rcode: Rcode;
  answer: ResourceRecord[];
  /** The oracle cannot know this answer (e.g. forwarded with no upstream records declared). */
  unknown?: boolean;
}

/** Sends one question (absolute name, trailing dot) to the pod's nameserver. */
export type Ask = (name: string, type: string) => StubAnswer;

export interface SentQuery {
  name: string;
  type: string;
  rcode: Rcode;
  answers: number;
}

/** Wraps `ask` so that every question sent is logged in order. */
export function loggingAsk(ask: Ask, log: SentQuery[]): Ask {
  return (name, type) => {
    const a = ask(name, type);
    log.push({ name, type, rcode: a.rcode, answers: a.answer.length });
    return a;
  };
}

function sameName(a: string, b: string): boolean {
  return fqdn(a).toLowerCase() === fqdn(b).toLowerCase();
}

/** Follows the CNAME chain from `qname` inside the answer section; returns the last owner. */
export function canonicalName(answer: ResourceRecord[], qname: string): string {
  let name = qname;
  for (let hops = 0; hops < 16; hops++) {
    const cname = answer.find((r) => r.type === 'CNAME' && sameName(r.name, name));
    if (!cname) break;
    name = cname.data;
  }
  return fqdn(name);
}

/** Addresses of `type` owned by the end of the CNAME chain (glibc getanswer_r, musl dns_parse_callback). */
export function addressesOf(answer: ResourceRecord[], qname: string, type: string): string[] {
  const owner = canonicalName(answer, qname);
  return answer.filter((r) => r.type === type && sameName(r.name, owner)).map((r) => r.data);
}

/** `foo.bar.` → `foo.bar`: how resolvers print names. */
export function relative(name: string): string {
  return name.length > 1 && name.endsWith('.') ? name.slice(0, -1) : name;
}
