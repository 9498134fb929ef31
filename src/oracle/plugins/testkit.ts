/**
 * Test helpers for plugin models: a harness that serves questions through the real Corefile
 * parser, server and chain code.
 */

import type { ClusterIndex } from '../../cluster/types.ts';
import { parseCorefile } from '../../corefile/parse.ts';
import type { Corefile, Directive } from '../../corefile/types.ts';
import type { ResourceRecord } from '../../dns/message.ts';
import { InputError } from '../../errors.ts';
import type { ChainContext, Outcome, PluginModel, Request } from '../chain.ts';
import { buildServers } from '../server.ts';
import { profileFor } from '../versions.ts';

/** Read a Corefile with the project's parser (src/corefile), named `Corefile` in error positions. */
export function corefile(text: string, file = 'Corefile'): Corefile {
  return parseCorefile(text, file);
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
