/**
 * Label selectors as the `labels` and `namespace_labels` options take them
 * (k8s.io/apimachinery meta.ParseToLabelSelector over labels.Parse): comma-separated requirements
 * `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`.
 * The informers send the selector to the API server, so objects that do not match are simply
 * absent from CoreDNS's caches (plugin/kubernetes/controller.go).
 */

type Requirement =
  | { key: string; op: 'exists' | 'absent' }
  | { key: string; op: 'in' | 'notin'; values: ReadonlySet<string> };

export interface Selector {
  readonly text: string;
  readonly requirements: readonly Requirement[];
}

// apimachinery validation: a qualified name with an optional DNS-subdomain prefix; values ≤ 63 chars.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): string {
  const slash = key.indexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  if (!NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))) {
    throw new Error(`invalid label key "${key}"`);
  }
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !VALUE.test(value)) throw new Error(`invalid label value: "${value}"`);
  return value;
}

/** Split at commas that are not inside `( … )`. */
function splitRequirements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}

function parseRequirement(s: string): Requirement {
  if (s === '') throw new Error('found empty requirement');
  if (s.startsWith('!')) return { key: checkKey(s.slice(1).trim()), op: 'absent' };
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const values = (set[3] as string)
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return {
      key: checkKey(set[1] as string),
      op: set[2] as 'in' | 'notin',
      values: new Set(values.map(checkValue)),
    };
  }
  const eq = /^([^!=<>\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(s);
  if (eq) {
    const values = new Set([checkValue(eq[3] as string)]);
    return { key: checkKey(eq[1] as string), op: eq[2] === '!=' ? 'notin' : 'in', values };
  }
  if (/[<>]/.test(s)) throw new Error(`operator in "${s}" is not supported by a LabelSelector`);
  return { key: checkKey(s), op: 'exists' };
}

/** Parse a selector; throws an Error whose message says what is wrong. */
export function parseSelector(text: string): Selector {
  return { text, requirements: splitRequirements(text).map(parseRequirement) };
}

/** labels.Selector.Matches. */
export function matchesSelector(sel: Selector, labels: Readonly<Record<string, string>>): boolean {
  for (const r of sel.requirements) {
    const v = Object.hasOwn(labels, r.key) ? labels[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (v === undefined) return false;
        break;
      case 'absent':
        if (v !== undefined) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.has(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.has(v)) return false;
        break;
    }
  }
  return true;
}
