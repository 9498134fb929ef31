import type { DnsMessage, Question, ResourceRecord } from '../dns/message.ts';

/** A question put to the CoreDNS under test. */
export interface OracleQuery extends Question {
  /** Source address of the client: autopath and `pods verified` client lookups depend on it. */
  clientIP?: string;
  /** Server port the question arrives on (server-block selection); 53 when absent. */
  port?: number;
  transport?: 'udp' | 'tcp';
  /** DNS class; IN when absent. CoreDNS refuses other classes unless a block runs `chaos`. */
  class?: string;
}

/** The range of TTLs a live answer may show: exact when min === max. `cache` makes it a range. */
export interface TtlRange {
  min: number;
  max: number;
}

/** What the oracle expects CoreDNS to send for one question, and why. */
export interface Prediction {
  query: Question;
  message: DnsMessage;
  /**
   * For each record of each section (same indexes as `message`), the TTLs that may be seen.
   * Absent means every TTL is exactly as in `message`.
   */
  ttlRanges?: { answer: TtlRange[]; authority: TtlRange[]; additional: TtlRange[] };
  /** Sections whose order CoreDNS guarantees (e.g. CNAME before its target). Others compare as multisets. */
  ordered: boolean;
  /** The rules applied, in order, each naming its source: `rule — CoreDNS plugin/kubernetes/parse.go`. */
  explain: string[];
  /** Set when the answer is the upstream's: where `forward` sends it. */
  forwardedTo?: string;
  /** Plugins in the chain that could affect this answer but are not modelled. */
  unmodelled: string[];
  /** True when the oracle cannot know the answer (e.g. forwarded with no upstream records declared). */
  unknown?: boolean;
}

/** The tools run inside probe pods; `musl` is getaddrinfo through musl libc (an Alpine pod's resolver). */
export type Tool = 'dig' | 'dig-search' | 'getent' | 'ping' | 'host' | 'musl';

/**
 * The outcome of a tool run inside a pod, in a shape both the client model (predicted) and the
 * tool output parsers (live) produce, so that the comparison can put them side by side.
 */
export interface ToolOutcome {
  status: 'ok' | 'not-found' | 'no-data' | 'error';
  /** Names sent to DNS, in order (where the tool shows them: dig +search +showsearch). */
  tried: string[];
  /** The name that answered (search suffix applied), fully qualified. */
  answeredBy?: string;
  /** Where the answer came from. */
  source?: 'files' | 'dns';
  /** Addresses resolved (getent, ping, host), as printed. */
  addresses: string[];
  /** Records (dig). */
  records: ResourceRecord[];
}
