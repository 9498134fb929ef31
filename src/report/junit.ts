/**
 * junit.xml: one testsuite per scenario × Corefile variant, one testcase per query. A diff or an
 * unstable answer is a failure (differences, expected vs. live, the oracle's reasons); a skipped
 * query is skipped with its reason; an expected deviation passes and says so in system-out; a
 * variant that could not run is an error. The shape GitLab, Jenkins and GitHub reporters read.
 */
import { describeDifference } from '../compare/difference.ts';
import type { QueryResult, RunResult } from '../run/result.ts';
import { matrix, probeText, questionText } from './rows.ts';
import { expectedColumn, explanation, liveColumns, sideBySideText } from './text.ts';

/** Characters XML 1.0 does not allow at all (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F). */
const INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also keep their quotes and line breaks (which parsers would fold to spaces). */
export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

function details(q: QueryResult): string {
  const parts = [
    ...q.differences.map(describeDifference),
    '',
    sideBySideText([expectedColumn(q), ...liveColumns(q)]),
  ];
  const why = explanation(q);
  if (why.length) parts.push('', 'Why the oracle expected this:', ...why.map((w) => `- ${w}`));
  if (q.rules.length) parts.push('', `Rules applied: ${q.rules.join(', ')}`);
  return parts.join('\n');
}

function testcase(classname: string, step: string, q: QueryResult): string {
  const head = `    <testcase${attrs({ classname, name: `${step}: ${questionText(q.query)} (${probeText(q.probe)})`, time: 0 })}`;
  const first = q.differences[0] ? describeDifference(q.differences[0]) : q.verdict;
  switch (q.verdict) {
    case 'pass':
      return `${head}/>`;
    case 'diff':
    case 'unstable': {
      const message = q.verdict === 'unstable' ? `unstable: ${first}` : first;
      return `${head}>\n      <failure${attrs({ message, type: q.verdict })}>${xmlText(details(q))}</failure>\n    </testcase>`;
    }
    case 'skipped':
      return `${head}>\n      <skipped${attrs({ message: q.reason ?? 'skipped' })}/>\n    </testcase>`;
    case 'expected-deviation':
      return `${head}>\n      <system-out>${xmlText(`expected deviation: ${q.reason ?? ''}\n${details(q)}`)}</system-out>\n    </testcase>`;
  }
}

export function renderJunit(result: RunResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  for (const { scenario, variant, counts } of matrix(result)) {
    const classname = `dnsconform.${scenario.name}.${variant.name}`.replace(/\s+/g, '_');
    const cases = variant.steps.flatMap((s) => s.queries.map((q) => testcase(classname, s.name, q)));
    const error = variant.error ? 1 : 0;
    if (variant.error) {
      cases.push(
        `    <testcase${attrs({ classname, name: 'Corefile variant', time: 0 })}>\n      <error${attrs({ message: variant.error, type: 'variant' })}/>\n    </testcase>`,
      );
    }
    const suite = {
      name: `${scenario.name} [${variant.name}, CoreDNS ${variant.corednsVersion}]`,
      tests: counts.total + error,
      failures: counts.diff + counts.unstable,
      errors: error,
      skipped: counts.skipped,
      time: 0,
      timestamp: result.startedAt.replace(/\.\d+Z$/, '').replace(/Z$/, ''),
      hostname: result.backend.name,
    };
    tests += suite.tests;
    failures += suite.failures;
    errors += suite.errors;
    skipped += suite.skipped;
    const properties = [
      `    <properties>`,
      `      <property${attrs({ name: 'coredns.version', value: variant.corednsVersion })}/>`,
      `      <property${attrs({ name: 'corefile.variant', value: variant.name })}/>`,
      `      <property${attrs({ name: 'backend', value: result.backend.name })}/>`,
      `      <property${attrs({ name: 'scenario.file', value: scenario.file })}/>`,
      `    </properties>`,
    ];
    suites.push(`  <testsuite${attrs(suite)}>\n${[...properties, ...cases].join('\n')}\n  </testsuite>`);
  }
  const ms = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
  const time = Number.isFinite(ms) ? (ms / 1000).toFixed(3) : '0';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'dnsconform', tests, failures, errors, skipped, time })}>\n${suites.join('\n')}\n</testsuites>\n`;
}
