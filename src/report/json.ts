/**
 * run.json: the RunResult written with a stable key order (so two runs diff cleanly as text), and
 * read back with a check that it is one (for `dnsconform diff` and offline reports).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { RUN_FORMAT, type RunResult } from '../run/result.ts';

/** Keys that lead, in this order, wherever they occur; the rest follow alphabetically. */
const LEADING = ['format', 'name', 'id', 'type', 'ttl', 'data', 'probe', 'query', 'verdict', 'differences'];

function rank(key: string): number {
  const i = LEADING.indexOf(key);
  return i === -1 ? LEADING.length : i;
}

function ordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ordered);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, ordered((value as Record<string, unknown>)[k])]));
}

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(ordered(result), null, 2)}\n`;
}

/**
 * Where JSON.parse gave up, found by a small scanner of the JSON grammar (V8's messages do not
 * always carry a position): the offset and what was found there.
 */
function jsonError(text: string): { offset: number; found: string } {
  let i = 0;
  const fail = (): never => {
    const c = text.charCodeAt(i);
    const found =
      i >= text.length ? 'end of file' : c < 0x20 ? `U+${c.toString(16).padStart(4, '0')}` : `'${text[i]}'`;
    throw { offset: i, found };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail();
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (e) {
    if (e && typeof e === 'object' && 'offset' in e) return e as { offset: number; found: string };
    throw e;
  }
  return { offset: 0, found: 'an error JSON.parse reported' };
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}

type Check = (v: unknown) => boolean;
const isArray: Check = Array.isArray;
const isString: Check = (v) => typeof v === 'string';
const isObject: Check = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The shape `dnsconform diff` and the reports rely on, checked path by path. */
function shapeError(run: Record<string, unknown>): string | undefined {
  const expect = (v: unknown, check: Check, path: string, what: string) =>
    check(v) ? undefined : `${path}: expected ${what}`;
  if (run.format !== RUN_FORMAT) {
    return `not a dnsconform run (format is ${JSON.stringify(run.format ?? null)}, expected "${RUN_FORMAT}")`;
  }
  const top =
    expect(run.scenarios, isArray, 'scenarios', 'an array') ??
    expect(run.summary, isObject, 'summary', 'an object');
  if (top) return top;
  for (const [si, s] of (run.scenarios as unknown[]).entries()) {
    const sp = `scenarios[${si}]`;
    const sc = s as Record<string, unknown>;
    const e =
      expect(s, isObject, sp, 'an object') ??
      expect(sc.name, isString, `${sp}.name`, 'a string') ??
      expect(sc.variants, isArray, `${sp}.variants`, 'an array');
    if (e) return e;
    for (const [vi, v] of (sc.variants as unknown[]).entries()) {
      const vp = `${sp}.variants[${vi}]`;
      const va = v as Record<string, unknown>;
      const ve =
        expect(v, isObject, vp, 'an object') ??
        expect(va.name, isString, `${vp}.name`, 'a string') ??
        expect(va.steps, isArray, `${vp}.steps`, 'an array');
      if (ve) return ve;
      for (const [ti, t] of (va.steps as unknown[]).entries()) {
        const tp = `${vp}.steps[${ti}]`;
        const st = t as Record<string, unknown>;
        const te =
          expect(t, isObject, tp, 'an object') ?? expect(st.queries, isArray, `${tp}.queries`, 'an array');
        if (te) return te;
        for (const [qi, q] of (st.queries as unknown[]).entries()) {
          const qp = `${tp}.queries[${qi}]`;
          const qr = q as Record<string, unknown>;
          const qe =
            expect(q, isObject, qp, 'an object') ??
            expect(qr.query, isObject, `${qp}.query`, 'an object') ??
            expect(qr.probe, isObject, `${qp}.probe`, 'an object') ??
            expect(qr.live, isArray, `${qp}.live`, 'an array') ??
            expect(qr.verdict, isString, `${qp}.verdict`, 'a string');
          if (qe) return qe;
        }
      }
    }
  }
  return undefined;
}

/** Parse a saved run; bad input is an InputError naming the file (and line:col for bad JSON). */
export function parseRunResult(text: string, file: string): RunResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const { offset, found } = jsonError(text);
    throw new InputError(`not valid JSON: unexpected ${found}`, { file, ...lineCol(text, offset) });
  }
  if (!isObject(value)) throw new InputError('not a dnsconform run (the JSON is not an object)', { file });
  const problem = shapeError(value as Record<string, unknown>);
  if (problem) throw new InputError(problem, { file });
  return value as RunResult;
}

export function readRunResult(file: string): RunResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new InputError(`cannot read the run: ${why}`, { file });
  }
  return parseRunResult(text, file);
}
