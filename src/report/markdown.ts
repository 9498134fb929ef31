/**
 * report.md: a summary line, the scenario × Corefile variant × CoreDNS version matrix, then every
 * query that did not pass — question and probe, expected vs. live side by side, the differences, the
 * oracle's reasons, the Corefile lines involved and the rewrites the backend made. Fit for a PR comment.
 */
import { describeDifference } from '../compare/difference.ts';
import type { QueryResult, RunResult, VariantResult } from '../run/result.ts';
import {
  matrix,
  probeText,
  queryRows,
  questionText,
  summaryLine,
  VERDICT_LABEL,
  variantTitle,
} from './rows.ts';
import {
  corefileLinesText,
  expectedColumn,
  explanation,
  involvedCorefileLines,
  liveColumns,
  oneLine,
  sideBySideText,
} from './text.ts';

const MARK: Record<QueryResult['verdict'], string> = {
  pass: '✅',
  diff: '❌',
  unstable: '⚠️',
  'expected-deviation': '☑️',
  skipped: '⏭️',
};

/** A fenced block that no backtick run inside the text can close. */
function fence(text: string, info = 'text'): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const f = '`'.repeat(longest + 1);
  return `${f}${info}\n${text}\n${f}`;
}

function code(text: string): string {
  const ticks = '`'.repeat(Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Free text: Markdown's punctuation escaped so names like `*.ns` or `<none>` print as written. */
function mdText(text: string): string {
  return text.replace(/[\\`*_<>[\]|&#]/g, '\\$&').replace(/\r?\n/g, ' ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function seconds(result: RunResult): string {
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : 'unknown duration';
}

function matrixTable(result: RunResult): string[] {
  const out = [
    '| Scenario | Corefile variant | CoreDNS | pass | diff | unstable | deviation | skipped |',
    '|---|---|---|--:|--:|--:|--:|--:|',
  ];
  for (const { scenario, variant, counts: c } of matrix(result)) {
    const name = variant.error ? `${variant.name} (did not run)` : variant.name;
    out.push(
      `| ${cell(scenario.name)} | ${cell(name)} | ${cell(variant.corednsVersion)} | ${c.pass} | ${c.diff} | ${c.unstable} | ${c.expectedDeviation} | ${c.skipped} |`,
    );
  }
  return out;
}

function rewritesList(rewrites: VariantResult['rewrites']): string[] {
  return rewrites.map((r) =>
    r.from === ''
      ? `- line ${r.line}: adds ${code(oneLine(r.to))} — ${mdText(r.why)}`
      : `- line ${r.line}: ${code(oneLine(r.from))} → ${code(oneLine(r.to))} — ${mdText(r.why)}`,
  );
}

function queryMarkdown(variant: VariantResult, step: string, q: QueryResult): string[] {
  const out = [
    `#### ${MARK[q.verdict]} ${VERDICT_LABEL[q.verdict]}: ${code(questionText(q.query))} — ${probeText(q.probe)}, step ${code(step)}`,
    '',
  ];
  if (q.reason) out.push(`**Reason:** ${mdText(q.reason)}`, '');
  if (q.differences.length) {
    out.push('**Differences**', '', ...q.differences.map((d) => `- ${code(describeDifference(d))}`), '');
  }
  if (q.verdict !== 'skipped' || q.live.length > 0) {
    out.push(fence(sideBySideText([expectedColumn(q), ...liveColumns(q)])), '');
  }
  for (const [i, l] of q.live.entries()) {
    if (l.stdout === undefined) continue;
    const title = q.live.length > 1 ? `Tool output, ask ${i + 1}` : 'Tool output';
    out.push(`<details><summary>${title}</summary>`, '', fence(l.stdout.trimEnd()), '', '</details>', '');
  }
  if (q.rules.length) out.push(`Rules applied: ${q.rules.map(code).join(', ')}`, '');
  const why = explanation(q);
  if (why.length) out.push('**Why the oracle expected this**', '', ...why.map((w) => `- ${mdText(w)}`), '');
  const lines = involvedCorefileLines(variant.corefile, why);
  if (lines.length) out.push('**Corefile lines involved**', '', fence(corefileLinesText(variant, lines)), '');
  return out;
}

export function renderMarkdown(result: RunResult): string {
  const out = [
    '# dnsconform run',
    '',
    `**${summaryLine(result.summary)}**`,
    '',
    `Backend ${code(result.backend.name)} · dnsconform ${result.dnsconform} · started ${result.startedAt} · ${seconds(result)}`,
    '',
    '## Matrix',
    '',
    ...matrixTable(result),
    '',
  ];
  const rows = queryRows(result).filter((r) => r.query.verdict !== 'pass');
  const failedVariants = result.scenarios.flatMap((s) =>
    s.variants.filter((v) => v.error).map((v) => ({ s, v })),
  );
  if (rows.length === 0 && failedVariants.length === 0) {
    out.push('Every query passed.', '');
    return out.join('\n');
  }
  out.push('## Queries that did not pass', '');
  for (const scenario of result.scenarios) {
    for (const variant of scenario.variants) {
      const mine = rows.filter((r) => r.variant === variant);
      if (mine.length === 0 && !variant.error) continue;
      out.push(`### ${variantTitle(scenario, variant)}`, '');
      if (scenario.description) out.push(`${mdText(scenario.description)} (${code(scenario.file)})`, '');
      if (variant.error) out.push(`**The variant did not run:** ${mdText(variant.error)}`, '');
      if (variant.rewrites.length) {
        out.push('Corefile rewrites the backend made to run it:', '', ...rewritesList(variant.rewrites), '');
      }
      for (const r of mine) out.push(...queryMarkdown(variant, r.step.name, r.query));
    }
  }
  return out.join('\n');
}
