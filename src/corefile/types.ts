/** The Corefile as CoreDNS reads it: server blocks with their keys and directives, positions kept. */

export interface Position {
  line: number;
  col: number;
  /** Set when the text came from another file than the Corefile (an `import`ed file). */
  file?: string;
}

/** Server transports (plugin/pkg/transport); `https3` since CoreDNS 1.14.0. */
export type Scheme = 'dns' | 'tls' | 'https' | 'https3' | 'grpc' | 'quic';

/** One server-block key, e.g. `.:53`, `cluster.local`, `dns://example.org:1053`, `10.0.0.0/24`. */
export interface ServerKey {
  /** The key as written. */
  raw: string;
  scheme: Scheme;
  /** Lowercase, fully qualified with trailing dot; a CIDR key is expanded to its reverse zone(s). */
  zones: string[];
  /** When not written: 53 for dns, 853 for tls and quic, 443 for grpc, https and https3. */
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
