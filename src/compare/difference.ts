/** Differences and records rendered the way reports and `dnsconform diff` print them. */
import type { ResourceRecord } from '../dns/message.ts';
import type { Difference } from '../run/result.ts';

/** An absent side of a difference (a missing or an unexpected record). */
export const ABSENT = '';

/**
 * `A 10.96.0.10 (TTL 30)`: the owner is left out when it is the question's name, to keep lines short;
 * `ttl` replaces the TTL shown (a predicted range), null leaves it out.
 */
export function recordText(r: ResourceRecord, qname: string, ttl: string | null = String(r.ttl)): string {
  const owner = r.name.toLowerCase() === qname.toLowerCase() ? '' : `${r.name} `;
  return `${owner}${r.type} ${r.data}${ttl === null ? '' : ` (TTL ${ttl})`}`;
}

/** `answer: missing A 10.96.0.10 (TTL 30)`, `rcode: expected NXDOMAIN, live NOERROR`. */
export function describeDifference(d: Difference): string {
  if (d.live === ABSENT) return `${d.field}: missing ${d.expected}`;
  if (d.expected === ABSENT) return `${d.field}: unexpected ${d.live}`;
  return `${d.field}: expected ${d.expected}, live ${d.live}`;
}
