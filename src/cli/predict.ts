/**
 * `dnsconform predict`: the oracle on its own. Objects + Corefile in, expected answers out
 * (JSON Lines with --json, dig-like text otherwise). Contract: ARCHITECTURE.md "dnsconform predict".
 */
import { readFile } from 'node:fs/promises';
import { materialise } from '../cluster/controlplane.ts';
import { loadObjectsFile } from '../cluster/load.ts';
import { KIND_DEFAULTS } from '../cluster/options.ts';
import { buildState, indexState } from '../cluster/state.ts';
import type { ClusterIndex, Pod } from '../cluster/types.ts';
import { parseCorefile } from '../corefile/parse.ts';
import { fqdn, type ResourceRecord } from '../dns/message.ts';
import { InputError } from '../errors.ts';
import { predictTool, type ToolPrediction } from '../oracle/client/tools.ts';
import { createOracle } from '../oracle/predict.ts';
import type { Prediction, Tool } from '../oracle/types.ts';
import { DEFAULT_COREDNS_VERSION } from '../oracle/versions.ts';
import { parseFlags } from './args.ts';

const HELP = `usage: dnsconform predict --objects FILE --corefile FILE [--coredns-version X.Y.Z]
                         [--from NS/POD --tool dig|dig-search|getent|ping|host]
                         (--queries FILE | NAME [TYPE]) [--json]

What CoreDNS would answer, predicted from Kubernetes objects and a Corefile (no cluster needed).

  --objects FILE          Namespaces, Services, EndpointSlices, Pods as YAML (multi-document or
                          kind: List) or JSON, e.g. 'kubectl get ns,svc,endpointslices,pods -A -o yaml'.
                          Bare manifests are completed as the control plane would (kind defaults).
  --corefile FILE         The Corefile CoreDNS runs.
  --coredns-version V     CoreDNS release to model (default ${DEFAULT_COREDNS_VERSION}).
  --queries FILE          One 'NAME TYPE' per line; '#' starts a comment.
  NAME [TYPE]             One question (TYPE defaults to A).
  --from NS/POD           Ask from inside this pod, through --tool (the pod's resolver and tool).
  --tool T                dig, dig-search, getent, ping or host.
  --json                  JSON Lines, one object per query, in input order.

Exit status: 0 ok, 2 bad input (one line naming file:line:col).
`;

export interface Question {
  /** Fully qualified: a plain DNS question. */
  name: string;
  type: string;
  /** As written: what a tool inside a pod is given (relative names go through the search list). */
  asWritten: string;
}

const TYPE =
  /^(A|AAAA|ANY|CAA|CNAME|DNAME|DNSKEY|DS|HINFO|HTTPS|MX|NAPTR|NS|PTR|SOA|SRV|SSHFP|SVCB|TLSA|TXT|AXFR|IXFR|TYPE\d+)$/;

/** A question from the command line or a queries file; `where` locates errors. */
function question(
  name: string,
  type: string | undefined,
  where: { file: string; line?: number; nameCol?: number; typeCol?: number },
): Question {
  const t = (type ?? 'A').toUpperCase();
  if (!TYPE.test(t)) {
    throw new InputError(
      `unknown record type '${type}' (A, AAAA, SRV, PTR, TXT, CNAME, MX, NS, SOA, ANY, …)`,
      {
        file: where.file,
        line: where.line,
        col: where.typeCol,
      },
    );
  }
  const n = fqdn(name);
  const labels = n === '.' ? [] : n.slice(0, -1).split('.');
  if (n.length > 254 || labels.some((l) => l.length === 0 || l.length > 63)) {
    throw new InputError(`'${name}' is not a valid domain name (empty label or label over 63 characters)`, {
      file: where.file,
      line: where.line,
      col: where.nameCol,
    });
  }
  return { name: n, type: t, asWritten: name };
}

/** A queries file: `NAME [TYPE]` per line, `#` comments, blank lines ignored. */
export function parseQueries(text: string, file: string): Question[] {
  const out: Question[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '');
    const fields = [...line.matchAll(/\S+/g)];
    if (fields.length === 0) return;
    if (fields.length > 2) {
      throw new InputError(`expected 'NAME TYPE', found ${fields.length} fields`, {
        file,
        line: i + 1,
        col: (fields[2]?.index ?? 0) + 1,
      });
    }
    const [n, t] = fields;
    out.push(
      question((n as RegExpExecArray)[0], t?.[0], {
        file,
        line: i + 1,
        nameCol: (n?.index ?? 0) + 1,
        typeCol: (t?.index ?? 0) + 1,
      }),
    );
  });
  return out;
}

/** One JSON Lines object (contract keys first, then the oracle's extras). */
export function predictionJson(p: Prediction): Record<string, unknown> {
  const m = p.message;
  const o: Record<string, unknown> = {
    query: p.query,
    rcode: m.rcode,
    answer: m.answer,
    authority: m.authority,
    additional: m.additional,
    explain: p.explain,
    flags: m.flags,
    ordered: p.ordered,
  };
  if (p.ttlRanges) o.ttlRanges = p.ttlRanges;
  if (p.forwardedTo !== undefined) o.forwardedTo = p.forwardedTo;
  if (p.unmodelled.length) o.unmodelled = p.unmodelled;
  if (p.unknown) o.unknown = true;
  return o;
}

function rrLine(r: ResourceRecord, range?: { min: number; max: number }): string {
  const ttl =
    range && (range.min !== r.ttl || range.max !== r.ttl)
      ? `${r.ttl} (${range.min}-${range.max})`
      : String(r.ttl);
  return `${r.name}\t${ttl}\tIN\t${r.type}\t${r.data}`;
}

/** dig-like text for one prediction. */
export function predictionText(p: Prediction, version: string): string {
  const m = p.message;
  const flags = ['qr', ...(['aa', 'tc', 'rd', 'ra'] as const).filter((f) => m.flags[f])].join(' ');
  const lines = [
    `; <<>> dnsconform predict (CoreDNS ${version}) <<>> ${p.query.name} ${p.query.type}`,
    `;; ->>HEADER<<- opcode: QUERY, status: ${m.rcode}`,
    `;; flags: ${flags}; QUERY: 1, ANSWER: ${m.answer.length}, AUTHORITY: ${m.authority.length}, ADDITIONAL: ${m.additional.length}`,
    '',
    ';; QUESTION SECTION:',
    `;${p.query.name}\t\tIN\t${p.query.type}`,
  ];
  for (const [title, key] of [
    ['ANSWER', 'answer'],
    ['AUTHORITY', 'authority'],
    ['ADDITIONAL', 'additional'],
  ] as const) {
    if (m[key].length === 0) continue;
    lines.push('', `;; ${title} SECTION:`, ...m[key].map((r, i) => rrLine(r, p.ttlRanges?.[key][i])));
  }
  lines.push('');
  if (p.unknown) lines.push(';; unknown: the oracle cannot know this answer');
  if (p.forwardedTo !== undefined) lines.push(`;; forwarded to: ${p.forwardedTo}`);
  if (!p.ordered) lines.push(';; order: any (records compare as a multiset)');
  if (p.unmodelled.length)
    lines.push(`;; unmodelled plugins that could change this answer: ${p.unmodelled.join(', ')}`);
  for (const e of p.explain) lines.push(`;; explain: ${e}`);
  return `${lines.join('\n')}\n`;
}

const TOOLS: Tool[] = ['dig', 'dig-search', 'getent', 'ping', 'host'];

function podOf(state: ClusterIndex, from: string): Pod {
  const [ns, name] = from.split('/') as [string, string];
  const pod = state.pod(ns, name);
  if (!pod)
    throw new InputError(`--from: no pod '${name}' in namespace '${ns}' among the objects`, {
      file: 'command line',
    });
  return pod;
}

/** A tool prediction as text: what the tool shows, then the questions its resolver sends. */
export function toolText(
  query: { name: string; type: string; from: string; tool: string },
  t: ToolPrediction,
): string {
  const lines = [
    `; ${query.tool} ${query.name} ${query.type} from ${query.from}: ${t.status}${t.unknown ? ' (unknown)' : ''}`,
  ];
  if (t.answeredBy) lines.push(`;; answered by: ${t.answeredBy}${t.source ? ` (${t.source})` : ''}`);
  if (t.addresses.length)
    lines.push(`;; addresses${t.addressesUnordered ? ' (any order)' : ''}: ${t.addresses.join(' ')}`);
  for (const r of t.records) lines.push(`${r.name}\t${r.ttl}\tIN\t${r.type}\t${r.data}`);
  for (const q of t.queries) lines.push(`;; sent: ${q.name} ${q.type} → ${q.rcode}, ${q.answers} answer(s)`);
  for (const e of t.explain) lines.push(`;; explain: ${e}`);
  return `${lines.join('\n')}\n`;
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(
      `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { file: path },
    );
  }
}

export async function predict(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('predict', argv, {
    objects: { type: 'string' },
    corefile: { type: 'string' },
    'coredns-version': { type: 'string' },
    from: { type: 'string' },
    tool: { type: 'string' },
    queries: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const cmd = { file: 'command line' };
  if (!values.objects)
    throw new InputError("--objects FILE is required (see 'dnsconform predict --help')", cmd);
  if (!values.corefile)
    throw new InputError("--corefile FILE is required (see 'dnsconform predict --help')", cmd);
  if (values.queries && positionals.length)
    throw new InputError('give either --queries FILE or NAME [TYPE], not both', cmd);
  if (!values.queries && (positionals.length === 0 || positionals.length > 2)) {
    throw new InputError("expected --queries FILE or NAME [TYPE] (see 'dnsconform predict --help')", cmd);
  }
  if ((values.from === undefined) !== (values.tool === undefined)) {
    throw new InputError('--from NS/POD and --tool T go together', cmd);
  }
  const tool = values.tool;
  if (tool !== undefined && !TOOLS.includes(tool as Tool)) {
    throw new InputError(`--tool '${tool}' is not one of ${TOOLS.join(', ')}`, cmd);
  }
  const from = values.from;
  if (from !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(from))
    throw new InputError(`--from '${from}' is not NS/POD`, cmd);
  const version = values['coredns-version'] ?? DEFAULT_COREDNS_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new InputError(`--coredns-version '${version}' is not X.Y.Z`, cmd);

  const questions = values.queries
    ? parseQueries(await readInput(values.queries, 'the queries file'), values.queries)
    : [question(positionals[0] as string, positionals[1], { file: 'command line' })];
  const corefile = parseCorefile(await readInput(values.corefile, 'the Corefile'), values.corefile);
  const { objects } = loadObjectsFile(values.objects);
  const state = indexState(buildState(materialise(objects, KIND_DEFAULTS)));
  const oracle = createOracle({ state, corefile, version });
  const pod = from === undefined ? undefined : podOf(state, from);
  for (const q of questions) {
    if (pod && tool) {
      const t = predictTool({
        pod,
        tool: tool as Tool,
        name: q.asWritten,
        type: q.type,
        options: KIND_DEFAULTS,
        resolve: (x) => oracle.predict(x),
      });
      const query = { name: q.asWritten, type: q.type, from: from as string, tool };
      process.stdout.write(values.json ? `${JSON.stringify({ query, ...t })}\n` : `${toolText(query, t)}\n`);
      continue;
    }
    const p = oracle.predict(q);
    process.stdout.write(
      values.json ? `${JSON.stringify(predictionJson(p))}\n` : `${predictionText(p, version)}\n`,
    );
  }
  return 0;
}
