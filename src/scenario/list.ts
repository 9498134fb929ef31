/**
 * The scenario library on disk: every `*.yaml` under a directory (scenario files only — the
 * `manifests/` and `corefiles/` folders beside them are not scenarios; `examples/` only when asked
 * for directly), each loaded, or the one-line error that loading it gave.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import { loadScenario } from './load.ts';
import type { Scenario } from './types.ts';

/** The bundled library: `scenarios/` at the repository root. */
export const BUNDLED_SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const NOT_SCENARIOS = new Set(['manifests', 'corefiles', 'examples', 'node_modules']);

export type Listed = { file: string; scenario: Scenario } | { file: string; error: InputError };

export function listScenarios(dir: string): Listed[] {
  const listed = scenarioFiles(dir).map((file): Listed => {
    try {
      return { file, scenario: loadScenario(shown(file)) };
    } catch (e) {
      if (e instanceof InputError) return { file, error: e };
      throw e;
    }
  });
  // Names identify scenarios in reports and on the command line: one file per name.
  const first = new Map<string, string>();
  return listed.map((l) => {
    if (!('scenario' in l)) return l;
    const seen = first.get(l.scenario.name);
    if (seen === undefined) {
      first.set(l.scenario.name, l.file);
      return l;
    }
    return {
      file: l.file,
      error: new InputError(`scenario name '${l.scenario.name}' is already used by ${shown(seen)}`, {
        file: l.scenario.file,
        ...nameLine(l.file),
      }),
    };
  });
}

/** Scenario files under `dir`, in path order. */
export function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) {
        if (!NOT_SCENARIOS.has(e.name)) walk(join(d, e.name));
      } else if (/\.ya?ml$/.test(e.name)) {
        out.push(join(d, e.name));
      }
    }
  };
  walk(dir);
  return out;
}

/** A path as shown to users: relative to the working directory when inside it. */
export function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r;
}

/** The line of a top-level `name:` key, when the file has one (the name is else the file stem). */
function nameLine(file: string): { line?: number } {
  const index = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => /^name:/.test(l));
  return index < 0 ? {} : { line: index + 1 };
}
