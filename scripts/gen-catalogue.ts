/**
 * Regenerates the README's scenario catalogue from scenarios/**\/*.yaml.
 *   npx tsx scripts/gen-catalogue.ts           rewrite README.md
 *   npx tsx scripts/gen-catalogue.ts --check   exit 1 when README.md is stale (for CI)
 * A scenario that does not load is reported as file:line:col and exits 2.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogue, replaceSection } from '../src/scenario/catalogue.ts';
import { BUNDLED_SCENARIOS, listScenarios } from '../src/scenario/list.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = `${ROOT}README.md`;

const check = process.argv.includes('--check');
const listed = listScenarios(BUNDLED_SCENARIOS);
const errors = listed.flatMap((l) => ('error' in l ? [l.error.format()] : []));
if (errors.length > 0) {
  for (const e of errors) process.stderr.write(`${e}\n`);
  process.exit(2);
}
const scenarios = listed.flatMap((l) => ('scenario' in l ? [l.scenario] : []));
const before = readFileSync(README, 'utf8');
const after = replaceSection(before, catalogue(scenarios, ROOT));
if (check) {
  if (after !== before) {
    process.stderr.write('README.md scenario catalogue is stale: run `npx tsx scripts/gen-catalogue.ts`\n');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(README, after);
  process.stdout.write(`README.md: catalogue of ${scenarios.length} scenario(s) written\n`);
}
