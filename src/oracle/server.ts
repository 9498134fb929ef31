/**
 * The CoreDNS server: which server block answers a question, and the plugin chain that block runs.
 * Source: core/dnsserver/server.go (ServeDNS), core/dnsserver/register.go (zone/port registration),
 * plugin/plugin.go (NextOrFailure, ClientWrite), plugin.cfg (chain order).
 */
import { parseGoCidr, reverseZones } from '../corefile/reverse.ts';
import type { Corefile, Directive, ServerBlock } from '../corefile/types.ts';
import type { DnsMessage, Rcode, ResourceRecord } from '../dns/message.ts';
import { InputError } from '../errors.ts';
import type { ChainContext, Next, Outcome, PluginInstance, PluginModel, Request, SetupEnv } from './chain.ts';
import { checkDirectives, pluginOrder } from './plugincfg.ts';
import type { TtlRange } from './types.ts';
import type { VersionProfile } from './versions.ts';

// ---------------------------------------------------------------------------------------------
// Replies

/** Header flags of a reply built by CoreDNS itself: `SetReply` copies RD (clients send it), RA unset. */
export function replyFlags(aa: boolean): DnsMessage['flags'] {
  return { aa, tc: false, rd: true, ra: false };
}

/** A reply with records. */
export function reply(
  rcode: Rcode,
  aa: boolean,
  answer: ResourceRecord[],
  authority: ResourceRecord[] = [],
  additional: ResourceRecord[] = [],
): DnsMessage {
  return { rcode, flags: replyFlags(aa), answer, authority, additional };
}

/** A written outcome with exact TTLs and guaranteed order. */
export function written(message: DnsMessage): Outcome {
  return { written: true, message };
}

/**
 * The reply the server writes when the chain returns an error rcode without writing:
 * `answer.SetRcode(r, rc)` — no records, no SOA, AA unset (core/dnsserver/server.go errorFunc).
 */
export function bareReply(rcode: Rcode): DnsMessage {
  return reply(rcode, false, []);
}

/**
 * plugin.ClientWrite: for these rcodes a plugin has *not* written a reply and the server must.
 * Any other rcode returned unwritten means the plugin claims it wrote (if it did not, nothing is sent).
 */
export function serverWritesFor(rcode: Rcode): boolean {
  return rcode === 'SERVFAIL' || rcode === 'REFUSED' || rcode === 'FORMERR' || rcode === 'NOTIMP';
}

export type WrittenOutcome = Extract<Outcome, { written: true }>;
export type SectionRanges = { answer: TtlRange[]; authority: TtlRange[]; additional: TtlRange[] };
export const SECTIONS = ['answer', 'authority', 'additional'] as const;

/** The TTL range of every record of a written outcome (exact TTLs where the outcome gives none). */
export function rangesOf(out: WrittenOutcome): SectionRanges {
  if (out.ttlRanges) return out.ttlRanges;
  const exact = (rrs: ResourceRecord[]) => rrs.map((r) => ({ min: r.ttl, max: r.ttl }));
  const m = out.message;
  return { answer: exact(m.answer), authority: exact(m.authority), additional: exact(m.additional) };
}

/** Ranges worth reporting: undefined when every range is exactly the record's TTL. */
export function significantRanges(message: DnsMessage, ranges: SectionRanges): SectionRanges | undefined {
  for (const s of SECTIONS) {
    const rrs = message[s];
    const rs = ranges[s];
    for (let i = 0; i < rrs.length; i++) {
      const r = rs[i];
      if (!r || r.min !== r.max || r.min !== (rrs[i] as ResourceRecord).ttl) return ranges;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names and zones (miekg/dns IsSubDomain, plugin/normalize.go)

/** `child` equals `zone` or lies below it; case-insensitive; both fully qualified. */
export function isSubDomain(zone: string, child: string): boolean {
  if (zone === '.') return true;
  const z = zone.toLowerCase();
  const c = child.toLowerCase();
  return c === z || (c.endsWith(z) && c.charCodeAt(c.length - z.length - 1) === 46) /* . */;
}

/** plugin.Zones.Matches: the longest of `zones` that contains `qname`, or undefined. */
export function matchZone(zones: readonly string[], qname: string): string | undefined {
  let best: string | undefined;
  for (const z of zones)
    if (isSubDomain(z, qname) && (best === undefined || z.length > best.length)) best = z;
  return best;
}

/**
 * plugin.Host(arg).NormalizeExact: a zone argument lowercased and fully qualified; a CIDR becomes
 * the reverse zone(s) covering it (plugin/pkg/cidr: split to octet/nibble boundaries).
 */
export function normalizeZoneArg(arg: string): string[] {
  let s = arg.replace(/^(dns|tls|grpc|https|quic):\/\//, '');
  // plugin.SplitHostPort: digits after the last colon are a port.
  const colon = s.lastIndexOf(':');
  if (colon !== -1 && /^\d+$/.test(s.slice(colon + 1))) s = s.slice(0, colon);
  const cidr = parseGoCidr(s);
  if (cidr) return reverseZones(cidr);
  return [normalizeName(s)];
}

/** plugin.Name.Normalize: lowercased, fully qualified. */
export function normalizeName(s: string): string {
  const l = s.toLowerCase();
  return l.endsWith('.') ? l : `${l}.`;
}

/** plugin.OriginsFromArgsOrServerBlock: zone arguments if any, else the server block's zones. */
export function originsFromArgsOrBlock(args: readonly string[], block: ServerBlock): string[] {
  if (args.length > 0) return args.flatMap(normalizeZoneArg);
  return block.keys.flatMap((k) => k.zones.slice(0, 1));
}

/** Wrap a directive's position into an InputError, as CoreDNS's `c.Errf` names file:line. */
export function directiveError(file: string, d: { pos: { line: number; col: number } }, message: string) {
  return new InputError(message, { file, line: d.pos.line, col: d.pos.col });
}

// ---------------------------------------------------------------------------------------------
// Plugins with no model

/**
 * Plugins that never change the records of a reply to a plain IN question over UDP/TCP on the
 * server's port: they serve other listeners, collect metrics or logs, or act at startup/reload.
 * reference coredns-kubernetes.md §8.8 and each plugin's README.
 */
export const NO_EFFECT_ON_ANSWERS: ReadonlySet<string> = new Set([
  'root',
  'metadata',
  'geoip',
  'cancel',
  'tls',
  'proxyproto',
  'quic',
  'grpc_server',
  'https',
  'https3',
  'timeouts',
  'multisocket',
  'reload',
  'nsid',
  'bufsize',
  'bind',
  'debug',
  'trace',
  'ready',
  'health',
  'pprof',
  'shed',
  'prometheus',
  'errors',
  'log',
  'dnstap',
  'loop',
  'on',
  'sign',
  'chaos',
]);

/** An unmodelled plugin: assume it passes the query on, and say that it could have answered. */
function unmodelledPlugin(name: string): PluginInstance {
  return {
    serve(req, ctx, next) {
      if (name === 'transfer' && req.type !== 'AXFR' && req.type !== 'IXFR') return next(req);
      ctx.unmodelled(name);
      return next(req);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Building servers

/** One server block's chain, shared by all its keys (core/dnsserver/register.go propagateConfigParams). */
interface BlockChain {
  block: ServerBlock;
  /** Undefined when the block has no directives at all: the server answers REFUSED. */
  first: Next | undefined;
}

/** One listener (port): its zones, each mapped to a server block's chain. */
interface Listener {
  zones: Map<string, BlockChain>;
  /** Only `.` is served on this port. */
  rootOnly: boolean;
}

export interface Servers {
  /** Serve one question, as a client sending it to `req.port` would see it. */
  serve(req: Request, qclass?: string): Outcome;
  /** The ports with a plain-DNS listener. */
  ports(): number[];
}

export interface BuildOptions {
  corefile: Corefile;
  version: VersionProfile;
  models: ReadonlyMap<string, PluginModel>;
  env: SetupEnv;
  /** The context every plugin instance is served with (its lookup re-enters these servers). */
  ctx: ChainContext;
}

/** Build every dns:// server of a Corefile, with each block's plugins in plugin.cfg order. */
export function buildServers(o: BuildOptions): Servers {
  const { corefile, version, ctx } = o;
  checkDirectives(corefile, version.version);
  const listeners = new Map<number, Listener>();
  for (const block of corefile.blocks) {
    const chain: BlockChain = { block, first: buildChain(block, o) };
    for (const key of block.keys) {
      if (key.scheme !== 'dns') continue; // other transports are other listeners; queries here are plain DNS
      let listener = listeners.get(key.port);
      if (!listener) {
        listener = { zones: new Map(), rootOnly: false };
        listeners.set(key.port, listener);
      }
      for (const zone of key.zones) {
        if (listener.zones.has(zone)) {
          throw new InputError(`cannot serve dns://${zone}:${key.port} - it is already defined`, {
            file: corefile.file,
            line: key.pos.line,
            col: key.pos.col,
          });
        }
        listener.zones.set(zone, chain);
        listener.rootOnly = listener.zones.size === 1 && listener.zones.has('.');
      }
    }
  }
  return {
    ports: () => [...listeners.keys()],
    serve(req, qclass) {
      const listener = listeners.get(req.port);
      if (!listener) {
        ctx.explain(
          `no server block listens on port ${req.port}: the query gets no reply — CoreDNS core/dnsserver/register.go`,
        );
        return { written: true, message: bareReply('SERVFAIL'), unknown: true };
      }
      return serveOn(listener, req, qclass ?? 'IN', ctx);
    },
  };
}

function buildChain(block: ServerBlock, o: BuildOptions): Next | undefined {
  if (block.directives.length === 0) return undefined;
  const byName = new Map<string, Directive[]>();
  for (const d of block.directives) {
    const list = byName.get(d.name);
    if (list) list.push(d);
    else byName.set(d.name, [d]);
  }
  const instances: PluginInstance[] = [];
  const byPlugin = new Map<string, PluginInstance>();
  const env: SetupEnv = { ...o.env, handler: (name) => byPlugin.get(name) };
  for (const name of pluginOrder(o.version.version)) {
    const directives = byName.get(name);
    if (!directives) continue;
    const model = o.models.get(name);
    let instance: PluginInstance | undefined;
    if (model) instance = model.setup(directives, block, o.corefile.file, o.version, env);
    else if (!NO_EFFECT_ON_ANSWERS.has(name)) instance = unmodelledPlugin(name);
    if (!instance) continue;
    instances.push(instance);
    byPlugin.set(name, instance);
  }
  return linkChain(instances, o.ctx);
}

/** Link instances so each one's `next` is the rest of the chain; past the end is NextOrFailure's SERVFAIL. */
function linkChain(instances: PluginInstance[], ctx: ChainContext): Next {
  let next: Next = () => {
    ctx.explain(
      'no plugin left in the chain to hand the query to → SERVFAIL — CoreDNS plugin/plugin.go NextOrFailure',
    );
    return { written: false, rcode: 'SERVFAIL' };
  };
  for (let i = instances.length - 1; i >= 0; i--) {
    const instance = instances[i] as PluginInstance;
    const after = next;
    next = (req) => instance.serve(req, ctx, after);
  }
  return next;
}

/** core/dnsserver/server.go ServeDNS for one listener. */
function serveOn(listener: Listener, req: Request, qclass: string, ctx: ChainContext): Outcome {
  // A class other than IN is refused unless a block runs `chaos` (server.go classChaos).
  if (qclass !== 'IN') {
    const chaos = [...listener.zones.values()].some((c) =>
      c.block.directives.some((d) => d.name === 'chaos'),
    );
    if (!chaos) {
      ctx.explain(
        `class ${qclass} is not IN and no server block runs chaos → REFUSED — CoreDNS core/dnsserver/server.go`,
      );
      return written(bareReply('REFUSED'));
    }
    ctx.unmodelled('chaos');
  }
  const chain = selectBlock(listener, req, ctx);
  if (!chain) {
    ctx.explain(`no server block's zone contains ${req.name} → REFUSED — CoreDNS core/dnsserver/server.go`);
    return written(bareReply('REFUSED'));
  }
  if (!chain.first) {
    ctx.explain('the matching server block has no plugins → REFUSED — CoreDNS core/dnsserver/server.go');
    return written(bareReply('REFUSED'));
  }
  const out = chain.first(req);
  if (out.written) return out;
  if (serverWritesFor(out.rcode)) {
    ctx.explain(
      `the chain returned ${out.rcode} without writing: the server sends a bare ${out.rcode} — CoreDNS plugin/plugin.go ClientWrite`,
    );
    return written(bareReply(out.rcode));
  }
  ctx.explain(
    `the chain returned ${out.rcode} without writing a reply: nothing is sent — CoreDNS plugin/plugin.go ClientWrite`,
  );
  return { written: true, message: bareReply('SERVFAIL'), unknown: true };
}

/**
 * Longest zone suffix of the lowercased qname, label by label; a DS question keeps searching and
 * takes the shortest (parent-most) matching zone; the root zone is the last resort.
 */
function selectBlock(listener: Listener, req: Request, ctx: ChainContext): BlockChain | undefined {
  // A listener serving only the root zone (the usual cluster Corefile) has nothing to choose.
  if (listener.rootOnly) return listener.zones.get('.');
  const q = req.name.toLowerCase();
  let ds: BlockChain | undefined;
  let off = 0;
  for (;;) {
    const hit = listener.zones.get(off === 0 ? q : q.slice(off));
    if (hit) {
      if (req.type !== 'DS') return hit;
      ds = hit;
    }
    const dot = q.indexOf('.', off);
    if (dot === -1 || dot === q.length - 1) break;
    off = dot + 1;
  }
  if (ds) {
    ctx.explain(
      'a DS question is routed to the parent-most matching zone — CoreDNS core/dnsserver/server.go',
    );
    return ds;
  }
  return listener.zones.get('.');
}
