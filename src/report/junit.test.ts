/**
 * JUnit XML: well-formed (checked by a strict reader, xml-testkit.ts), and counted as JUnit readers
 * (Jenkins, GitLab, GitHub's test reporters) count: failures for diff and unstable, skipped with the
 * reason, an error for a variant that did not run. Numbers below are counted by hand from testkit.ts.
 */
import { describe, expect, it } from 'vitest';
import { renderJunit, xmlAttr, xmlText } from './junit.ts';
import { fixtureRun } from './testkit.ts';
import { all, parseXml } from './xml-testkit.ts';

describe('renderJunit', () => {
  const root = parseXml(renderJunit(fixtureRun()));

  it('is well-formed, with totals over every suite', () => {
    expect(root.name).toBe('testsuites');
    // 7 queries + 1 variant that did not run; failures = 2 diff + 1 unstable.
    expect(root.attrs).toMatchObject({
      tests: '8',
      failures: '3',
      errors: '1',
      skipped: '1',
      time: '12.500',
    });
  });

  it('has one testsuite per scenario × variant and one testcase per query', () => {
    const suites = all(root, 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual([
      'basic [kind-default, CoreDNS 1.14.7]',
      'basic [broken, CoreDNS 1.14.7]',
      'quiet [kind-default, CoreDNS 1.11.3]',
    ]);
    expect(suites[0]?.attrs).toMatchObject({ tests: '6', failures: '3', errors: '0', skipped: '1' });
    expect(all(suites[0]!, 'testcase')).toHaveLength(6);
    expect(all(suites[1]!, 'error')[0]?.attrs.message).toBe(
      "CoreDNS refused the Corefile: plugin/kubernetes: unknown property 'nope'",
    );
  });

  it('puts the differences and the explanation in the failure', () => {
    const gone = all(root, 'testcase').find((t) => t.attrs.name?.includes('gone.default'));
    const failure = all(gone!, 'failure')[0]!;
    expect(failure.attrs).toEqual({ message: 'rcode: expected NOERROR, live NXDOMAIN', type: 'diff' });
    expect(failure.text).toContain('answer: missing A 10.96.0.10 (TTL 30)');
    expect(failure.text).toContain('CoreDNS plugin/kubernetes/kubernetes.go');
    const flaky = all(root, 'testcase').find((t) => t.attrs.name?.includes('flaky'));
    expect(all(flaky!, 'failure')[0]?.attrs.type).toBe('unstable');
  });

  it('skips with the reason, escaped and with forbidden characters replaced', () => {
    const skipped = all(root, 'skipped');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.attrs.message).toBe('no network namespaces <without root>\uFFFD');
  });

  it('passes an expected deviation and says why in system-out', () => {
    const dev = all(root, 'testcase').find((t) => t.attrs.name?.startsWith('initial: *.default'))!;
    expect(all(dev, 'failure')).toEqual([]);
    expect(all(dev, 'system-out')[0]?.text).toContain(
      'expected deviation: wildcards were removed in CoreDNS 1.9.0 (coredns#7117) & the oracle still "knows" them',
    );
  });

  it('escapes so that attributes and text read back as written', () => {
    const s = 'a<b>&"c"\'d\'\n\te]]>';
    const el = parseXml(`<x v="${xmlAttr(s)}">${xmlText(s)}</x>`);
    expect(el.attrs.v).toBe(s);
    expect(el.text).toBe(s);
  });

  it('has a reader that rejects what XML parsers reject (so the checks above can fail)', () => {
    for (const bad of [
      '<a b="<"/>',
      '<a>&nope;</a>',
      '<a><b></a></b>',
      '<a b=c/>',
      '<a/><b/>',
      '<a>\u0007</a>',
      '<a b="1" b="2"/>',
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});
