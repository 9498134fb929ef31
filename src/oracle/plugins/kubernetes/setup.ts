/**
 * The `kubernetes` directive as CoreDNS reads it (plugin/kubernetes/setup.go kubernetesParse,
 * ParseStanza; plugin/kubernetes/local.go boundIPs). Everything CoreDNS refuses at load time is an
 * InputError at the directive's (or the offending option's) file:line:col.
 */
import type { Directive, ServerBlock } from '../../../corefile/types.ts';
import type { SetupEnv } from '../../chain.ts';
import { directiveError, normalizeName, normalizeZoneArg, originsFromArgsOrBlock } from '../../server.ts';
import type { VersionProfile } from '../../versions.ts';
import { canonicalIP, parseIP } from '../ip.ts';
import { parseSelector, type Selector } from './labels.ts';

export type PodMode = 'disabled' | 'insecure' | 'verified';

/** What the plugin instance knows after setup (the Kubernetes struct and its dnsControlOpts). */
export interface KubernetesConfig {
  /** Lowercase, fully qualified; CIDR arguments already expanded to reverse zones. */
  zones: string[];
  /** First zone that dnsutil.IsReverse does not flag: PTR targets live here. */
  primaryZone: string;
  /** `namespaces`: empty = every namespace. */
  namespaces: ReadonlySet<string>;
  namespaceLabels: Selector | undefined;
  labels: Selector | undefined;
  podMode: PodMode;
  endpointPodNames: boolean;
  ttl: number;
  /** false with `noendpoints`: the EndpointSlice informer does not run. */
  endpoints: boolean;
  /** `fallthrough [ZONES…]`: undefined when absent, `['.']` when given without zones. */
  fallthrough: string[] | undefined;
  ignoreEmptyService: boolean;
  multicluster: string[];
  zonal: boolean;
  /** Search entries of CoreDNS's own /etc/resolv.conf (autopath), lowercase and fully qualified. */
  resolvSearch: string[];
  /** The process's non-loopback addresses (none when the block uses `bind`), Go-canonical. */
  localIPs: string[];
}

const DEFAULT_TTL = 5;

/** dnsutil.IsReverse: names *below* in-addr.arpa./ip6.arpa. (the bare apexes are not "reverse"). */
export function isReverse(name: string): boolean {
  return name.endsWith('.in-addr.arpa.') || name.endsWith('.ip6.arpa.');
}

/** miekg/dns ClientConfigFromReader: the last `search` or `domain` line wins. */
function searchOf(resolvConf: string): string[] {
  let search: string[] = [];
  for (const line of resolvConf.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'search') search = f.slice(1);
    else if (f[0] === 'domain' && f[1]) search = [f[1]];
  }
  return search.map(normalizeName);
}

/** local.go boundIPs: interface addresses without loopback; with `bind`, ParseCIDR fails on every listen host → none. */
function localIPs(block: ServerBlock, env: SetupEnv | undefined): string[] {
  if (block.directives.some((d) => d.name === 'bind')) return [];
  const out: string[] = [];
  for (const text of env?.serverIPs ?? []) {
    const ip = parseIP(text);
    if (!ip) continue;
    const loopback =
      ip.family === 4 ? ip.bytes[0] === 127 : ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
    if (!loopback) out.push(canonicalIP(text) as string);
  }
  return out;
}

/** Go strconv.Atoi (the subset a Corefile can hold): optional sign, decimal digits. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** Go time.ParseDuration, enough to accept or refuse: `300ms`, `5s`, `1m30s`, `0`. */
function isGoDuration(s: string): boolean {
  return s === '0' || /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/.test(s);
}

export function parseKubernetes(
  directives: Directive[],
  block: ServerBlock,
  file: string,
  version: VersionProfile,
  env: SetupEnv | undefined,
): KubernetesConfig {
  const d = directives[0] as Directive;
  // kubernetesParse: a second `kubernetes` in the same server block → plugin.ErrOnce.
  const second = directives[1];
  if (second) {
    throw directiveError(
      file,
      second,
      'plugin/kubernetes: this plugin can only be used once per Server Block',
    );
  }
  const fail = (at: Directive, message: string) => directiveError(file, at, `plugin/kubernetes: ${message}`);
  const argErr = (o: Directive) =>
    fail(o, `Wrong argument count or unexpected line ending after '${o.name}'`);

  const zones = originsFromArgsOrBlock(d.args, block);
  const primaryZone = zones.find((z) => !isReverse(z));
  if (primaryZone === undefined) throw fail(d, 'non-reverse zone name must be used');

  const namespaces = new Set<string>();
  const c: KubernetesConfig = {
    zones,
    primaryZone,
    namespaces,
    namespaceLabels: undefined,
    labels: undefined,
    podMode: 'disabled',
    endpointPodNames: false,
    ttl: DEFAULT_TTL,
    endpoints: true,
    fallthrough: undefined,
    ignoreEmptyService: false,
    multicluster: [],
    zonal: false,
    resolvSearch: env?.files['/etc/resolv.conf'] !== undefined ? searchOf(env.files['/etc/resolv.conf']) : [],
    localIPs: localIPs(block, env),
  };

  const selector = (o: Directive, what: string): Selector => {
    const text = o.args.join(' ');
    try {
      return parseSelector(text);
    } catch (e) {
      throw fail(o, `unable to parse ${what} selector value: '${text}': ${(e as Error).message}`);
    }
  };
  const unknown = (o: Directive) => fail(o, `unknown property '${o.name}'`);

  for (const o of d.block ?? []) {
    const a = o.args;
    switch (o.name) {
      case 'endpoint_pod_names':
        if (a.length > 0) throw argErr(o);
        c.endpointPodNames = true;
        break;
      case 'pods': {
        if (a.length !== 1) throw argErr(o);
        const mode = a[0] as string;
        if (mode !== 'disabled' && mode !== 'insecure' && mode !== 'verified') {
          throw fail(o, `wrong value for pods: ${mode},  must be one of: disabled, verified, insecure`);
        }
        c.podMode = mode;
        break;
      }
      case 'namespaces':
        if (a.length === 0) throw argErr(o);
        for (const ns of a) namespaces.add(ns);
        break;
      case 'endpoint':
        // Connection only (reference §1.2); several URLs are accepted, the first is used.
        if (a.length === 0) throw argErr(o);
        break;
      case 'tls':
        if (a.length !== 3) throw argErr(o);
        break;
      case 'kubeconfig':
        if (a.length !== 1 && a.length !== 2) throw argErr(o);
        break;
      case 'labels':
        if (a.length === 0) throw argErr(o);
        c.labels = selector(o, 'label');
        break;
      case 'namespace_labels':
        if (a.length === 0) throw argErr(o);
        c.namespaceLabels = selector(o, 'namespace_label');
        break;
      case 'fallthrough':
        // fall.SetZonesFromArgs: no zones = the root zone, i.e. everything.
        c.fallthrough = a.length === 0 ? ['.'] : a.flatMap(normalizeZoneArg);
        break;
      case 'ttl': {
        const t = a[0];
        if (t === undefined) throw argErr(o);
        const n = atoi(t);
        if (n === undefined) throw fail(o, `strconv.Atoi: parsing "${t}": invalid syntax`);
        if (n < 0 || n > 3600) throw fail(o, `ttl must be in range [0, 3600]: ${n}`);
        c.ttl = n;
        break;
      }
      case 'noendpoints':
        if (a.length !== 0) throw argErr(o);
        c.endpoints = false;
        break;
      case 'ignore':
        // `ignore` alone is accepted and does nothing; only `empty_service` is known.
        if (a.length > 0) {
          if (a[0] !== 'empty_service') throw fail(o, `unable to parse ignore value: '${a[0]}'`);
          c.ignoreEmptyService = true;
        }
        break;
      case 'multicluster':
        if (!version.multiclusterOption) throw unknown(o);
        c.multicluster = a.flatMap(normalizeZoneArg);
        break;
      case 'startup_timeout':
        if (!version.startupTimeoutOption) throw unknown(o);
        if (a.length === 0) throw argErr(o);
        if (!isGoDuration(a[0] as string)) {
          throw fail(o, `failed to parse startup_timeout: ${a[0]}, time: invalid duration "${a[0]}"`);
        }
        break;
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight': {
        if (!version.apiserverThrottleOptions) throw unknown(o);
        if (a.length !== 1) throw argErr(o);
        const v = a[0] as string;
        const n =
          o.name === 'apiserver_qps'
            ? /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)
              ? Number(v)
              : undefined
            : atoi(v);
        if (n === undefined) throw fail(o, `invalid ${o.name} "${v}": invalid syntax`);
        if (n < 0) throw fail(o, `${o.name} must be >= 0`);
        break;
      }
      case 'zonal':
        if (!version.zonalOption) throw unknown(o);
        if (a.length !== 0) throw argErr(o);
        c.zonal = true;
        break;
      default:
        throw unknown(o);
    }
  }

  if (namespaces.size > 0 && c.namespaceLabels) {
    throw fail(d, 'namespaces and namespace_labels cannot both be set');
  }
  for (const z of c.multicluster) {
    if (!zones.includes(z)) {
      throw fail(
        d,
        `is not authoritative for the multicluster zone ${z} (authoritative zones: [${zones.join(' ')}])`,
      );
    }
  }
  if (c.zonal && !c.endpoints) throw fail(d, 'zonal requires the endpoint cache; remove noendpoints');
  return c;
}
