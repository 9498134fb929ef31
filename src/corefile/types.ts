/** The Corefile as CoreDNS reads it: server blocks with their keys and directives, positions kept. */

export interface Position {
  line: number;
  col: number;
}

export type Scheme = 'dns' | 'tls' | 'https' | 'grpc' | 'quic';

/** One server-block key, e.g. `.:53`, `cluster.local`, `dns://example.org:1053`, `10.0.0.0/24`. */
export interface ServerKey {
  /** The key as written. */
  raw: string;
  scheme: Scheme;
  /** Lowercase, fully qualified with trailing dot; a CIDR key is expanded to its reverse zone(s). */
  zones: string[];
  /** 53 when not written (for the dns scheme). */
  port: number;
  pos: Position;
}

/** A directive line: `name arg…` with an optional `{ … }` block of further lines. */
export interface Directive {
  name: string;
  args: string[];
  block: Directive[] | undefined;
  pos: Position;
}

export interface ServerBlock {
  keys: ServerKey[];
  directives: Directive[];
  pos: Position;
}

export interface Corefile {
  /** Path for error messages (or `<inline>`). */
  file: string;
  blocks: ServerBlock[];
}
