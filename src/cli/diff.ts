/**
 * `dnsconform diff A.json B.json [--json] [--report DIR]`: two saved runs (before and after a
 * CoreDNS upgrade or a Corefile change). Which live answers changed, and for each side whether it
 * matches its oracle. Exit 0 when no answer changed, 1 when one did (or a query is on one side
 * only), 2 for bad input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffRuns } from '../compare/runs.ts';
import { InputError } from '../errors.ts';
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from '../report/diff.ts';
import { readRunResult } from '../report/json.ts';
import { parseFlags } from './args.ts';
import type { CommandContext } from './main.ts';

const HELP = `usage: dnsconform diff A.json B.json [--json] [--report DIR]

Compare two saved runs (run.json from 'dnsconform run --report DIR'). Queries are matched by
scenario, Corefile variant, step, probe and question; for each, the live answers of A and B are
compared (with the comparison rules) and each side's verdict is shown.

  --json         the comparison as JSON on stdout
  --report DIR   also write DIR/diff.md and DIR/diff.json

Exit 0: no answer changed; 1: answers changed or queries are on one side only; 2: bad input.
`;

export async function diff(argv: string[], _ctx?: CommandContext): Promise<number> {
  const { values, positionals } = parseFlags('diff', argv, {
    json: { type: 'boolean' },
    report: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new InputError(
      `expected two saved runs (A.json B.json), got ${positionals.length} (see 'dnsconform diff --help')`,
      { file: 'command line' },
    );
  }
  const [fileA, fileB] = positionals as [string, string];
  const a = { file: fileA, run: readRunResult(fileA) };
  const b = { file: fileB, run: readRunResult(fileB) };
  const d = diffRuns(a.run, b.run);
  if (values.report !== undefined) {
    mkdirSync(values.report, { recursive: true });
    writeFileSync(join(values.report, 'diff.md'), renderDiffMarkdown(a, b, d));
    writeFileSync(join(values.report, 'diff.json'), renderDiffJson(a, b, d));
  }
  process.stdout.write(values.json ? renderDiffJson(a, b, d) : renderDiffText(a, b, d));
  return d.changed.length + d.onlyInA.length + d.onlyInB.length > 0 ? 1 : 0;
}
