/**
 * The DNS message model shared by the oracle, the probes and the comparison. Records are kept in
 * dig's presentation format so that predictions, live answers and reports read the same.
 */

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | 'BADVERS';

/** One resource record. `name` is fully qualified with the trailing dot, letter case as sent. */
export interface ResourceRecord {
  name: string;
  type: string;
  ttl: number;
  /** RDATA as dig prints it: `0 100 80 target.` for SRV, `"1.1.0"` for TXT, names with trailing dot. */
  data: string;
}

export interface Question {
  /** Fully qualified, trailing dot, letter case as sent. */
  name: string;
  type: string;
}

export interface HeaderFlags {
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
}

export interface DnsMessage {
  rcode: Rcode;
  flags: HeaderFlags;
  answer: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

/** `foo.bar` → `foo.bar.`; the root stays `.`. */
export function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}
