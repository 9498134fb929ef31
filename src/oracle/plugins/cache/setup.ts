/**
 * `cache [TTL] [ZONES…] { success CAP [TTL [MINTTL]]; denial CAP [TTL [MINTTL]]; prefetch …;
 * serve_stale …; serve_stale_policy …; servfail DUR; disable success|denial [ZONES…]; keepttl }`
 * validated as CoreDNS plugin/cache/setup.go (cacheParse) does, per version.
 */
import type { Directive, ServerBlock } from '../../../corefile/types.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import { directiveError, normalizeName, originsFromArgsOrBlock } from '../../server.ts';

export interface CacheConfig {
  zones: string[];
  /** Cap of the success cache (seconds): `cache TTL` or `success CAP TTL`; default 3600. */
  pttl: number;
  /** Floor for success replies; default 5. */
  minpttl: number;
  /** Cap of the denial cache; default 1800. */
  nttl: number;
  minnttl: number;
  /** How long a plugin-written SERVFAIL is kept (`servfail`); default 5 s. */
  failttl: number;
  /** `disable success ZONES`: replies for these names are not stored in the success cache. */
  successExcept: string[];
  denialExcept: string[];
  keepttl: boolean;
  /** `serve_stale`: expired entries are served (TTL = staleTTL, default 0). */
  serveStale: boolean;
  staleTTL: number;
}

// plugin/cache/cache.go New() and plugin/pkg/dnsutil/ttl.go constants.
const MAX_TTL = 3600;
const MAX_NTTL = 1800;
const MIN_TTL = 5;

/** Options of the cache block and the first release that accepts each (plugin/cache/setup.go at each tag). */
const OPTIONS_SINCE: Record<string, string> = {
  success: '1.8.0',
  denial: '1.8.0',
  prefetch: '1.8.0',
  serve_stale: '1.8.0',
  servfail: '1.9.4',
  disable: '1.9.4',
  keepttl: '1.10.1',
  serve_stale_policy: '1.14.7',
};

function int(file: string, d: Directive, s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw directiveError(file, d, `strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

/** Go time.ParseDuration, enough for cache options: `30s`, `1h`, `1m30s`, `0`. Returns seconds. */
export function parseDuration(file: string, d: Directive, s: string): number {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let sign = 1;
  let rest = s;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  }
  let total = 0;
  let m: RegExpExecArray | null;
  let consumed = 0;
  re.lastIndex = 0;
  for (;;) {
    m = re.exec(rest);
    if (!m) break;
    total += Number(m[1]) * (unit[m[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== rest.length)
    throw directiveError(file, d, `time: invalid duration "${s}"`);
  return sign * total;
}

export function parseCache(
  directives: Directive[],
  block: ServerBlock,
  file: string,
  version: string,
): CacheConfig {
  const [d, again] = directives as [Directive, Directive | undefined];
  if (again)
    throw directiveError(file, again, 'plugin/cache: this plugin can only be used once per Server Block');
  const c: CacheConfig = {
    zones: [],
    pttl: MAX_TTL,
    minpttl: MIN_TTL,
    nttl: MAX_NTTL,
    minnttl: MIN_TTL,
    failttl: MIN_TTL,
    successExcept: [],
    denialExcept: [],
    keepttl: false,
    serveStale: false,
    staleTTL: 0,
  };
  let args = d.args;
  if (args[0] !== undefined && /^[+-]?\d+$/.test(args[0])) {
    const ttl = Number(args[0]);
    if (ttl <= 0)
      throw directiveError(file, d, `plugin/cache: cache TTL can not be zero or negative: ${ttl}`);
    c.pttl = ttl;
    c.nttl = ttl;
    args = args.slice(1);
  }
  c.zones = originsFromArgsOrBlock(args, block);
  let policy = false;
  for (const o of d.block ?? []) {
    const since = OPTIONS_SINCE[o.name];
    const a = o.args;
    if (since === undefined || !versionAtLeast(version, since)) {
      throw directiveError(
        file,
        o,
        `plugin/cache: Wrong argument count or unexpected line ending after '${o.name}'`,
      );
    }
    const argErr = () =>
      directiveError(
        file,
        o,
        `plugin/cache: Wrong argument count or unexpected line ending after '${a.at(-1) ?? o.name}'`,
      );
    switch (o.name) {
      case 'success':
      case 'denial': {
        if (a.length === 0) throw argErr();
        int(file, o, a[0] as string);
        if (a[1] !== undefined) {
          const ttl = int(file, o, a[1]);
          if (ttl <= 0)
            throw directiveError(file, o, `plugin/cache: cache TTL can not be zero or negative: ${ttl}`);
          if (o.name === 'success') c.pttl = ttl;
          else c.nttl = ttl;
          if (a[2] !== undefined) {
            const min = int(file, o, a[2]);
            if (min < 0)
              throw directiveError(file, o, `plugin/cache: cache min TTL can not be negative: ${min}`);
            if (o.name === 'success') c.minpttl = min;
            else c.minnttl = min;
          }
        }
        break;
      }
      case 'prefetch': {
        if (a.length === 0 || a.length > 3) throw argErr();
        const amount = int(file, o, a[0] as string);
        if (amount < 0)
          throw directiveError(file, o, `plugin/cache: prefetch amount should be positive: ${amount}`);
        if (a[1] !== undefined) parseDuration(file, o, a[1]);
        if (a[2] !== undefined) {
          if (!a[2].endsWith('%')) {
            throw directiveError(
              file,
              o,
              `plugin/cache: last character of percentage should be \`%\`, but is: '${a[2].at(-1)}'`,
            );
          }
          const pct = int(file, o, a[2].slice(0, -1));
          if (pct < 10 || pct > 90)
            throw directiveError(file, o, `plugin/cache: percentage should fall in range [10, 90]: ${pct}`);
        }
        break;
      }
      case 'serve_stale': {
        const max = versionAtLeast(version, '1.14.7')
          ? 5
          : versionAtLeast(version, '1.14.6')
            ? 3
            : versionAtLeast(version, '1.9.4')
              ? 2
              : 1;
        if (a.length > max) throw argErr();
        c.serveStale = true;
        if (a[0] !== undefined && parseDuration(file, o, a[0]) < 0) {
          throw directiveError(file, o, 'plugin/cache: invalid negative duration for serve_stale');
        }
        const mode = a[1]?.toLowerCase();
        if (mode !== undefined && mode !== 'immediate' && mode !== 'verify') {
          throw directiveError(file, o, `plugin/cache: invalid value for serve_stale refresh mode: ${mode}`);
        }
        // RESPONSE_TTL: third argument in immediate mode, fourth in verify mode (README).
        const ttlArg = mode === 'verify' ? a[3] : a[2];
        if (ttlArg !== undefined) c.staleTTL = Math.floor(parseDuration(file, o, ttlArg));
        break;
      }
      case 'serve_stale_policy': {
        if (a.length !== 1) throw argErr();
        if (policy)
          throw directiveError(file, o, 'plugin/cache: serve_stale_policy can only be specified once');
        policy = true;
        if ((a[0] as string).toLowerCase() !== 'prefer_positive') {
          throw directiveError(file, o, `plugin/cache: invalid serve_stale_policy: ${a[0]}`);
        }
        break;
      }
      case 'servfail': {
        if (a.length !== 1) throw argErr();
        const dur = parseDuration(file, o, a[0] as string);
        if (dur < 0) throw directiveError(file, o, 'plugin/cache: invalid negative ttl for servfail');
        if (dur > 300)
          throw directiveError(
            file,
            o,
            'plugin/cache: caching SERVFAIL responses over 5 minutes is not permitted',
          );
        c.failttl = Math.floor(dur);
        break;
      }
      case 'disable': {
        if (a.length < 1) throw argErr();
        const zones = a.length > 1 ? a.slice(1).map(normalizeName) : ['.'];
        if (a[0] === 'success') c.successExcept = zones;
        else if (a[0] === 'denial') c.denialExcept = zones;
        else
          throw directiveError(file, o, 'plugin/cache: cache type for disable must be "success" or "denial"');
        break;
      }
      case 'keepttl':
        if (a.length !== 0) throw argErr();
        c.keepttl = true;
        break;
    }
  }
  if (policy && !c.serveStale)
    throw directiveError(file, d, 'plugin/cache: serve_stale_policy requires serve_stale');
  return c;
}
