/**
 * CoreDNS's plugin.cfg per release: the directives a Corefile may use and the order in which the
 * plugins run (outermost first). The order in the Corefile is irrelevant; this list decides.
 * Each row is plugin.cfg at that tag, read with `git show vX.Y.Z:plugin.cfg` (coredns/coredns);
 * a row holds until the next one. 1.15.x is assumed to keep the 1.14.7 list.
 */
import type { Corefile } from '../corefile/types.ts';
import { InputError } from '../errors.ts';

const PLUGIN_CFG: readonly (readonly [since: string, order: string])[] = [
  [
    '1.8.0',
    'metadata cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap dns64 acl any chaos loadbalance cache rewrite dnssec autopath template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign',
  ],
  [
    '1.8.1',
    'metadata cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance cache rewrite dnssec autopath template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign',
  ],
  [
    '1.8.4',
    'metadata cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance cache rewrite dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign',
  ],
  [
    '1.8.5',
    'metadata geoip cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign',
  ],
  [
    '1.9.4',
    'metadata geoip cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign',
  ],
  [
    '1.10.0',
    'metadata geoip cancel tls reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view',
  ],
  [
    '1.10.1',
    'metadata geoip cancel tls timeouts reload nsid bufsize root bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view',
  ],
  [
    '1.11.3',
    'root metadata geoip cancel tls timeouts reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view',
  ],
  [
    '1.12.0',
    'root metadata geoip cancel tls timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view',
  ],
  [
    '1.12.2',
    'root metadata geoip cancel tls quic timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view',
  ],
  [
    '1.13.0',
    'root metadata geoip cancel tls quic timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad',
  ],
  [
    '1.14.0',
    'root metadata geoip cancel tls quic grpc_server https https3 timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad',
  ],
  // acl moved behind rewrite (commit 4411cff7).
  [
    '1.14.2',
    'root metadata geoip cancel tls quic grpc_server https https3 timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 any chaos loadbalance tsig cache rewrite acl header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad',
  ],
  [
    '1.14.3',
    'root metadata geoip cancel tls proxyproto quic grpc_server https https3 timeouts multisocket reload nsid bufsize bind debug trace ready health pprof prometheus errors log dnstap local dns64 any chaos loadbalance tsig cache rewrite acl header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad',
  ],
  // rewrite and autopath now wrap cache (commits 1ba14119, 18a58b9e).
  [
    '1.14.7',
    'root metadata geoip cancel proxyproto quic grpc_server https https3 timeouts multisocket reload nsid bufsize bind debug trace ready health pprof shed prometheus errors log dnstap local dns64 any chaos loadbalance tsig rewrite autopath acl cache header dnssec tls minimal template transfer hosts route53 azure clouddns k8s_external kubernetes file auto secondary etcd loop forward grpc erratic whoami on sign view nomad',
  ],
];

export const OLDEST_SUPPORTED_VERSION = '1.8.0';

/** `1.14.7` → [1, 14, 7]; undefined for anything else. */
export function parseVersion(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const ordinals = new Map<string, number>();

/** A version as one comparable number (memoised: version checks sit on the prediction path). */
function ordinal(version: string): number {
  let n = ordinals.get(version);
  if (n === undefined) {
    const v = parseVersion(version);
    if (!v) throw new Error(`not a CoreDNS version: '${version}'`);
    n = v[0] * 1_000_000 + v[1] * 1_000 + v[2];
    ordinals.set(version, n);
  }
  return n;
}

export function compareVersions(a: string, b: string): number {
  return ordinal(a) - ordinal(b);
}

/** True when `version` is `since` or later: the rule introduced in `since` applies. */
export function versionAtLeast(version: string, since: string): boolean {
  return ordinal(version) >= ordinal(since);
}

const orderCache = new Map<string, readonly string[]>();

/** The plugins of plugin.cfg at `version`, outermost (first to see a query) first. */
export function pluginOrder(version: string): readonly string[] {
  const cached = orderCache.get(version);
  if (cached) return cached;
  if (!versionAtLeast(version, OLDEST_SUPPORTED_VERSION)) {
    throw new Error(
      `CoreDNS ${version} is older than the oldest modelled release ${OLDEST_SUPPORTED_VERSION}`,
    );
  }
  let row = PLUGIN_CFG[0]?.[1] ?? '';
  for (const [since, order] of PLUGIN_CFG) if (versionAtLeast(version, since)) row = order;
  const order = row.split(' ');
  orderCache.set(version, order);
  return order;
}

/** The position of a directive in the chain (lower runs first), or -1 when CoreDNS does not know it. */
export function pluginRank(version: string, directive: string): number {
  return pluginOrder(version).indexOf(directive);
}

/**
 * CoreDNS refuses a Corefile naming a directive its plugin.cfg lacks (caddy: "unknown directive").
 * core/dnsserver/directives.go is generated from plugin.cfg.
 */
export function checkDirectives(corefile: Corefile, version: string): void {
  const known = new Set(pluginOrder(version));
  for (const block of corefile.blocks) {
    for (const d of block.directives) {
      if (!known.has(d.name)) {
        throw new InputError(`unknown directive '${d.name}' (not in CoreDNS ${version}'s plugin.cfg)`, {
          file: corefile.file,
          line: d.pos.line,
          col: d.pos.col,
        });
      }
    }
  }
}
