/**
 * Test helpers for plugin models: a small Corefile reader (server block keys, directives, nested
 * blocks, comments) and a harness that serves questions through the real server and chain code.
 */

import type { ClusterIndex } from '../../cluster/types.ts';
import type { Corefile, Directive, ServerBlock, ServerKey } from '../../corefile/types.ts';
import type { ResourceRecord } from '../../dns/message.ts';
import { InputError } from '../../errors.ts';
import type { ChainContext, Outcome, PluginModel, Request } from '../chain.ts';
import { buildServers, normalizeZoneArg } from '../server.ts';
import { profileFor } from '../versions.ts';

interface Token {
  text: string;
  line: number;
  col: number;
}

function tokenize(text: string): Token[][] {
  const lines: Token[][] = [];
  text.split('\n').forEach((raw, i) => {
    const line: Token[] = [];
    const re = /#.*$|"[^"]*"|\S+/g;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      if (m[0].startsWith('#')) break;
      line.push({ text: m[0].replace(/^"(.*)"$/, '$1'), line: i + 1, col: m.index + 1 });
    }
    if (line.length) lines.push(line);
  });
  return lines;
}

function key(t: Token): ServerKey {
  const m = /^(?:(dns):\/\/)?(.+?)(?::(\d+))?$/.exec(t.text) as RegExpExecArray;
  return {
    raw: t.text,
    scheme: 'dns',
    zones: normalizeZoneArg(m[2] as string),
    port: m[3] ? Number(m[3]) : 53,
    pos: { line: t.line, col: t.col },
  };
}

/** Read a Corefile as the tests write it: `keys {` on one line, one directive per line, `}` alone. */
export function corefile(text: string, file = 'Corefile'): Corefile {
  const lines = tokenize(text);
  const blocks: ServerBlock[] = [];
  let i = 0;
  const directives = (): Directive[] => {
    const out: Directive[] = [];
    for (; i < lines.length; ) {
      const l = lines[i] as Token[];
      if (l[0]?.text === '}') {
        i++;
        return out;
      }
      i++;
      const first = l[0] as Token;
      const open = l.at(-1)?.text === '{';
      const args = (open ? l.slice(1, -1) : l.slice(1)).map((t) => t.text);
      out.push({
        name: first.text,
        args,
        block: open ? directives() : undefined,
        pos: { line: first.line, col: first.col },
      });
    }
    return out;
  };
  while (i < lines.length) {
    const l = lines[i] as Token[];
    i++;
    const keys = l.filter((t) => t.text !== '{').map(key);
    blocks.push({ keys, directives: directives(), pos: { line: (l[0] as Token).line, col: 1 } });
  }
  return { file, blocks };
}

export const emptyIndex: ClusterIndex = {
  state: { namespaces: [], services: [], endpointSlices: [], pods: [] },
  namespace: () => undefined,
  service: () => undefined,
  slicesOf: () => [],
  servicesByClusterIP: () => [],
  slicesByAddress: () => [],
  podsByIP: () => [],
  pod: () => undefined,
};

export interface Served {
  out: Extract<Outcome, { written: true }>;
  explain: string[];
  unmodelled: string[];
}

export interface Harness {
  ask(name: string, type: string, opts?: Partial<Request> & { qclass?: string }): Served;
}

/** Build the servers of `text` with `models` and answer questions through them. */
export function harness(
  text: string,
  models: PluginModel[],
  opts: {
    version?: string;
    files?: Record<string, string>;
    upstream?: ResourceRecord[];
    state?: ClusterIndex;
  } = {},
): Harness {
  const version = profileFor(opts.version ?? '1.14.7');
  let explain: string[] = [];
  let unmodelled = new Set<string>();
  const ctx: ChainContext = {
    state: opts.state ?? emptyIndex,
    version,
    explain: (r) => explain.push(r),
    unmodelled: (p) => unmodelled.add(p),
    lookup: (req) => servers.serve(req),
  };
  const servers = buildServers({
    corefile: corefile(text),
    version,
    models: new Map(models.map((m) => [m.name, m])),
    env: { files: opts.files ?? {}, upstream: opts.upstream, serverIPs: [] },
    ctx,
  });
  return {
    ask(name, type, o = {}) {
      explain = [];
      unmodelled = new Set();
      const out = servers.serve({ name, type, clientIP: o.clientIP, port: o.port ?? 53 }, o.qclass);
      if (!out.written) throw new Error('server returned an unwritten outcome');
      return { out, explain, unmodelled: [...unmodelled] };
    },
  };
}

/** A test-only answering plugin: `fixed TYPE DATA [TTL]` answers every question with one record. */
export const fixedPlugin: PluginModel = {
  name: 'whoami',
  setup(directives) {
    const d = directives[0] as Directive;
    return {
      serve(req) {
        const [type = 'A', data = '192.0.2.1', ttl = '60'] = d.args;
        return {
          written: true,
          message: {
            rcode: 'NOERROR',
            flags: { aa: true, tc: false, rd: true, ra: false },
            answer: [{ name: req.name, type, ttl: Number(ttl), data }],
            authority: [],
            additional: [],
          },
        };
      },
    };
  },
};

/** The one line the CLI would print for the InputError `fn` throws (`file:line:col: message`). */
export function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.format();
    throw e;
  }
  throw new Error('expected an InputError, nothing was thrown');
}
