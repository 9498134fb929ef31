/**
 * Behaviour profile per CoreDNS version: what changed, when (reference coredns-kubernetes.md §10).
 * Placeholder shape; the oracle fills in the flags it needs, each citing the commit that changed it.
 */
export interface VersionProfile {
  /** e.g. "1.12.1". */
  version: string;
}

export const DEFAULT_COREDNS_VERSION = '1.12.1';
