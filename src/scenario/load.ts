/**
 * Reads a scenario file (docs/scenario-format.md): YAML, checked key by key, every problem an
 * InputError at file:line:col that says what is allowed. Manifest and Corefile paths are relative
 * to the scenario file; manifests are read and checked by the cluster loader, Corefiles by the
 * Corefile parser, upstream lines by the zone-line reader — each error still points into the file
 * the user wrote.
 */

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import { formatIP, nthAddress, parseCIDR } from '../cluster/ip.ts';
import { loadObjects, loadObjectsFile } from '../cluster/load.ts';
import { type ClusterOptions, KIND_DEFAULTS } from '../cluster/options.ts';
import type { KubeObject } from '../cluster/types.ts';
import { COMPARE_SWITCHES } from '../compare/index.ts';
import { parseCorefile } from '../corefile/parse.ts';
import { fqdn, type ResourceRecord } from '../dns/message.ts';
import { typeNumber } from '../dns/wire.ts';
import { InputError } from '../errors.ts';
import type { Tool } from '../oracle/types.ts';
import { parseZoneLines } from '../upstream/zone.ts';
import { planScenario } from './plan.ts';
import {
  type CorefileVariant,
  type ObjectRef,
  type Scenario,
  type ScenarioDeviation,
  type ScenarioQuery,
  type ScenarioStep,
  TOOLS,
  type Where,
} from './types.ts';

/** The Corefile a scenario runs when it names none: kubeadm's default, as kind installs it. */
export const DEFAULT_COREFILE = fileURLToPath(
  new URL('../../scenarios/corefiles/kind-default.Corefile', import.meta.url),
);
/** `sweep: true` asks up to this many names. */
export const DEFAULT_SWEEP_LIMIT = 400;

const TOP_KEYS = [
  'name',
  'description',
  'source',
  'cluster',
  'corefiles',
  'files',
  'corednsVersions',
  'manifests',
  'upstream',
  'queries',
  'steps',
  'sweep',
  'deviations',
  'compare',
];
const NAME = /^[a-z0-9][a-z0-9._-]*$/;
const RR_TYPE = /^[A-Z][A-Z0-9]*$/;
const FROM = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read scenario: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: path,
    });
  }
  const scenario = new Reader(path, text).scenario();
  planScenario(scenario); // steps must delete objects that exist
  return scenario;
}

class Reader {
  private readonly lc = new LineCounter();
  private readonly doc;
  private readonly dir: string;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {
    this.dir = dirname(file);
    this.doc = parseDocument(text, { lineCounter: this.lc, uniqueKeys: true, keepSourceTokens: false });
    const err = this.doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`malformed YAML: ${msg}`, pos ? { file, ...pos } : { file });
    }
  }

  at(node: unknown): Where {
    const offset = (node as Node | undefined)?.range?.[0] ?? 0;
    return { file: this.file, ...this.lc.linePos(offset) };
  }

  fail(node: unknown, message: string): never {
    throw new InputError(message, this.at(node));
  }

  /** A mapping with only `allowed` keys; returns its values by key (the key nodes for errors). */
  mapping(
    node: unknown,
    what: string,
    allowed: readonly string[],
  ): Map<string, { key: Node; value: unknown }> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value)`);
    const out = new Map<string, { key: Node; value: unknown }>();
    for (const pair of node.items) {
      const key = pair.key as Node;
      const name = isScalar(key) ? String(key.value) : '';
      if (!allowed.includes(name)) {
        this.fail(key, `unknown key '${name}' in ${what}; allowed: ${allowed.join(', ')}`);
      }
      out.set(name, { key, value: pair.value });
    }
    return out;
  }

  str(node: unknown, what: string): string {
    if (!isScalar(node) || typeof node.value !== 'string') this.fail(node, `${what} must be a string`);
    return node.value;
  }

  list(node: unknown, what: string): unknown[] {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`);
    return node.items;
  }

  scenario(): Scenario {
    const root = this.doc.contents;
    if (root === null) this.fail(root, 'empty scenario file');
    const m = this.mapping(root, 'the scenario', TOP_KEYS);
    const get = (k: string) => m.get(k)?.value;
    const stem = basename(this.file, extname(this.file));
    const name = get('name') === undefined ? stem : this.str(get('name'), 'name');
    if (!NAME.test(name)) {
      this.fail(get('name') ?? root, `name '${name}' must be lowercase letters, digits, '.', '_' or '-'`);
    }
    if (get('description') === undefined) {
      this.fail(root, "missing 'description': one line saying what the scenario shows");
    }
    const description = this.str(get('description'), 'description');
    if (description.includes('\n')) this.fail(get('description'), 'description must be one line');
    const sweep = this.sweep(get('sweep'));
    const manifests = get('manifests') === undefined ? [] : this.manifests(get('manifests'), 'manifests');
    const steps = get('steps') === undefined ? [] : this.steps(get('steps'), sweep);
    return {
      file: this.file,
      name,
      description,
      source: get('source') === undefined ? undefined : this.str(get('source'), 'source'),
      cluster: get('cluster') === undefined ? { ...KIND_DEFAULTS } : this.cluster(get('cluster')),
      corefiles:
        get('corefiles') === undefined ? [this.defaultCorefile(root)] : this.corefiles(get('corefiles')),
      files: get('files') === undefined ? {} : this.files(get('files')),
      corednsVersions:
        get('corednsVersions') === undefined ? undefined : this.versions(get('corednsVersions')),
      manifests,
      upstream: get('upstream') === undefined ? [] : this.upstream(get('upstream')),
      queries: get('queries') === undefined ? [] : this.queries(get('queries'), 'queries'),
      steps,
      sweep,
      deviations: get('deviations') === undefined ? [] : this.deviations(get('deviations')),
      compare: get('compare') === undefined ? {} : this.compare(get('compare')),
    };
  }

  sweep(node: unknown): number {
    if (node === undefined) return 0;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value ? DEFAULT_SWEEP_LIMIT : 0;
    const m = this.mapping(node, 'sweep (true, false or { limit: N })', ['limit']);
    const limit = m.get('limit')?.value;
    if (!isScalar(limit) || !Number.isInteger(limit.value) || (limit.value as number) < 0) {
      this.fail(limit ?? node, 'sweep.limit must be a whole number ≥ 0');
    }
    return limit.value as number;
  }

  cluster(node: unknown): ClusterOptions {
    const m = this.mapping(node, 'cluster', [
      'clusterDomain',
      'ipFamily',
      'serviceSubnet',
      'podSubnet',
      'nodeSearch',
    ]);
    const ipFamilyNode = m.get('ipFamily')?.value;
    const ipFamily = (
      ipFamilyNode === undefined ? 'ipv4' : this.str(ipFamilyNode, 'cluster.ipFamily')
    ) as ClusterOptions['ipFamily'];
    if (!['ipv4', 'ipv6', 'dual'].includes(ipFamily)) {
      this.fail(ipFamilyNode, `cluster.ipFamily must be ipv4, ipv6 or dual, got '${ipFamily}'`);
    }
    // kind v1alpha4 default.go: the ranges of each family.
    const kindRanges = {
      ipv4: { service: ['10.96.0.0/16'], pod: ['10.244.0.0/16'] },
      ipv6: { service: ['fd00:10:96::/112'], pod: ['fd00:10:244::/56'] },
      dual: { service: ['10.96.0.0/16', 'fd00:10:96::/112'], pod: ['10.244.0.0/16', 'fd00:10:244::/56'] },
    }[ipFamily];
    const subnets = (key: string, fallback: string[]): string[] => {
      const v = m.get(key)?.value;
      if (v === undefined) return fallback;
      const items = isSeq(v) ? v.items : [v];
      const want = ipFamily === 'dual' ? [4, 6] : ipFamily === 'ipv6' ? [6] : [4];
      const cidrs = items.map((item) => {
        const c = parseCIDR(this.str(item, `cluster.${key}`));
        if (!c) this.fail(item, `cluster.${key}: '${String((item as Scalar).value)}' is not a CIDR`);
        return c;
      });
      if (cidrs.length !== want.length || cidrs.some((c, i) => c.family !== want[i])) {
        this.fail(
          v,
          `cluster.${key} must be ${ipFamily === 'dual' ? 'an IPv4 and an IPv6 CIDR, IPv4 first' : `one IPv${want[0]} CIDR`} for ipFamily ${ipFamily}`,
        );
      }
      return items.map((item) => this.str(item, `cluster.${key}`));
    };
    const serviceSubnets = subnets('serviceSubnet', kindRanges.service);
    const domainNode = m.get('clusterDomain')?.value;
    const clusterDomain =
      domainNode === undefined ? KIND_DEFAULTS.clusterDomain : this.str(domainNode, 'cluster.clusterDomain');
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(clusterDomain)) {
      this.fail(
        domainNode,
        `cluster.clusterDomain '${clusterDomain}' must be a lowercase DNS name without a trailing dot`,
      );
    }
    const searchNode = m.get('nodeSearch')?.value;
    const search =
      searchNode === undefined
        ? []
        : this.list(searchNode, 'cluster.nodeSearch').map((s) => this.str(s, 'a nodeSearch entry'));
    const first = parseCIDR(serviceSubnets[0]!)!;
    return {
      clusterDomain,
      ipFamily,
      serviceSubnets,
      podSubnets: subnets('podSubnet', kindRanges.pod),
      // kubeadm GetDNSIP: the 10th address of the first service range.
      clusterDNS: [formatIP(nthAddress(first, 10n))],
      nodeResolvConf: { ...KIND_DEFAULTS.nodeResolvConf, search },
    };
  }

  defaultCorefile(root: unknown): CorefileVariant {
    const text = readFileSync(DEFAULT_COREFILE, 'utf8');
    parseCorefile(text, DEFAULT_COREFILE);
    return { name: 'kind-default', text, file: DEFAULT_COREFILE, at: this.at(root) };
  }

  corefiles(node: unknown): CorefileVariant[] {
    const seen = new Map<string, Where>();
    const items = this.list(node, 'corefiles');
    if (items.length === 0)
      this.fail(node, 'corefiles needs at least one Corefile (or leave it out for the kind default)');
    return items.map((item) => {
      const m = this.mapping(item, 'a corefiles entry', ['name', 'file', 'inline']);
      const nameNode = m.get('name')?.value;
      if (nameNode === undefined) this.fail(item, "a corefiles entry needs a 'name'");
      const name = this.str(nameNode, 'corefiles name');
      const first = seen.get(name);
      if (first)
        this.fail(nameNode, `Corefile variant '${name}' is named twice (first at line ${first.line})`);
      seen.set(name, this.at(nameNode));
      const fileNode = m.get('file')?.value;
      const inlineNode = m.get('inline')?.value;
      if ((fileNode === undefined) === (inlineNode === undefined)) {
        this.fail(item, `Corefile variant '${name}' needs exactly one of 'file' or 'inline'`);
      }
      if (fileNode !== undefined) {
        const path = this.existing(fileNode, 'Corefile');
        const text = readFileSync(path, 'utf8');
        parseCorefile(text, path);
        return { name, text, file: path, at: this.at(item) };
      }
      const text = this.str(inlineNode, 'inline Corefile');
      const label = `${this.file} (corefile ${name})`;
      try {
        parseCorefile(text, label, { readFile: (p) => readFileSync(p, 'utf8') });
      } catch (e) {
        throw this.inside(inlineNode as Scalar, e);
      }
      return { name, text, file: label, at: this.at(item) };
    });
  }

  /** A Corefile error inside an inline block scalar, moved to its place in the scenario file. */
  inside(node: Scalar, e: unknown): unknown {
    if (!(e instanceof InputError) || !e.where?.line) return e;
    const start = this.lc.linePos(node.range![0]);
    const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
    if (!block) return new InputError(`inline Corefile: ${e.message}`, this.at(node));
    const line = start.line + e.where.line;
    // The block's indentation is its first line's; the Corefile's own indentation follows it.
    const lines = this.text.split('\n');
    const firstLine = lines.slice(start.line).find((l) => l.trim() !== '') ?? '';
    const indent = /^ */.exec(firstLine)![0].length;
    return new InputError(`inline Corefile: ${e.message}`, {
      file: this.file,
      line,
      col: indent + (e.where.col ?? 1),
    });
  }

  /** A path relative to the scenario file that must exist. */
  existing(node: unknown, what: string): string {
    const written = this.str(node, `${what} path`);
    const path = resolve(this.dir, written);
    if (!existsSync(path)) this.fail(node, `${what} file not found: ${written} (looked for ${path})`);
    if (statSync(path).isDirectory()) this.fail(node, `${what} path is a directory: ${written}`);
    return path;
  }

  files(node: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (!isMap(node)) this.fail(node, 'files must be a mapping of path: content');
    for (const pair of node.items) {
      const path = this.str(pair.key, 'a files path');
      if (!path.startsWith('/'))
        this.fail(pair.key, `files: '${path}' must be absolute, as the Corefile names it`);
      out[path] = this.str(pair.value, `files['${path}']`);
    }
    return out;
  }

  versions(node: unknown): string[] {
    const items = this.list(node, 'corednsVersions');
    if (items.length === 0) this.fail(node, 'corednsVersions needs at least one version (or leave it out)');
    return items.map((v) => {
      const text = isScalar(v) ? String(v.value) : this.str(v, 'a CoreDNS version');
      if (!/^\d+\.\d+\.\d+$/.test(text)) this.fail(v, `CoreDNS version '${text}' must look like 1.12.1`);
      return text;
    });
  }

  manifests(node: unknown, what: string): KubeObject[] {
    return this.list(node, what).flatMap((item) => {
      if (isScalar(item)) {
        const path = this.existing(item, 'manifest');
        return loadObjectsFile(path).objects;
      }
      if (!isMap(item)) this.fail(item, `each ${what} entry is a file path or an inline Kubernetes object`);
      // The object's own text, placed at its line and column, so the cluster loader's errors point here.
      const [start, end] = item.range!;
      const pos = this.lc.linePos(start);
      const text = `${'\n'.repeat(pos.line - 1)}${' '.repeat(pos.col - 1)}${this.text.slice(start, end)}`;
      return loadObjects(text, this.file).objects;
    });
  }

  upstream(node: unknown): ResourceRecord[] {
    return this.list(node, 'upstream').flatMap((line) => {
      const text = this.str(line, 'an upstream record (a zone-file line)');
      return parseZoneLines([text], this.file, this.at(line).line);
    });
  }

  queries(node: unknown, what: string): ScenarioQuery[] {
    return this.list(node, what).map((item) => this.query(item));
  }

  query(item: unknown): ScenarioQuery {
    const at = this.at(item);
    if (isScalar(item)) {
      const text = this.str(item, 'a query');
      const fields = text.trim().split(/\s+/);
      if (fields.length > 2 || fields[0] === '') {
        this.fail(
          item,
          `query '${text}': the short form is 'NAME TYPE' (e.g. 'web.default.svc.cluster.local A')`,
        );
      }
      return { name: fqdn(this.dnsName(fields[0]!, item)), type: this.rrType(fields[1] ?? 'A', item), at };
    }
    const m = this.mapping(item, 'a query', ['name', 'type', 'tool', 'from']);
    const nameNode = m.get('name')?.value;
    if (nameNode === undefined) this.fail(item, "a query needs a 'name'");
    const name = this.dnsName(this.str(nameNode, 'query name'), nameNode);
    const typeNode = m.get('type')?.value;
    const type = typeNode === undefined ? 'A' : this.rrType(this.str(typeNode, 'query type'), typeNode);
    const toolNode = m.get('tool')?.value;
    const fromNode = m.get('from')?.value;
    if (toolNode === undefined) {
      if (fromNode !== undefined) this.fail(fromNode, "'from' needs a 'tool' to run in that pod");
      return { name: fqdn(name), type, at };
    }
    const tool = this.tool(toolNode);
    if (fromNode === undefined)
      this.fail(item, `tool '${tool}' runs inside a pod: add 'from: NAMESPACE/POD'`);
    return { name, type, tool, from: this.from(fromNode), at };
  }

  /** A name that fits in a DNS packet (RFC 1035 §2.3.4): labels of 1–63 octets, 255 in all. */
  dnsName(name: string, node: unknown): string {
    const labels = fqdn(name).split('.').slice(0, -1);
    const long = labels.find((l) => l.length > 63);
    if (long !== undefined) {
      this.fail(node, `'${name}' has a label of ${long.length} characters; DNS allows 63 (RFC 1035 §2.3.4)`);
    }
    if (labels.some((l) => l.length === 0) && name !== '.') this.fail(node, `'${name}' has an empty label`);
    if (fqdn(name).length > 254) this.fail(node, `'${name}' is longer than a DNS name can be (255 octets)`);
    return name;
  }

  rrType(text: string, node: unknown): string {
    const type = text.toUpperCase();
    if (!RR_TYPE.test(type) || typeNumber(type) === undefined) {
      this.fail(node, `'${text}' is not a record type (A, AAAA, SRV, PTR, TXT, … or TYPEnnn)`);
    }
    return type;
  }

  tool(node: unknown): Tool {
    const tool = this.str(node, 'tool') as Tool;
    if (!TOOLS.includes(tool)) this.fail(node, `unknown tool '${tool}'; tools: ${TOOLS.join(', ')}`);
    return tool;
  }

  from(node: unknown): string {
    const from = this.str(node, 'from');
    if (!FROM.test(from)) this.fail(node, `from '${from}' must be NAMESPACE/POD (e.g. default/debug)`);
    return from;
  }

  steps(node: unknown, sweep: number): ScenarioStep[] {
    const seen = new Map<string, number>([['initial', 0]]);
    return this.list(node, 'steps').map((item) => {
      const m = this.mapping(item, 'a step', ['name', 'delete', 'apply', 'queries', 'sweep']);
      const nameNode = m.get('name')?.value;
      if (nameNode === undefined)
        this.fail(item, "a step needs a 'name' (what changes, e.g. 'recreate as ClusterIP')");
      const name = this.str(nameNode, 'step name');
      if (seen.has(name)) {
        this.fail(
          nameNode,
          name === 'initial' ? "'initial' names the state before any step" : `step '${name}' is named twice`,
        );
      }
      seen.set(name, this.at(nameNode).line);
      const del = m.get('delete')?.value;
      const apply = m.get('apply')?.value;
      const queries = m.get('queries')?.value;
      return {
        name,
        delete: del === undefined ? [] : this.list(del, 'delete').map((r) => this.ref(r)),
        apply: apply === undefined ? [] : this.manifests(apply, 'apply'),
        queries: queries === undefined ? [] : this.queries(queries, 'step queries'),
        sweep: m.has('sweep') ? this.sweep(m.get('sweep')!.value) : sweep,
        at: this.at(item),
      };
    });
  }

  ref(node: unknown): ObjectRef {
    const m = this.mapping(node, 'a delete entry', ['kind', 'namespace', 'name']);
    const need = (k: string) => {
      const v = m.get(k)?.value;
      if (v === undefined) this.fail(node, `a delete entry needs '${k}'`);
      return this.str(v, k);
    };
    const ns = m.get('namespace')?.value;
    return {
      kind: need('kind'),
      name: need('name'),
      ...(ns === undefined ? {} : { namespace: this.str(ns, 'namespace') }),
      at: this.at(node),
    };
  }

  deviations(node: unknown): ScenarioDeviation[] {
    return this.list(node, 'deviations').map((item) => {
      const m = this.mapping(item, 'a deviation', ['match', 'reason']);
      const reasonNode = m.get('reason')?.value;
      if (reasonNode === undefined || this.str(reasonNode, 'reason').trim() === '') {
        this.fail(
          item,
          "a deviation needs a 'reason' saying why the difference is expected (cite the source)",
        );
      }
      const matchNode = m.get('match')?.value;
      if (matchNode === undefined) this.fail(item, "a deviation needs 'match' (name, type, tool, from)");
      const mm = this.mapping(matchNode, 'deviation match', ['name', 'type', 'tool', 'from']);
      if (mm.size === 0) this.fail(matchNode, 'deviation match is empty: it would match every query');
      const field = (k: string) => mm.get(k)?.value;
      return {
        match: {
          ...(field('name') === undefined ? {} : { name: this.str(field('name'), 'match name') }),
          ...(field('type') === undefined
            ? {}
            : { type: this.rrType(this.str(field('type'), 'match type'), field('type')) }),
          ...(field('tool') === undefined ? {} : { tool: this.tool(field('tool')) }),
          ...(field('from') === undefined ? {} : { from: this.from(field('from')) }),
        },
        reason: this.str(reasonNode, 'reason'),
        at: this.at(item),
      };
    });
  }

  compare(node: unknown): Record<string, boolean> {
    if (!isMap(node)) this.fail(node, 'compare must be a mapping of rule: true|false');
    const out: Record<string, boolean> = {};
    for (const pair of node.items) {
      const rule = this.str(pair.key, 'a comparison rule');
      if (!COMPARE_SWITCHES.includes(rule)) {
        this.fail(pair.key, `unknown comparison rule '${rule}' (known: ${COMPARE_SWITCHES.join(', ')})`);
      }
      if (!isScalar(pair.value) || typeof pair.value.value !== 'boolean') {
        this.fail(pair.value ?? pair.key, `compare.${rule} must be true or false`);
      }
      out[rule] = pair.value.value;
    }
    return out;
  }
}
