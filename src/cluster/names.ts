/**
 * Names and identifiers the control plane invents, made deterministic: the API server and the
 * controllers draw them at random, the model derives them from a hash of what they name, so the
 * same manifests always give the same objects.
 */

/**
 * The alphabet of generated name suffixes and of SafeEncodeString: no vowels (no words), no
 * 0/1/3 (confusable) — apimachinery pkg/util/rand/rand.go `alphanums`.
 */
export const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** 32-bit FNV-1a over the UTF-16 code units of `s` (ASCII in practice). */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Five suffix characters, as `names.SimpleNameGenerator` appends to a generateName (5 = its length). */
export function suffix5(seed: string): string {
  let h = fnv32a(seed);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += SUFFIX_ALPHABET[h % SUFFIX_ALPHABET.length];
    h = Math.floor(h / SUFFIX_ALPHABET.length);
  }
  return out;
}

/**
 * apimachinery rand.SafeEncodeString: each character mapped to `alphanums[c % 27]`; the
 * Deployment controller applies it to the decimal text of the template hash.
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SUFFIX_ALPHABET[s.charCodeAt(i) % SUFFIX_ALPHABET.length];
  return out;
}

/** A UUID-shaped uid derived from the object's identity (the API server uses a random UUID). */
export function uidFor(kind: string, namespace: string, name: string): string {
  const key = `${kind}/${namespace}/${name}`;
  const hex = [0, 1, 2, 3].map((i) => fnv32a(`${i}:${key}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** JSON with object keys sorted, so equal objects hash equally whatever their key order. */
export function stableJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJSON(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Hands out `<prefix><5 chars>` names that are unique within one kind and namespace, as
 * generateName does (the API server retries on a clash; here the seed is bumped instead).
 */
export class NameRegistry {
  private readonly taken = new Set<string>();

  private key(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  has(kind: string, namespace: string, name: string): boolean {
    return this.taken.has(this.key(kind, namespace, name));
  }

  add(kind: string, namespace: string, name: string): void {
    this.taken.add(this.key(kind, namespace, name));
  }

  /** A fresh name for `generateName: prefix`, derived from `seed`. */
  generate(kind: string, namespace: string, prefix: string, seed: string): string {
    // 27^5 ≈ 14 million suffixes: a free one turns up within a few attempts.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const name = prefix + suffix5(`${seed}#${attempt}`);
      if (!this.has(kind, namespace, name)) {
        this.add(kind, namespace, name);
        return name;
      }
    }
    throw new Error(`no free name for ${kind} ${namespace}/${prefix}*`);
  }
}
