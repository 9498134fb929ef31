/**
 * report.html: one self-contained file (no external assets). Everything reads without JavaScript;
 * a few lines of inline script add filters by verdict, scenario and text. Differences are marked by
 * colour and by a sign (`!`, a label), never by colour alone; colours keep WCAG AA contrast.
 */
import { describeDifference } from '../compare/difference.ts';
import type { QueryResult, RunResult, Verdict } from '../run/result.ts';
import {
  matrix,
  probeText,
  queryRows,
  questionText,
  summaryLine,
  VERDICT_LABEL,
  VERDICTS,
  variantTitle,
} from './rows.ts';
import {
  corefileLinesText,
  expectedColumn,
  explanation,
  involvedCorefileLines,
  liveColumns,
  oneLine,
  sideBySide,
} from './text.ts';

export function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff;margin:0 auto;max-width:1400px;padding:1rem 1.5rem}
h1{font-size:1.5rem}h2{font-size:1.25rem;margin-top:2rem}h3{font-size:1.1rem;margin-top:1.5rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre,.sbs td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}
.sbs{width:100%;overflow-x:auto;display:block}.sbs td{border:none;border-right:1px solid #d0d7de;white-space:pre;padding:0 .5rem}
.sbs tr:first-child td{font-weight:600;border-bottom:1px solid #d0d7de}
.sbs td.x{background:#ffebe9;color:#82071e}.sbs td.x::before{content:"! "}
.badge{display:inline-block;border-radius:.25rem;padding:0 .4rem;font-weight:600;font-size:.85rem}
.v-pass{background:#dafbe1;color:#116329}.v-diff{background:#ffebe9;color:#82071e}
.v-unstable{background:#fff8c5;color:#6a4500}.v-expected-deviation{background:#eaeefe;color:#3b3396}
.v-skipped{background:#eaeef2;color:#424a53}
article{border:1px solid #d0d7de;border-radius:.4rem;padding:.25rem 1rem .75rem;margin:1rem 0}
ul.diffs li{color:#82071e}
#filters{position:sticky;top:0;background:#fff;border-bottom:1px solid #d0d7de;padding:.5rem 0;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
details.passes li{font-family:ui-monospace,monospace;font-size:13px}
`;

const SCRIPT = `
(function(){
  var f=document.getElementById('filters');f.hidden=false;
  function apply(){
    var on={};f.querySelectorAll('input[name=verdict]').forEach(function(i){on[i.value]=i.checked});
    var sc=f.elements.scenario.value,text=f.elements.q.value.toLowerCase();
    document.querySelectorAll('[data-verdict]').forEach(function(el){
      el.hidden=!(on[el.dataset.verdict]&&(!sc||el.dataset.scenario===sc)&&(!text||el.textContent.toLowerCase().indexOf(text)>=0));
    });
    document.querySelectorAll('section[data-scenario]').forEach(function(s){
      s.hidden=(sc&&s.dataset.scenario!==sc)||!s.querySelector('[data-verdict]:not([hidden]),.variant-error');
    });
  }
  f.addEventListener('input',apply);f.addEventListener('submit',function(e){e.preventDefault()});apply();
})();
`;

function badge(v: Verdict): string {
  return `<span class="badge v-${v}">${esc(VERDICT_LABEL[v])}</span>`;
}

function filters(result: RunResult): string {
  const verdicts = VERDICTS.map(
    (v) =>
      `<label><input type="checkbox" name="verdict" value="${v}"${v === 'pass' ? '' : ' checked'}> ${esc(VERDICT_LABEL[v])}</label>`,
  ).join(' ');
  const scenarios = result.scenarios.map((s) => `<option>${esc(s.name)}</option>`).join('');
  return `<form id="filters" hidden><fieldset><legend>Verdict</legend>${verdicts}</fieldset>
<label>Scenario <select name="scenario"><option value="">all</option>${scenarios}</select></label>
<label>Search <input type="search" name="q" placeholder="name, difference, reason…"></label></form>`;
}

function matrixTable(result: RunResult): string {
  const head =
    '<tr><th>Scenario</th><th>Corefile variant</th><th>CoreDNS</th><th>pass</th><th>diff</th><th>unstable</th><th>deviation</th><th>skipped</th></tr>';
  const rows = matrix(result).map(({ scenario, variant, counts: c }) => {
    const n = (x: number) => `<td class="n">${x}</td>`;
    const name = variant.error ? `${esc(variant.name)} (did not run)` : esc(variant.name);
    return `<tr><td>${esc(scenario.name)}</td><td>${name}</td><td>${esc(variant.corednsVersion)}</td>${n(c.pass)}${n(c.diff)}${n(c.unstable)}${n(c.expectedDeviation)}${n(c.skipped)}</tr>`;
  });
  return `<table><caption class="sr">Verdicts per scenario, Corefile variant and CoreDNS version</caption>${head}${rows.join('')}</table>`;
}

function sideBySideTable(q: QueryResult): string {
  const rows = sideBySide([expectedColumn(q), ...liveColumns(q)]);
  const trs = rows.map(
    (r) => `<tr>${r.map((c) => `<td${c.differs ? ' class="x"' : ''}>${esc(c.text)}</td>`).join('')}</tr>`,
  );
  return `<table class="sbs">${trs.join('')}</table>`;
}

function queryArticle(
  scenario: string,
  variant: RunResult['scenarios'][number]['variants'][number],
  step: string,
  q: QueryResult,
): string {
  const parts = [
    `<article data-verdict="${q.verdict}" data-scenario="${esc(scenario)}" id="${esc(`q-${scenario}-${variant.name}-${q.id}`)}">`,
    `<h4>${badge(q.verdict)} <code>${esc(questionText(q.query))}</code> — ${esc(probeText(q.probe))}, step <code>${esc(step)}</code></h4>`,
  ];
  if (q.reason) parts.push(`<p><strong>Reason:</strong> ${esc(q.reason)}</p>`);
  if (q.differences.length) {
    parts.push(
      `<ul class="diffs">${q.differences.map((d) => `<li><code>${esc(describeDifference(d))}</code></li>`).join('')}</ul>`,
    );
  }
  if (q.verdict !== 'skipped' || q.live.length > 0) parts.push(sideBySideTable(q));
  for (const [i, l] of q.live.entries()) {
    if (l.stdout === undefined) continue;
    parts.push(
      `<details><summary>Tool output${q.live.length > 1 ? `, ask ${i + 1}` : ''}</summary><pre>${esc(l.stdout)}</pre></details>`,
    );
  }
  if (q.rules.length)
    parts.push(`<p>Rules applied: ${q.rules.map((r) => `<code>${esc(r)}</code>`).join(', ')}</p>`);
  const why = explanation(q);
  if (why.length)
    parts.push(
      `<p><strong>Why the oracle expected this</strong></p><ul>${why.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`,
    );
  const lines = involvedCorefileLines(variant.corefile, why);
  if (lines.length) {
    parts.push(
      `<p><strong>Corefile lines involved</strong></p><pre>${esc(corefileLinesText(variant, lines))}</pre>`,
    );
  }
  parts.push('</article>');
  return parts.join('\n');
}

export function renderHtml(result: RunResult): string {
  const rows = queryRows(result);
  const sections = result.scenarios.flatMap((scenario) =>
    scenario.variants.map((variant) => {
      const mine = rows.filter((r) => r.variant === variant);
      const parts = [
        `<section data-scenario="${esc(scenario.name)}">`,
        `<h3>${esc(variantTitle(scenario, variant))}</h3>`,
      ];
      if (scenario.description)
        parts.push(`<p><em>${esc(scenario.description)}</em> (<code>${esc(scenario.file)}</code>)</p>`);
      if (variant.error)
        parts.push(
          `<p class="variant-error"><strong>The variant did not run:</strong> ${esc(variant.error)}</p>`,
        );
      if (variant.rewrites.length) {
        parts.push(
          `<details><summary>Corefile rewrites the backend made to run it (${variant.rewrites.length})</summary><ul>${variant.rewrites.map((r) => `<li>line ${r.line}: ${r.from === '' ? 'adds' : `<code>${esc(oneLine(r.from))}</code> →`} <code>${esc(oneLine(r.to))}</code> — ${esc(r.why)}</li>`).join('')}</ul></details>`,
        );
      }
      for (const r of mine.filter((m) => m.query.verdict !== 'pass')) {
        parts.push(queryArticle(scenario.name, variant, r.step.name, r.query));
      }
      const passes = mine.filter((m) => m.query.verdict === 'pass');
      if (passes.length) {
        const items = passes.map(
          (r) =>
            `<li data-verdict="pass" data-scenario="${esc(scenario.name)}">${esc(r.step.name)}: ${esc(questionText(r.query.query))} — ${esc(probeText(r.query.probe))}</li>`,
        );
        parts.push(
          `<details class="passes"><summary>${passes.length} passing queries</summary><ul>${items.join('')}</ul></details>`,
        );
      }
      parts.push('</section>');
      return parts.join('\n');
    }),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dnsconform — ${esc(summaryLine(result.summary))}</title>
<style>${STYLE}.sr{position:absolute;left:-9999px}</style>
</head>
<body>
<h1>dnsconform run</h1>
<p><strong>${esc(summaryLine(result.summary))}</strong></p>
<p>Backend <code>${esc(result.backend.name)}</code> · dnsconform ${esc(result.dnsconform)} · ${esc(result.startedAt)} → ${esc(result.finishedAt)}</p>
<h2>Matrix</h2>
${matrixTable(result)}
<h2>Queries</h2>
${filters(result)}
${sections.join('\n')}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
