/**
 * BIND's own resolver loop, shared by `dig` and `host` (bin/dig/dighost.c, BIND 9.18): it reads
 * nameservers, search and ndots from resolv.conf but never /etc/hosts, and walks the search list
 * (dig only with `+search`, host always) advancing only on NXDOMAIN.
 */
import type { StubAnswer } from './stub.ts';

export interface BindConfig {
  search: string[];
  ndots: number;
}

/** dighost.c setup_system / get_server_list: the last search/domain line, `options ndots:n`. */
export function readBindResolvConf(text: string): BindConfig {
  const conf: BindConfig = { search: [], ndots: 1 };
  for (const line of text.split('\n')) {
    const [keyword, ...args] = line.trim().split(/\s+/);
    if (keyword === 'search' || keyword === 'domain') conf.search = args;
    if (keyword === 'options') {
      for (const opt of args) {
        const m = /^ndots:(\d+)$/.exec(opt);
        if (m) conf.ndots = Number(m[1]);
      }
    }
  }
  return conf;
}

export interface BindWalk {
  /** Names sent, in order (what `+showsearch` prints), each with its reply. */
  steps: { name: string; reply: StubAnswer }[];
  explain: string[];
}

function absolute(name: string, origin: string | null): string {
  if (name.endsWith('.')) return name;
  if (origin === null || origin === '.' || origin === '') return `${name}.`;
  return `${name}.${origin.replace(/\.$/, '')}.`;
}

/**
 * dighost.c setup_lookup + next_origin:
 * - count_dots(name) (every `.`, a trailing one included) ≥ ndots ⇒ the name as is; next_origin
 *   then refuses to search because the name already has more than ndots labels — as is only;
 * - otherwise the first search domain, then the next on each NXDOMAIN, then the name as is;
 * - a trailing dot makes the name absolute: the first query already is the name itself, and
 *   next_origin stops at once;
 * - any reply other than NXDOMAIN ends the walk (NODATA and SERVFAIL included).
 */
export function bindSearch(
  name: string,
  conf: BindConfig,
  useSearch: boolean,
  ask: (name: string) => StubAnswer,
): BindWalk {
  const explain: string[] = [];
  const dots = [...name].filter((c) => c === '.').length;
  const origins: (string | null)[] =
    !useSearch || dots >= conf.ndots || name.endsWith('.') ? [null] : [...conf.search, null];
  if (!useSearch)
    explain.push(`${name} sent as an absolute name, no search list — BIND dighost.c (usesearch off)`);
  else if (name.endsWith('.')) explain.push(`${name} is absolute → one query — BIND dighost.c next_origin`);
  else if (dots >= conf.ndots) {
    explain.push(
      `${name} has ${dots} dots ≥ ndots ${conf.ndots} → as is only — BIND dighost.c setup_lookup/next_origin`,
    );
  } else {
    explain.push(
      `${name} has ${dots} dots < ndots ${conf.ndots} → each search domain, then as is; only NXDOMAIN moves on — BIND dighost.c next_origin`,
    );
  }
  const steps: BindWalk['steps'] = [];
  for (const origin of origins) {
    const candidate = absolute(name, origin);
    const reply = ask(candidate);
    steps.push({ name: candidate, reply });
    if (reply.rcode !== 'NXDOMAIN') break;
  }
  return { steps, explain };
}
