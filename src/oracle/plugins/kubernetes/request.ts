/**
 * The shapes that travel between the handler, the lookups and the record builders:
 * the question as CoreDNS's request.Request sees it, the intermediate msg.Service entries
 * (plugin/etcd/msg/service.go) and the name errors of plugin/kubernetes/kubernetes.go.
 */
import type { ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Request } from '../../chain.ts';
import type { TtlRange } from '../../types.ts';

/** request.Request for one (possibly re-targeted) question. */
export interface Query {
  /** QName(): the name as sent (for a re-targeted question: fully qualified as given). */
  qname: string;
  /** Name(): lowercased. */
  name: string;
  type: string;
  /** state.Zone: the matched zone suffix, spelled as in the (original) question. */
  zone: string;
}

/** msg.Service: one answer source before it becomes records. */
export interface Entry {
  /** An IP address (A/AAAA), a name (CNAME), or "" for a text entry. */
  host: string;
  /** -1 when the object declares no port (CoreDNS's sentinel). */
  port: number;
  ttl: number;
  /** msg.Domain(key): the name SRV/NS records point at, fully qualified. */
  target: string;
  /** TXT payload (dns-version only). */
  text?: string;
}

/** errNoItems | errNsNotExposed | errInvalidRequest: each one is a name error (IsNameError). */
export type NameError = 'errNoItems' | 'errNsNotExposed' | 'errInvalidRequest';

export interface Lookup {
  entries: Entry[];
  err: NameError | undefined;
}

export const NONE: Lookup = Object.freeze({
  entries: Object.freeze([]) as unknown as Entry[],
  err: undefined,
});

export function nameError(err: NameError): Lookup {
  return { entries: [], err };
}

/**
 * A Go panic inside the plugin: the server recovers and answers SERVFAIL
 * (core/dnsserver/server.go ServeDNS's deferred recover).
 */
export class PluginPanic extends Error {}

/** What a reply inherits beyond its records: order, truncation, upstream facts. */
export interface ReplyFacts {
  /** false once a source's order is random (Go map / client-go index order). */
  ordered: boolean;
  truncated: boolean;
  unknown: boolean;
  forwardedTo: string | undefined;
  /** TTL ranges of records copied from an upstream reply (cache in front of forward). */
  ranges: Map<ResourceRecord, TtlRange> | undefined;
}

export function newFacts(): ReplyFacts {
  return { ordered: true, truncated: false, unknown: false, forwardedTo: undefined, ranges: undefined };
}

/** One question being served: the chain's context, the original request, and the reply's facts. */
export interface Serving {
  chain: ChainContext;
  req: Request;
  facts: ReplyFacts;
}
