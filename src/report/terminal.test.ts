/** Terminal output: the progress line per scenario × variant and the end-of-run table. */
import { describe, expect, it } from 'vitest';
import { progressLine, summaryTable } from './terminal.ts';
import { fixtureRun } from './testkit.ts';

describe('terminal', () => {
  const run = fixtureRun();
  const basic = run.scenarios[0]!;

  it('prints one progress line per variant, only the counts that are not zero', () => {
    expect(progressLine(basic, basic.variants[0]!, 3.25)).toBe(
      'basic [kind-default, CoreDNS 1.14.7]: 1/6 pass, 2 diff, 1 unstable, 1 expected deviation, 1 skipped (3.3 s)',
    );
    expect(progressLine(run.scenarios[1]!, run.scenarios[1]!.variants[0]!)).toBe(
      'quiet [kind-default, CoreDNS 1.11.3]: 1/1 pass',
    );
    expect(progressLine(basic, basic.variants[1]!)).toBe(
      "basic [broken, CoreDNS 1.14.7]: did not run: CoreDNS refused the Corefile: plugin/kubernetes: unknown property 'nope'",
    );
    expect(progressLine(basic, basic.variants[0]!, 1, { color: true })).toContain(
      '\u001b[31m2 diff\u001b[0m',
    );
  });

  it('ends with a table, the summary line and the first failing queries', () => {
    const lines = summaryTable(run, { listed: 2 }).split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'scenario  variant               CoreDNS  pass  diff  unstable  deviation  skipped',
      'basic     kind-default          1.14.7      1     2         1          1        1',
      'basic     broken (did not run)  1.14.7      0     0         0          0        0',
      'quiet     kind-default          1.11.3      1     0         0          0        0',
      'total                                       2     2         1          1        1',
    ]);
    expect(lines[6]).toBe('7 queries: 2 pass, 2 diff, 1 unstable, 1 expected deviation, 1 skipped');
    expect(lines[7]).toBe(
      '  diff     basic/kind-default initial: gone.default.svc.cluster.local. A (wire (udp)) — rcode: expected NOERROR, live NXDOMAIN',
    );
    expect(lines[9]).toBe('  … and 1 more (see report.md)');
    expect(summaryTable(run)).not.toContain('\u001b[');
  });
});
