/**
 * The oracle: what CoreDNS answers, predicted from cluster state and a Corefile. Pure — no I/O,
 * no clock, no randomness — and built once per (state, Corefile, version), then asked many times.
 */
import type { ClusterIndex } from '../cluster/types.ts';
import type { Corefile } from '../corefile/types.ts';
import type { ResourceRecord } from '../dns/message.ts';
import type { ChainContext, PluginModel, Request } from './chain.ts';
import { autopathPlugin } from './plugins/autopath/autopath.ts';
import { cachePlugin } from './plugins/cache/cache.ts';
import { forwardPlugin } from './plugins/forward/forward.ts';
import { hostsPlugin } from './plugins/hosts/hosts.ts';
import { k8sExternalPlugin } from './plugins/k8s_external/k8s_external.ts';
import { kubernetesPlugin } from './plugins/kubernetes/kubernetes.ts';
import { loadbalancePlugin } from './plugins/loadbalance/loadbalance.ts';
import { rewritePlugin } from './plugins/rewrite/rewrite.ts';
import { templatePlugin } from './plugins/template/template.ts';
import { bareReply, buildServers, type Servers } from './server.ts';
import type { OracleQuery, Prediction } from './types.ts';
import { profileFor } from './versions.ts';

/** Every modelled plugin, by directive name. */
export const PLUGIN_MODELS: ReadonlyMap<string, PluginModel> = new Map(
  [
    autopathPlugin,
    cachePlugin,
    forwardPlugin,
    hostsPlugin,
    k8sExternalPlugin,
    kubernetesPlugin,
    loadbalancePlugin,
    rewritePlugin,
    templatePlugin,
  ].map((m) => [m.name, m]),
);

export interface OracleInput {
  state: ClusterIndex;
  corefile: Corefile;
  /** CoreDNS version, e.g. `1.12.1`. */
  version: string;
  /** Records the fake upstream behind `forward` serves; absent = forwarded answers are unknown. */
  upstream?: ResourceRecord[];
  /** Contents of files the Corefile names (hosts files, resolv.conf), by path. */
  files?: Record<string, string>;
  /** The CoreDNS process's own addresses. */
  serverIPs?: string[];
  /** Plugin models to use instead of PLUGIN_MODELS (tests). */
  models?: ReadonlyMap<string, PluginModel>;
}

export interface Oracle {
  predict(q: OracleQuery): Prediction;
  /** Ports with a plain-DNS server block. */
  ports(): number[];
}

/** Re-entrant lookups (upstream.Lookup) deeper than this are cut off: a CNAME or rewrite loop. */
const MAX_LOOKUP_DEPTH = 16;

export function createOracle(input: OracleInput): Oracle {
  const profile = profileFor(input.version);
  let explain: string[] = [];
  let unmodelled: string[] = [];
  let depth = 0;
  let servers: Servers | undefined;
  const ctx: ChainContext = {
    state: input.state,
    version: profile,
    explain: (rule) => {
      explain.push(rule);
    },
    unmodelled: (plugin) => {
      if (!unmodelled.includes(plugin)) unmodelled.push(plugin);
    },
    lookup(req: Request) {
      if (depth >= MAX_LOOKUP_DEPTH) {
        explain.push(`lookup of ${req.name} ${req.type} nested ${depth} deep: treated as SERVFAIL`);
        return { written: true, message: bareReply('SERVFAIL') };
      }
      depth++;
      try {
        return (servers as Servers).serve(req);
      } finally {
        depth--;
      }
    },
  };
  servers = buildServers({
    corefile: input.corefile,
    version: profile,
    models: input.models ?? PLUGIN_MODELS,
    env: { files: input.files ?? {}, upstream: input.upstream, serverIPs: input.serverIPs ?? [] },
    ctx,
  });
  const built = servers;
  return {
    ports: () => built.ports(),
    predict(q) {
      explain = [];
      unmodelled = [];
      depth = 0;
      const req: Request = {
        name: q.name,
        type: q.type.toUpperCase(),
        clientIP: q.clientIP,
        port: q.port ?? 53,
      };
      const out = built.serve(req, q.class);
      if (!out.written) throw new Error('the server always writes a reply');
      const p: Prediction = {
        query: { name: q.name, type: req.type },
        message: out.message,
        ordered: out.ordered !== false,
        explain,
        unmodelled,
      };
      if (out.ttlRanges) p.ttlRanges = out.ttlRanges;
      if (out.forwardedTo !== undefined) p.forwardedTo = out.forwardedTo;
      if (out.unknown) p.unknown = true;
      return p;
    },
  };
}
