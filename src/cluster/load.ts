/**
 * Reads Kubernetes objects from text: YAML (one or many `---` documents), `kind: List` (or any
 * `*List`) with `items` — what `kubectl get … -o yaml|json` prints — or JSON. Every problem is an
 * InputError at file:line:col. Only the kinds the model understands are accepted, and only the
 * fields it reads are type-checked (schema.ts).
 */
import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../errors.ts';
import { parseIP } from './ip.ts';
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, KINDS, validate } from './schema.ts';
import type { KubeObject, ObjectSource } from './types.ts';

export interface LoadedObjects {
  objects: KubeObject[];
  /** Where an object was read from; also works on the objects `materialise` passes through. */
  sourceOf(o: KubeObject): ObjectSource | undefined;
}

// Sources resolve lazily: JSON is read with JSON.parse, and positions are only worked out (with
// the slower YAML parser) when someone asks for one — in practice, to report an error.
const sources = new WeakMap<object, () => ObjectSource>();

/** Where `o` was read from, if it came from `loadObjects`. */
export function objectSource(o: KubeObject): ObjectSource | undefined {
  return sources.get(o)?.();
}

/** Records that `derived` stands for `original` (e.g. a materialised copy), for error positions. */
export function inheritSource(derived: KubeObject, original: KubeObject): void {
  const s = sources.get(original);
  if (s) sources.set(derived, s);
}

type Path = (string | number)[];
type Where = { file: string; line?: number; col?: number };

/** One document of the input: its value, and where a path inside it sits in the text. */
interface Doc {
  value: unknown;
  locate(path: Path): Where;
}

function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

export const SUPPORTED_KINDS = Object.keys(KINDS);

/** YAML documents, with positions from the parser (malformed YAML is an error at its position). */
function yamlDocuments(text: string, file: string): Doc[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  const at = (offset: number): Where => ({ file, ...lineCounter.linePos(offset) });
  const out: Doc[] = [];
  for (const doc of Array.isArray(parsed) ? parsed : []) {
    const err = doc.errors[0];
    if (err) {
      const pos = err.linePos?.[0];
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new InputError(`malformed YAML: ${msg}`, pos ? { file, ...pos } : { file });
    }
    out.push({
      value: doc.toJS({ maxAliasCount: -1 }),
      // The deepest node along `path` that exists: a missing field points at its parent.
      locate(path) {
        for (let n = path.length; n >= 0; n--) {
          const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
          if (isNode(node) && node.range) return at(node.range[0]);
        }
        return { file };
      },
    });
  }
  return out;
}

/**
 * A single JSON document (what `kubectl get -o json` prints) is read with JSON.parse, which is
 * far faster on large dumps; positions come from the YAML parser, on demand. Anything else — or
 * JSON that does not parse — goes through the YAML parser, which reports the error's position.
 */
function documents(text: string, file: string): Doc[] {
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return yamlDocuments(text, file);
    }
    let located: Doc | undefined;
    const locate = (path: Path) => {
      located ??= yamlDocuments(text, file)[0]!;
      return located.locate(path);
    };
    return [{ value, locate }];
  }
  return yamlDocuments(text, file);
}

export function loadObjects(text: string, file: string): LoadedObjects {
  const objects: KubeObject[] = [];
  const seen = new Map<string, () => Where>();

  for (const doc of documents(text, file)) {
    const value = doc.value;
    if (value === null || value === undefined) continue; // an empty document (e.g. a trailing `---`)
    if (!isMapping(value)) {
      throw new InputError(
        `expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got ${Array.isArray(value) ? 'a list' : typeof value}`,
        doc.locate([]),
      );
    }
    const kind = value.kind;
    if (typeof kind === 'string' && kind.endsWith('List') && !(kind in KINDS)) {
      const items = value.items;
      if (!Array.isArray(items)) throw new InputError(`${kind} needs a list "items"`, doc.locate(['items']));
      items.forEach((item, i) => {
        objects.push(checkObject(item, (p) => doc.locate(['items', i, ...p])));
      });
    } else {
      objects.push(checkObject(value, (p) => doc.locate(p)));
    }
  }

  function checkObject(o: unknown, where: (p: Path) => Where) {
    const fail = (p: Path, message: string): never => {
      throw new InputError(message, where(p));
    };
    if (!isMapping(o))
      return fail([], 'expected a Kubernetes object (a mapping with apiVersion, kind and metadata)');
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '') return fail([], 'missing apiVersion');
    if (typeof o.kind !== 'string' || o.kind === '') return fail([], 'missing kind');
    const spec = KINDS[o.kind];
    if (!spec) {
      return fail(
        ['kind'],
        `unsupported kind ${JSON.stringify(o.kind)}; supported: ${SUPPORTED_KINDS.join(', ')}`,
      );
    }
    if (o.apiVersion !== spec.apiVersion) {
      return fail(
        ['apiVersion'],
        `${o.kind} must have apiVersion ${spec.apiVersion}, got ${JSON.stringify(o.apiVersion)}`,
      );
    }
    if (!isMapping(o.metadata)) return fail(['metadata'], `${o.kind} is missing metadata`);
    const md = o.metadata;
    const label = `${o.kind} ${typeof md.name === 'string' ? md.name : '(unnamed)'}`;
    const problem = validate(spec.check, o);
    if (problem) return fail(problem.path, `${label}: ${formatPath(problem.path)}: ${problem.message}`);
    if (!md.name && !md.generateName)
      return fail(['metadata'], `${o.kind} needs metadata.name (or generateName)`);
    checkNames(o as unknown as KubeObject, spec.namespaced, (p, m) => fail(p, `${label}: ${m}`));
    if (o.kind === 'EndpointSlice') checkSliceAddresses(o, (p, m) => fail(p, `${label}: ${m}`));

    const obj = o as unknown as KubeObject;
    let source: ObjectSource | undefined;
    const sourceOf = () => {
      source ??= { file, line: where([]).line ?? 0 };
      return source;
    };
    sources.set(obj, sourceOf);
    if (md.name) {
      const key = `${o.kind}/${spec.namespaced ? ((md.namespace as string) ?? 'default') : ''}/${md.name}`;
      const first = seen.get(key);
      if (first) fail(['metadata', 'name'], `${label} is defined twice (first at ${file}:${first().line})`);
      seen.set(key, () => where([]));
    }
    return obj;
  }

  return { objects, sourceOf: objectSource };
}

export function loadObjectsFile(path: string): LoadedObjects {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read objects file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      file: path,
    });
  }
  return loadObjects(text, path);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Name rules the API server enforces (apimachinery validation) for the names DNS is built from. */
function checkNames(o: KubeObject, namespaced: boolean, fail: (p: Path, m: string) => never): void {
  const md = o.metadata;
  if (namespaced && md.namespace !== undefined && !DNS1123_LABEL.test(md.namespace)) {
    fail(
      ['metadata', 'namespace'],
      `namespace ${JSON.stringify(md.namespace)} must be a lowercase RFC 1123 label`,
    );
  }
  if (md.name === undefined) return;
  if (o.kind === 'Service' && !DNS1035_LABEL.test(md.name)) {
    fail(
      ['metadata', 'name'],
      `a Service name must be a lowercase RFC 1035 label (letters, digits, '-'; starting with a letter; ≤63 chars)`,
    );
  } else if (o.kind === 'Namespace' && !DNS1123_LABEL.test(md.name)) {
    fail(['metadata', 'name'], 'a Namespace name must be a lowercase RFC 1123 label (≤63 chars)');
  } else if (md.name.length > 253 || !DNS1123_SUBDOMAIN.test(md.name)) {
    fail(['metadata', 'name'], 'the name must be a lowercase RFC 1123 subdomain (≤253 chars)');
  }
  const spec = (o.kind === 'Pod' ? o.spec : undefined) as
    | { hostname?: string; subdomain?: string }
    | undefined;
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = spec?.[f];
    if (v && !DNS1123_LABEL.test(v))
      fail(['spec', f], `spec.${f} must be a lowercase RFC 1123 label (≤63 chars)`);
  }
}

/** discovery/v1 validation: every address must be an IP of the slice's addressType. */
function checkSliceAddresses(o: Record<string, unknown>, fail: (p: Path, m: string) => never): void {
  const type = o.addressType;
  if (type === undefined) fail([], 'missing addressType (IPv4, IPv6 or FQDN)');
  if (type === 'FQDN' || !Array.isArray(o.endpoints)) return;
  o.endpoints.forEach((ep: { addresses?: unknown[] } | null, i) => {
    (ep?.addresses ?? []).forEach((a, j) => {
      const ip = parseIP(a as string);
      const ok = ip && (type === 'IPv4' ? ip.family === 4 : type === 'IPv6' ? ip.family === 6 : true);
      if (!ok)
        fail(['endpoints', i, 'addresses', j], `${JSON.stringify(a)} is not a valid ${type ?? 'IP'} address`);
    });
  });
}
