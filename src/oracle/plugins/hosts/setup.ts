/**
 * `hosts [FILE [ZONES…]] { [INLINE…]; ttl SECONDS; no_reverse; reload DURATION; fallthrough [ZONES…];
 * fallthrough_unsupported }` validated as CoreDNS plugin/hosts/setup.go (hostsParse) does, and the
 * hosts file read as plugin/hosts/hostsfile.go (parse) does. The file's content comes from the
 * files handed to the oracle (the oracle does no I/O).
 */
import type { Directive, ServerBlock } from '../../../corefile/types.ts';
import type { SetupEnv } from '../../chain.ts';
import { versionAtLeast } from '../../plugincfg.ts';
import {
  directiveError,
  matchZone,
  normalizeName,
  normalizeZoneArg,
  originsFromArgsOrBlock,
} from '../../server.ts';
import { parseDuration } from '../cache/setup.ts';
import { formatIP, parseIP } from '../ip.ts';

/** One parsed hosts source: names → addresses per family, address → names (hostsfile.go Map). */
export interface HostsMap {
  name4: Map<string, string[]>;
  name6: Map<string, string[]>;
  /** `*.example.org.` owners (1.14.5+). */
  wild4: Map<string, string[]>;
  wild6: Map<string, string[]>;
  addr: Map<string, string[]>;
}

export interface HostsConfig {
  path: string;
  /** Whether the file's content was handed to the oracle. */
  fileKnown: boolean;
  origins: string[];
  /** The file is looked up before the inline entries (lookupStaticHostFamily appends inline after). */
  file: HostsMap;
  inline: HostsMap;
  ttl: number;
  /** fallthrough zones; undefined when not configured. */
  fall: string[] | undefined;
  fallthroughUnsupported: boolean;
}

function emptyMap(): HostsMap {
  return { name4: new Map(), name6: new Map(), wild4: new Map(), wild6: new Map(), addr: new Map() };
}

function push(m: Map<string, string[]>, k: string, v: string) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** hostsfile.go parse: `IP NAME…` lines, `#` comments, only names inside the origins kept. */
export function parseHosts(text: string, origins: string[], autoReverse: boolean, version: string): HostsMap {
  const m = emptyMap();
  const wildcards = versionAtLeast(version, '1.14.5');
  for (const raw of text.split('\n')) {
    const fields = (raw.split('#')[0] as string).trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2) continue;
    const ip = parseIP(fields[0] as string);
    if (!ip) continue;
    const addr = formatIP(ip);
    for (const f of fields.slice(1)) {
      const name = normalizeName(f);
      if (matchZone(origins, name) === undefined) continue;
      if (wildcards && name.startsWith('*.')) {
        push(ip.family === 4 ? m.wild4 : m.wild6, name, addr);
        continue;
      }
      push(ip.family === 4 ? m.name4 : m.name6, name, addr);
      if (autoReverse) push(m.addr, addr, name);
    }
  }
  return m;
}

export function parseHostsDirective(
  directives: Directive[],
  block: ServerBlock,
  file: string,
  version: string,
  env: SetupEnv | undefined,
): HostsConfig {
  const [d, again] = directives as [Directive, Directive | undefined];
  if (again)
    throw directiveError(file, again, 'plugin/hosts: this plugin can only be used once per Server Block');
  const [path = '/etc/hosts', ...zoneArgs] = d.args;
  const origins = originsFromArgsOrBlock(zoneArgs, block);
  let ttl = 3600;
  let autoReverse = true;
  let fall: string[] | undefined;
  let fallthroughUnsupported = false;
  const inline: string[] = [];
  for (const o of d.block ?? []) {
    switch (o.name) {
      case 'fallthrough':
        fall = o.args.length ? o.args.flatMap(normalizeZoneArg) : ['.'];
        continue;
      case 'fallthrough_unsupported':
        if (!versionAtLeast(version, '1.14.7')) break;
        if (o.args.length !== 0)
          throw directiveError(
            file,
            o,
            "plugin/hosts: Wrong argument count or unexpected line ending after 'fallthrough_unsupported'",
          );
        fallthroughUnsupported = true;
        continue;
      case 'no_reverse':
        autoReverse = false;
        continue;
      case 'ttl': {
        const a = o.args[0];
        if (a === undefined) throw directiveError(file, o, 'plugin/hosts: ttl needs a time in second');
        if (!/^[+-]?\d+$/.test(a))
          throw directiveError(file, o, 'plugin/hosts: ttl needs a number of second');
        const n = Number(a);
        if (n <= 0 || n > 65535) throw directiveError(file, o, 'plugin/hosts: ttl provided is invalid');
        ttl = n;
        continue;
      }
      case 'reload': {
        if (o.args.length !== 1)
          throw directiveError(file, o, 'plugin/hosts: reload needs a duration (zero seconds to disable)');
        if (parseDuration(file, o, o.args[0] as string) < 0) {
          throw directiveError(file, o, `plugin/hosts: invalid negative duration for reload '${o.args[0]}'`);
        }
        continue;
      }
    }
    // Any other line is an inline hosts entry, unless fallthrough came before it.
    if (fall !== undefined) throw directiveError(file, o, `plugin/hosts: unknown property '${o.name}'`);
    inline.push([o.name, ...o.args].join(' '));
  }
  if (fallthroughUnsupported && fall === undefined) {
    throw directiveError(file, d, 'plugin/hosts: fallthrough_unsupported requires fallthrough');
  }
  const content = env?.files[path];
  return {
    path,
    fileKnown: content !== undefined,
    origins,
    file: parseHosts(content ?? '', origins, autoReverse, version),
    inline: parseHosts(inline.join('\n'), origins, autoReverse, version),
    ttl,
    fall,
    fallthroughUnsupported,
  };
}
