/**
 * What a run prints on the terminal: one progress line per scenario × variant as it finishes, and a
 * compact table at the end with the first queries that did not pass. Colour only when asked for.
 */
import { describeDifference } from '../compare/difference.ts';
import type { RunResult, ScenarioResult, Summary, VariantResult } from '../run/result.ts';
import { countVerdicts, matrix, probeText, queryRows, questionText, summaryLine } from './rows.ts';

export interface TerminalOptions {
  /** ANSI colours (the caller decides: a TTY, no NO_COLOR). */
  color?: boolean;
  /** How many queries that did not pass to list under the table. */
  listed?: number;
}

const ANSI = { red: '31', yellow: '33', green: '32', magenta: '35', dim: '2', bold: '1' } as const;

function paint(on: boolean | undefined, colour: keyof typeof ANSI, text: string): string {
  return on ? `\u001b[${ANSI[colour]}m${text}\u001b[0m` : text;
}

function countsText(c: Summary, color?: boolean): string {
  const parts = [`${c.pass}/${c.total} pass`];
  if (c.diff) parts.push(paint(color, 'red', `${c.diff} diff`));
  if (c.unstable) parts.push(paint(color, 'yellow', `${c.unstable} unstable`));
  if (c.expectedDeviation) parts.push(paint(color, 'magenta', `${c.expectedDeviation} expected deviation`));
  if (c.skipped) parts.push(paint(color, 'dim', `${c.skipped} skipped`));
  return parts.join(', ');
}

/** `basic [default, CoreDNS 1.14.7]: 9/12 pass, 2 diff, 1 unstable (3.2 s)`. */
export function progressLine(
  scenario: Pick<ScenarioResult, 'name'>,
  variant: VariantResult,
  seconds?: number,
  options: TerminalOptions = {},
): string {
  const head = `${scenario.name} [${variant.name}, CoreDNS ${variant.corednsVersion}]`;
  const time = seconds === undefined ? '' : ` (${seconds.toFixed(1)} s)`;
  if (variant.error) return `${head}: ${paint(options.color, 'red', `did not run: ${variant.error}`)}${time}`;
  return `${head}: ${countsText(countVerdicts(variant.steps.flatMap((s) => s.queries)), options.color)}${time}`;
}

/** The end-of-run table: scenario × variant × version with counts, a total, the first non-passes. */
export function summaryTable(result: RunResult, options: TerminalOptions = {}): string {
  const header = ['scenario', 'variant', 'CoreDNS', 'pass', 'diff', 'unstable', 'deviation', 'skipped'];
  const body = matrix(result).map(({ scenario, variant, counts: c }) => [
    scenario.name,
    variant.error ? `${variant.name} (did not run)` : variant.name,
    variant.corednsVersion,
    ...[c.pass, c.diff, c.unstable, c.expectedDeviation, c.skipped].map(String),
  ]);
  const s = result.summary;
  const total = [
    'total',
    '',
    '',
    ...[s.pass, s.diff, s.unstable, s.expectedDeviation, s.skipped].map(String),
  ];
  const table = [header, ...body, total];
  const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [paint(options.color, 'bold', fmt(header)), ...body.map(fmt), fmt(total), ''];
  const bad = s.diff + s.unstable;
  lines.push(paint(options.color, bad ? 'red' : 'green', summaryLine(s)));
  const listed = options.listed ?? 20;
  const failing = queryRows(result).filter(
    (r) => r.query.verdict === 'diff' || r.query.verdict === 'unstable',
  );
  for (const r of failing.slice(0, listed)) {
    const first = r.query.differences[0];
    lines.push(
      `  ${r.query.verdict.padEnd(8)} ${r.scenario.name}/${r.variant.name} ${r.step.name}: ${questionText(r.query.query)} (${probeText(r.query.probe)})` +
        (first ? ` — ${describeDifference(first)}` : ''),
    );
  }
  if (failing.length > listed) lines.push(`  … and ${failing.length - listed} more (see report.md)`);
  return lines.join('\n');
}
