/**
 * `dnsconform scenarios [--json] [DIR]`: the scenarios under DIR (default: the bundled library),
 * one line each with its description. A file that does not load is an error line
 * (`file:line:col: problem`) on stderr, and the exit status is 2.
 */
import { resolve } from 'node:path';
import { BUNDLED_SCENARIOS, listScenarios, shown } from '../scenario/list.ts';
import { variantMatrix } from '../scenario/plan.ts';
import { parseFlags } from './args.ts';

const HELP = `usage: dnsconform scenarios [--json] [DIR]

Lists the scenarios under DIR (default: the bundled scenarios/, without scenarios/examples)
with their one-line descriptions. Files that do not load are reported as file:line:col errors
(exit 2). --json prints one object per scenario: name, file, description, source, variants.
`;

export async function scenarios(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('scenarios', argv, {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`dnsconform scenarios: one directory at most, got ${positionals.length}\n`);
    return 2;
  }
  const listed = listScenarios(positionals[0] ? resolve(positionals[0]) : BUNDLED_SCENARIOS);
  const ok = listed.flatMap((l) => ('scenario' in l ? [l.scenario] : []));
  if (values.json) {
    const rows = ok.map((s) => ({
      name: s.name,
      file: shown(s.file),
      description: s.description,
      source: s.source ?? null,
      variants: variantMatrix(s).map((v) => ({
        corefile: v.corefile.name,
        corednsVersion: s.corednsVersions ? v.corednsVersion : null,
      })),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const width = Math.max(0, ...ok.map((s) => s.name.length));
    for (const s of ok) process.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n`);
  }
  for (const l of listed) if ('error' in l) process.stderr.write(`${l.error.format()}\n`);
  return listed.some((l) => 'error' in l) ? 2 : 0;
}
