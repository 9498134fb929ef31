/**
 * `forward FROM TO… { except …; next RCODE…; next_on_nodata; … }` validated as CoreDNS
 * plugin/forward/setup.go (parseStanza, parseBlock) does, per version. A TO that is a file
 * (e.g. /etc/resolv.conf) is read from the files handed to the oracle when present.
 */
import type { Directive, ServerBlock } from '../../../corefile/types.ts';
import type { SetupEnv } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { directiveError, normalizeZoneArg } from '../../server.ts';

export interface ForwardStanza {
  /** Normalized FROM zone. */
  from: string;
  except: string[];
  /** Where queries go, as CoreDNS resolves TO: `ip:port`, or the file's name when its content is not given. */
  to: string[];
  /** `next RCODE…`: hand to the next forward stanza on these upstream rcodes (1.11.4+). */
  nextRcodes: string[];
  /** `next_on_nodata` (1.14.4+). */
  nextOnNodata: boolean;
}

/** Top-level options of a forward block and the first release accepting each (setup.go at each tag). */
const OPTIONS_SINCE: Record<string, string> = {
  except: '1.8.0',
  max_fails: '1.8.0',
  health_check: '1.8.0',
  force_tcp: '1.8.0',
  prefer_udp: '1.8.0',
  tls: '1.8.0',
  tls_servername: '1.8.0',
  expire: '1.8.0',
  policy: '1.8.0',
  max_concurrent: '1.8.0',
  next: '1.11.4',
  failfast_all_unhealthy_upstreams: '1.12.1',
  failover: '1.13.0',
  max_connect_attempts: '1.13.2',
  max_idle_conns: '1.14.1',
  max_age: '1.14.3',
  next_on_nodata: '1.14.4',
  resolver: '1.14.4',
  read_timeout: '1.14.5',
  doh_method: '1.14.5',
  source_address: '1.14.6',
};

const RCODES = new Set([
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
  'BADSIG',
  'BADVERS',
  'BADKEY',
  'BADTIME',
  'BADMODE',
  'BADNAME',
  'BADALG',
  'BADTRUNC',
  'BADCOOKIE',
]);

const MAX_TO = 15;

/** `nameserver` lines of a resolv.conf (miekg/dns ClientConfigFromReader), port 53. */
export function resolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'nameserver' && f[1]) {
      const ip = f[1].split('%')[0] as string;
      out.push(ip.includes(':') ? `[${ip}]:53` : `${ip}:53`);
    }
  }
  return out;
}

/** One TO: an address (default port 53) or a resolv.conf-style file. */
function resolveTo(to: string, env: SetupEnv | undefined): string[] {
  const m = /^(dns|tls|https|grpc|quic):\/\/(.*)$/.exec(to);
  const scheme = m?.[1] ?? 'dns';
  const host = m?.[2] ?? to;
  const port = scheme === 'tls' ? 853 : scheme === 'https' ? 443 : 53;
  const prefix = scheme === 'dns' ? '' : `${scheme}://`;
  if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(host) || /^\[[^\]]+\]:\d+$/.test(host)) return [prefix + host];
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return [`${prefix}${host}:${port}`];
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.includes(':') && /^[0-9a-fA-F:.%]+$/.test(bare)) return [`${prefix}[${bare}]:${port}`];
  const content = env?.files[host];
  if (content !== undefined) return resolvConfNameservers(content);
  return [host];
}

export function parseForward(
  directives: Directive[],
  _block: ServerBlock,
  file: string,
  version: string,
  env: SetupEnv | undefined,
): ForwardStanza[] {
  // Several forward directives per block since 1.9.4 (plugin.ErrOnce before).
  if (!versionAtLeast(version, '1.9.4') && directives[1]) {
    throw directiveError(
      file,
      directives[1],
      'plugin/forward: this plugin can only be used once per Server Block',
    );
  }
  return directives.map((d) => {
    const argErr = (at: Directive) =>
      directiveError(
        file,
        at,
        `plugin/forward: Wrong argument count or unexpected line ending after '${at.args.at(-1) ?? at.name}'`,
      );
    const [fromArg, ...toArgs] = d.args;
    if (fromArg === undefined || toArgs.length === 0) throw argErr(d);
    const from = normalizeZoneArg(fromArg)[0] as string;
    if (toArgs.length > MAX_TO)
      throw directiveError(file, d, `plugin/forward: more than ${MAX_TO} TOs configured: ${toArgs.length}`);
    const stanza: ForwardStanza = {
      from,
      except: [],
      to: toArgs.flatMap((t) => resolveTo(t, env)),
      nextRcodes: [],
      nextOnNodata: false,
    };
    for (const o of d.block ?? []) {
      const since = OPTIONS_SINCE[o.name];
      if (since === undefined || !versionAtLeast(version, since)) {
        throw directiveError(file, o, `plugin/forward: unknown property '${o.name}'`);
      }
      switch (o.name) {
        case 'except':
          if (o.args.length === 0) throw argErr(o);
          stanza.except.push(...o.args.flatMap(normalizeZoneArg));
          break;
        case 'next':
        case 'failover':
          if (o.args.length === 0) throw argErr(o);
          for (const rc of o.args) {
            const up = rc.toUpperCase();
            if (!RCODES.has(up)) throw directiveError(file, o, `plugin/forward: ${rc} is not a valid rcode`);
            if (o.name === 'failover' && up === 'NOERROR')
              throw directiveError(file, o, 'plugin/forward: NoError cannot be used in failover');
            if (o.name === 'next') stanza.nextRcodes.push(up);
          }
          break;
        case 'next_on_nodata':
        case 'force_tcp':
        case 'prefer_udp':
          if (o.args.length !== 0) throw argErr(o);
          if (o.name === 'next_on_nodata') stanza.nextOnNodata = true;
          break;
        case 'policy':
          if (o.args.length === 0) throw argErr(o);
          if (!['random', 'round_robin', 'sequential'].includes(o.args[0] as string)) {
            throw directiveError(file, o, `plugin/forward: unknown policy '${o.args[0]}'`);
          }
          break;
        case 'max_concurrent':
        case 'max_fails':
        case 'max_idle_conns':
        case 'max_connect_attempts':
          if (o.args.length === 0) throw argErr(o);
          if (!/^\d+$/.test(o.args[0] as string)) {
            throw directiveError(
              file,
              o,
              `plugin/forward: strconv.ParseUint: parsing "${o.args[0]}": invalid syntax`,
            );
          }
          break;
        default:
          // Timing, transport and health options: they change when an upstream is used, not what it answers.
          break;
      }
    }
    return stanza;
  });
}
