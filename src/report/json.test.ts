/** run.json: a stable key order, a faithful round trip, and one-line errors naming file:line:col. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { writeReports } from './index.ts';
import { parseRunResult, readRunResult, renderJson } from './json.ts';
import { fixtureRun } from './testkit.ts';

function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reversedKeys(x)]),
  );
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.format();
    throw e;
  }
  throw new Error('no error');
}

describe('run.json', () => {
  it('writes the same text whatever order the keys were built in', () => {
    const run = fixtureRun();
    const text = renderJson(run);
    expect(renderJson(reversedKeys(run) as typeof run)).toBe(text);
    expect(text.startsWith('{\n  "format": "dnsconform-run/1",')).toBe(true);
    expect(text).toMatch(
      /"name": "gone\.default\.svc\.cluster\.local\.",\n\s+"type": "A",\n\s+"ttl": 30,\n\s+"data": "10\.96\.0\.10"\n/,
    );
  });

  it('reads back what it wrote', () => {
    const run = fixtureRun();
    expect(parseRunResult(renderJson(run), 'run.json')).toEqual(run);
  });

  it('names the file, line and column of bad JSON', () => {
    expect(errorOf(() => parseRunResult('{\n  "format": \n}', 'a.json'))).toBe(
      "a.json:3:1: not valid JSON: unexpected '}'",
    );
    expect(errorOf(() => parseRunResult('{"a": [1, 2', 'a.json'))).toBe(
      'a.json:1:12: not valid JSON: unexpected end of file',
    );
  });

  it('says what is wrong with JSON that is not a run', () => {
    expect(errorOf(() => parseRunResult('[]', 'b.json'))).toBe(
      'b.json: not a dnsconform run (the JSON is not an object)',
    );
    expect(errorOf(() => parseRunResult('{"format":"other/2"}', 'b.json'))).toBe(
      'b.json: not a dnsconform run (format is "other/2", expected "dnsconform-run/1")',
    );
    const run = fixtureRun() as unknown as {
      scenarios: { variants: { steps: { queries: unknown[] }[] }[] }[];
    };
    (run.scenarios[0]!.variants[0]!.steps[0]!.queries[2] as { live?: unknown }).live = 'x';
    expect(errorOf(() => parseRunResult(JSON.stringify(run), 'c.json'))).toBe(
      'c.json: scenarios[0].variants[0].steps[0].queries[2].live: expected an array',
    );
    expect(errorOf(() => readRunResult('/nonexistent/run.json'))).toBe(
      '/nonexistent/run.json: cannot read the run: no such file',
    );
  });
});

describe('writeReports', () => {
  it('writes run.json, report.md, report.html and junit.xml and returns their paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dnsconform-report-'));
    try {
      const out = join(dir, 'nested', 'reports');
      const paths = writeReports(fixtureRun(), out);
      expect(paths).toEqual(['run.json', 'report.md', 'report.html', 'junit.xml'].map((f) => join(out, f)));
      expect(readRunResult(paths[0]!)).toEqual(fixtureRun());
      expect(readFileSync(paths[3]!, 'utf8')).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
