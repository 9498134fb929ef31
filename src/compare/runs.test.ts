/**
 * Two runs compared (a CoreDNS upgrade): built from the report fixture by hand-made edits; each
 * expected change is derived from the edit that caused it.
 */
import { describe, expect, it } from 'vitest';
import { fixtureRun, message } from '../report/testkit.ts';
import type { QueryResult, RunResult } from '../run/result.ts';
import { describeChange, diffRuns } from './runs.ts';

const SOA_TEXT =
  'cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30 (TTL 30)';

function queries(run: RunResult): QueryResult[] {
  return run.scenarios[0]!.variants[0]!.steps[0]!.queries;
}

function upgraded(): RunResult {
  const b = fixtureRun();
  for (const s of b.scenarios) for (const v of s.variants) v.corednsVersion = '1.14.7';
  const [web, gone, flaky, wildcard] = queries(b);
  // web: a cache in front now — its TTL counted down, within the predicted range.
  web!.live[0]!.message!.answer[0]!.ttl = 29;
  web!.expected.prediction!.ttlRanges = { answer: [{ min: 0, max: 30 }], authority: [], additional: [] };
  // gone: now answered.
  gone!.live = [
    {
      message: message({
        answer: [{ ...web!.live[0]!.message!.answer[0]!, name: gone!.query.name, ttl: 30 }],
      }),
    },
  ];
  gone!.verdict = 'pass';
  // flaky: the SERVFAIL on the second ask is gone.
  flaky!.live = [flaky!.live[0]!];
  flaky!.verdict = 'pass';
  // wildcard: same answer; the deviation is no longer documented.
  wildcard!.verdict = 'diff';
  // A new query, and a scenario that B did not run.
  queries(b).push({
    ...structuredClone(web!),
    id: 'new',
    query: { name: 'new.default.svc.cluster.local.', type: 'A' },
  });
  b.scenarios = [b.scenarios[0]!];
  return b;
}

describe('diffRuns', () => {
  const a = fixtureRun();
  for (const s of a.scenarios)
    for (const v of s.variants) if (s.name === 'basic') v.corednsVersion = '1.11.3';
  const d = diffRuns(a, upgraded());

  it('finds the answers that changed, with both verdicts', () => {
    expect(d.changed.map((c) => c.query.name)).toEqual([
      'gone.default.svc.cluster.local.',
      'flaky.default.svc.cluster.local.',
    ]);
    const gone = d.changed[0]!;
    expect(gone.a).toMatchObject({ corednsVersion: '1.11.3', verdict: 'diff' });
    expect(gone.b).toMatchObject({ corednsVersion: '1.14.7', verdict: 'pass' });
    expect(gone.changes.map(describeChange)).toEqual([
      'rcode: A NXDOMAIN, B NOERROR',
      'answer: only in B: A 10.96.0.10 (TTL 30)',
      `authority: only in A: ${SOA_TEXT}`,
    ]);
    // A asked twice and saw a SERVFAIL once; B never did.
    expect(d.changed[1]!.changes.map(describeChange)).toEqual([
      'rcode: A SERVFAIL, B NOERROR',
      'answer: only in B: A 10.96.0.10 (TTL 30)',
    ]);
  });

  it('does not count a TTL the cache counted down as a change', () => {
    expect(d.changed.map((c) => c.query.name)).not.toContain('web.default.svc.cluster.local.');
  });

  it('lists verdicts that changed with the same answer apart', () => {
    expect(d.verdictChanged.map((c) => [c.query.name, c.a.verdict, c.b.verdict])).toEqual([
      ['*.default.svc.cluster.local.', 'expected-deviation', 'diff'],
    ]);
    // web, skipped getent, dig-search.
    expect(d.unchanged).toBe(3);
  });

  it('lists queries present on one side only', () => {
    expect(d.onlyInA.map((x) => `${x.scenario}/${x.query.name}`)).toEqual([
      'quiet/web.default.svc.cluster.local.',
    ]);
    expect(d.onlyInB.map((x) => `${x.scenario}/${x.query.name}`)).toEqual([
      'basic/new.default.svc.cluster.local.',
    ]);
  });

  it('compares TTLs where no cache sits in front', () => {
    const b = fixtureRun();
    queries(b)[0]!.live[0]!.message!.answer[0]!.ttl = 5;
    const only = diffRuns(fixtureRun(), b);
    expect(only.changed.map((c) => c.changes.map(describeChange))).toEqual([['answer[0].ttl: A 30, B 5']]);
  });

  it('matches a question asked twice in one step by its occurrence, across versions', () => {
    const twice = (version: string) => {
      const run = fixtureRun();
      const v = run.scenarios[0]!.variants[0]!;
      v.corednsVersion = version;
      v.steps[0]!.queries.push(structuredClone(v.steps[0]!.queries[0]!));
      return run;
    };
    const d2 = diffRuns(twice('1.11.3'), twice('1.14.7'));
    expect(d2).toMatchObject({ changed: [], onlyInA: [], onlyInB: [], unchanged: 8 });
  });

  it('finds nothing between a run and itself', () => {
    const same = diffRuns(fixtureRun(), fixtureRun());
    expect(same).toMatchObject({ changed: [], verdictChanged: [], onlyInA: [], onlyInB: [], unchanged: 7 });
  });
});
