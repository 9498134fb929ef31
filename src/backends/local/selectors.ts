/**
 * Label and field selectors as the API server reads them from `?labelSelector=` and
 * `?fieldSelector=` (k8s.io/apimachinery pkg/labels/selector.go `Parse`, pkg/fields/selector.go
 * `ParseSelector`). CoreDNS sends them for its `labels` / `namespace_labels` options and for the
 * pod phase filter (`status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown`).
 */
import type { KubeObject } from '../../cluster/types.ts';

export type Matcher = (object: KubeObject) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

/** Splits on commas outside parentheses (`a in (x,y),b` → `a in (x,y)`, `b`). */
function terms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

function requirement(term: string): Requirement {
  let m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (m) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    // selector.go: `notin` also matches objects without the key.
    return op === 'in'
      ? (l) => key in l && values.has(l[key] as string)
      : (l) => !(key in l) || !values.has(l[key] as string);
  }
  m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) {
    const [, key = '', op, value] = m;
    // selector.go: `!=` also matches objects without the key.
    return op === '!=' ? (l) => l[key] !== value : (l) => key in l && l[key] === value;
  }
  m = /^!\s*(\S+)$/.exec(term);
  if (m) {
    const key = m[1] as string;
    return (l) => !(key in l);
  }
  if (/^\S+$/.test(term)) return (l) => term in l;
  throw new Error(`unable to parse label selector term: ${term}`);
}

/** `?labelSelector=` → a matcher on metadata.labels (empty selector: everything). */
export function labelMatcher(selector: string | null): Matcher {
  const reqs = terms(selector ?? '').map(requirement);
  return (o) => {
    const labels = o.metadata.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

function fieldValue(object: KubeObject, path: string): string {
  let v: unknown = object;
  for (const part of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
  return v === undefined || v === null ? '' : String(v);
}

/** `?fieldSelector=` → a matcher on dotted field paths (`=`, `==`, `!=`; missing fields read as ''). */
export function fieldMatcher(selector: string | null): Matcher {
  const reqs = terms(selector ?? '').map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new Error(`invalid field selector: ${term}`);
    const [, path = '', op, value] = m;
    return (o: KubeObject) => (fieldValue(o, path) === value) === (op !== '!=');
  });
  return (o) => reqs.every((r) => r(o));
}
