import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { scenarios } from '../cli/scenarios.ts';
import { listScenarios } from './list.ts';

const libraries: string[] = [];
afterAll(() => {
  for (const dir of libraries) rmSync(dir, { recursive: true, force: true });
});

function library(): string {
  const dir = mkdtempSync(join(tmpdir(), 'library-'));
  libraries.push(dir);
  for (const d of ['manifests', 'examples', 'dns']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'a.yaml'), 'description: first\n');
  writeFileSync(join(dir, 'dns', 'b.yaml'), 'description: second\nsource: seed 003\n');
  writeFileSync(join(dir, 'manifests', 'svc.yaml'), 'apiVersion: v1\nkind: Service\n'); // not a scenario
  writeFileSync(join(dir, 'examples', 'e.yaml'), 'description: example\n');
  return dir;
}

describe('listScenarios', () => {
  it('loads every scenario file, skipping manifests/ and examples/', () => {
    const listed = listScenarios(library());
    expect(listed.map((l) => ('scenario' in l ? l.scenario.name : l.error.message))).toEqual(['a', 'b']);
  });
  it('lists examples/ when asked for directly', () => {
    const listed = listScenarios(join(library(), 'examples'));
    expect(listed.map((l) => ('scenario' in l ? l.scenario.name : ''))).toEqual(['e']);
  });
  it('reports a broken file and a name used twice as errors', () => {
    const dir = library();
    writeFileSync(join(dir, 'c.yaml'), 'description: x\nqueries: nope\n');
    writeFileSync(join(dir, 'dns', 'd.yaml'), 'name: a\ndescription: x\n');
    const errors = listScenarios(dir).flatMap((l) => ('error' in l ? [l.error.format()] : []));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/c\.yaml:2:10: queries must be a list$/);
    expect(errors[1]).toMatch(/d\.yaml:1: scenario name 'a' is already used by .*a\.yaml$/);
  });
});

describe('dnsconform scenarios', () => {
  const out: string[] = [];
  const err: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    out.length = 0;
    err.length = 0;
  });
  const capture = () => {
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0);
  };

  it('prints name and description, one line each; exit 0', async () => {
    const dir = library();
    capture();
    expect(await scenarios([dir])).toBe(0);
    expect(out.join('')).toBe('a  first\nb  second\n');
  });
  it('prints JSON with source and variants', async () => {
    const dir = library();
    capture();
    expect(await scenarios(['--json', dir])).toBe(0);
    const rows = JSON.parse(out.join(''));
    expect(rows[1]).toMatchObject({
      name: 'b',
      description: 'second',
      source: 'seed 003',
      variants: [{ corefile: 'kind-default', corednsVersion: null }],
    });
  });
  it('reports a broken file on stderr as file:line:col and exits 2', async () => {
    const dir = library();
    writeFileSync(join(dir, 'c.yaml'), 'description: x\nbogus: 1\n');
    capture();
    expect(await scenarios([dir])).toBe(2);
    expect(out.join('')).toBe('a  first\nb  second\n');
    expect(err.join('')).toMatch(/c\.yaml:2:1: unknown key 'bogus' in the scenario; allowed: /);
  });
});
