/**
 * The plugin chain as CoreDNS runs it (core/dnsserver/server.go, plugin/plugin.go): each plugin
 * either writes a reply, or returns an rcode without writing (the server then writes a bare reply
 * for SERVFAIL/REFUSED/FORMERR/NOTIMP), or hands the request to the next plugin.
 */
import type { ClusterIndex } from '../cluster/types.ts';
import type { Directive, ServerBlock } from '../corefile/types.ts';
import type { DnsMessage, Rcode, ResourceRecord } from '../dns/message.ts';
import type { TtlRange } from './types.ts';
import type { VersionProfile } from './versions.ts';

/** A request as it travels through the chain (a plugin such as rewrite may change it). */
export interface Request {
  /** Fully qualified, letter case as sent. */
  name: string;
  type: string;
  clientIP: string | undefined;
  /** The server port it arrived on. */
  port: number;
}

export type Outcome =
  | {
      written: true;
      message: DnsMessage;
      /** Per-record TTL ranges (see Prediction.ttlRanges); absent = exact. */
      ttlRanges?: { answer: TtlRange[]; authority: TtlRange[]; additional: TtlRange[] };
      /** Set once a plugin reorders records randomly (loadbalance) or order is otherwise not guaranteed. */
      ordered?: boolean;
      forwardedTo?: string;
      /** The oracle cannot know this answer (forwarded with no declared upstream data). */
      unknown?: boolean;
    }
  | { written: false; rcode: Rcode };

export type Next = (req: Request) => Outcome;

export interface ChainContext {
  state: ClusterIndex;
  version: VersionProfile;
  /** Record a rule that was applied, naming its source: `text — CoreDNS plugin/x/y.go`. */
  explain(rule: string): void;
  /** Re-enter the whole server from the top (plugin/pkg/upstream Lookup), e.g. to chase a CNAME target. */
  lookup(req: Request): Outcome;
  /** Declare that an unmodelled plugin could have changed this answer. */
  unmodelled(plugin: string): void;
}

export interface PluginInstance {
  serve(req: Request, ctx: ChainContext, next: Next): Outcome;
  /**
   * autopath.AutoPather: the search path for this request (kubernetes: from the client pod's
   * namespace, plugin/kubernetes/autopath.go), or undefined for no search-path walking.
   */
  autoPath?(req: Request, ctx: ChainContext): string[] | undefined;
}

/**
 * What a plugin's setup may read besides the Corefile. The oracle does no I/O: files a plugin would
 * open (a hosts file, /etc/resolv.conf) are handed in by content.
 */
export interface SetupEnv {
  /** File contents by the path the Corefile names. */
  files: Readonly<Record<string, string>>;
  /** Records the fake upstream behind `forward` serves; absent = the upstream's answers are unknown. */
  upstream: readonly ResourceRecord[] | undefined;
  /** The CoreDNS process's own addresses (kubernetes `ns.dns.<zone>`, NS glue). */
  serverIPs: readonly string[];
  /**
   * Another plugin of the same server block by directive name (dnsserver.GetConfig(c).Handler),
   * e.g. autopath's `@kubernetes`. Resolves once the whole block is set up, so call it when serving.
   */
  handler?(name: string): PluginInstance | undefined;
}

/** A model of one CoreDNS plugin: its Corefile setup and its behaviour. */
export interface PluginModel {
  /** The directive name, e.g. `kubernetes`. */
  name: string;
  /**
   * Parse and validate the plugin's directive(s) in one server block, as the plugin's setup.go
   * does; throw InputError with the directive's file:line:col for what CoreDNS would refuse.
   */
  setup(
    directives: Directive[],
    block: ServerBlock,
    file: string,
    version: VersionProfile,
    env?: SetupEnv,
  ): PluginInstance;
}
