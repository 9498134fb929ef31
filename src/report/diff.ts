/** `dnsconform diff` output: terminal text, Markdown (diff.md) and JSON (diff.json) of a RunDiff. */
import {
  describeChange,
  type MatchedQuery,
  type OneSided,
  type QueryKey,
  type RunDiff,
} from '../compare/runs.ts';
import type { RunResult } from '../run/result.ts';
import { probeText, questionText, VERDICT_LABEL } from './rows.ts';

export interface RunRef {
  file: string;
  run: RunResult;
}

function versions(run: RunResult): string {
  const vs = [...new Set(run.scenarios.flatMap((s) => s.variants.map((v) => v.corednsVersion)))];
  return vs.length ? `CoreDNS ${vs.join(', ')}` : 'no CoreDNS version';
}

function describeRun(label: string, r: RunRef): string {
  return `${label}: ${r.file} — ${versions(r.run)}, backend ${r.run.backend.name}, ${r.run.startedAt}`;
}

export function diffCounts(d: RunDiff): string {
  return (
    `${d.changed.length} answer${d.changed.length === 1 ? '' : 's'} changed, ` +
    `${d.verdictChanged.length} verdict${d.verdictChanged.length === 1 ? '' : 's'} changed with the same answer, ` +
    `${d.unchanged} unchanged, ${d.onlyInA.length} only in A, ${d.onlyInB.length} only in B`
  );
}

function where(k: QueryKey): string {
  return `${k.scenario} [${k.variant}] step ${k.step}: ${questionText(k.query)} (${probeText(k.probe)})`;
}

function sides(m: MatchedQuery): string {
  return `A (CoreDNS ${m.a.corednsVersion}): ${VERDICT_LABEL[m.a.verdict]} · B (CoreDNS ${m.b.corednsVersion}): ${VERDICT_LABEL[m.b.verdict]}`;
}

export function renderDiffText(a: RunRef, b: RunRef, d: RunDiff): string {
  const out = [describeRun('A', a), describeRun('B', b), diffCounts(d)];
  for (const m of d.changed) {
    out.push('', `changed  ${where(m)}`, `  ${sides(m)}`, ...m.changes.map((c) => `  ${describeChange(c)}`));
  }
  if (d.verdictChanged.length) out.push('');
  for (const m of d.verdictChanged) out.push(`verdict  ${where(m)}`, `  ${sides(m)}`);
  const one = (label: string, xs: OneSided[]) =>
    xs.map(
      (x) => `${label}  ${where(x)} — ${VERDICT_LABEL[x.side.verdict]} on CoreDNS ${x.side.corednsVersion}`,
    );
  if (d.onlyInA.length || d.onlyInB.length)
    out.push('', ...one('only A', d.onlyInA), ...one('only B', d.onlyInB));
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function renderDiffMarkdown(a: RunRef, b: RunRef, d: RunDiff): string {
  const out = [
    '# dnsconform diff',
    '',
    `- ${cell(describeRun('A', a))}`,
    `- ${cell(describeRun('B', b))}`,
    '',
    `**${diffCounts(d)}**`,
    '',
  ];
  const table = (title: string, rows: MatchedQuery[], withChanges: boolean) => {
    if (!rows.length) return;
    out.push(
      `## ${title}`,
      '',
      '| Scenario | Variant | Step | Question | Probe | A | B |' + (withChanges ? ' Changes |' : ''),
    );
    out.push(`|---|---|---|---|---|---|---|${withChanges ? '---|' : ''}`);
    for (const m of rows) {
      const changes = withChanges ? ` ${m.changes.map((c) => code(describeChange(c))).join('<br>')} |` : '';
      out.push(
        `| ${cell(m.scenario)} | ${cell(m.variant)} | ${cell(m.step)} | ${code(questionText(m.query))} | ${cell(probeText(m.probe))} | ${VERDICT_LABEL[m.a.verdict]} (${m.a.corednsVersion}) | ${VERDICT_LABEL[m.b.verdict]} (${m.b.corednsVersion}) |${changes}`,
      );
    }
    out.push('');
  };
  table('Answers that changed', d.changed, true);
  table('Verdicts that changed with the same answer', d.verdictChanged, false);
  const list = (title: string, xs: OneSided[]) => {
    if (!xs.length) return;
    out.push(
      `## ${title}`,
      '',
      ...xs.map((x) => `- ${cell(where(x))} — ${VERDICT_LABEL[x.side.verdict]}`),
      '',
    );
  };
  list('Only in A', d.onlyInA);
  list('Only in B', d.onlyInB);
  return out.join('\n');
}

export function renderDiffJson(a: RunRef, b: RunRef, d: RunDiff): string {
  const ref = (r: RunRef) => ({
    file: r.file,
    startedAt: r.run.startedAt,
    backend: r.run.backend.name,
    corednsVersions: versions(r.run),
  });
  return `${JSON.stringify(
    {
      a: ref(a),
      b: ref(b),
      summary: {
        changed: d.changed.length,
        verdictChanged: d.verdictChanged.length,
        unchanged: d.unchanged,
        onlyInA: d.onlyInA.length,
        onlyInB: d.onlyInB.length,
      },
      changed: d.changed,
      verdictChanged: d.verdictChanged,
      onlyInA: d.onlyInA,
      onlyInB: d.onlyInB,
    },
    null,
    2,
  )}\n`;
}
