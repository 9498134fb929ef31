/** report.md: summary, matrix and the findings, as a PR comment shows them. Expected text by hand. */
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { fixtureRun, PASS } from './testkit.ts';

const md = renderMarkdown(fixtureRun());

describe('renderMarkdown', () => {
  it('starts with the summary line and the matrix', () => {
    expect(md).toContain('**7 queries: 2 pass, 2 diff, 1 unstable, 1 expected deviation, 1 skipped**');
    expect(md).toContain('| basic | kind-default | 1.14.7 | 1 | 2 | 1 | 1 | 1 |');
    expect(md).toContain('| basic | broken (did not run) | 1.14.7 | 0 | 0 | 0 | 0 | 0 |');
    expect(md).toContain('| quiet | kind-default | 1.11.3 | 1 | 0 | 0 | 0 | 0 |');
  });

  it('shows each query that did not pass, and no passing one', () => {
    expect(md).toContain('#### ❌ diff: `gone.default.svc.cluster.local. A` — wire (udp), step `initial`');
    expect(md).toContain('#### ⚠️ unstable: `flaky.default.svc.cluster.local. A`');
    expect(md).toContain('#### ☑️ expected deviation: `*.default.svc.cluster.local. A`');
    expect(md).toContain('#### ⏭️ skipped: `web A` — getent in default/debug');
    expect(md).toContain('#### ❌ diff: `foo2.bar A` — dig-search in default/debug');
    expect(md).not.toContain(`\`${PASS.query.name} A\``);
    expect(md).not.toContain('### quiet');
  });

  it('puts expected and live side by side, marking the lines that differ', () => {
    expect(md).toMatch(/ {2}expected \(oracle\) +│ {3}live\n/);
    expect(md).toMatch(
      /! ;; status: NOERROR; flags: qr aa rd ra +│ ! ;; status: NXDOMAIN; flags: qr aa rd ra/,
    );
    expect(md).toMatch(/ {2};; addresses: +│ {3};; addresses:/);
    expect(md).toContain(
      '- `search.answeredBy: expected foo2.bar.default.svc.cluster.local., live foo2.bar.svc.cluster.local.`',
    );
  });

  it("gives the oracle's reasons and the Corefile lines they name, with what the backend ran instead", () => {
    expect(md).toContain(
      '- service default/web has cluster IP 10.96.0.10 — CoreDNS plugin/kubernetes/kubernetes.go findServices',
    );
    // kind-default.Corefile: `.:53 {` on line 1, the kubernetes block on lines 7–11.
    expect(md).toContain(
      [
        ' 1 | .:53 {   ⇒ ran as: .:53 { ↵ bind 127.0.0.10 (listen inside the cluster namespace)',
        " 7 |     kubernetes cluster.local in-addr.arpa ip6.arpa {   ⇒ adds: kubeconfig /tmp/k/kubeconfig (list/watch the harness's API endpoint)",
        ' 8 |        pods insecure',
        ' 9 |        fallthrough in-addr.arpa ip6.arpa',
        '10 |        ttl 30',
        '11 |     }',
      ].join('\n'),
    );
    expect(md).toContain('- line 13: `forward . /etc/resolv.conf {` → `forward . 127.0.0.1:5300 {`');
    expect(md).toContain(
      "- line 7: adds `kubeconfig /tmp/k/kubeconfig` — list/watch the harness's API endpoint",
    );
  });

  it('escapes Markdown in free text and says why a variant did not run', () => {
    expect(md).toContain('Services \\& pods \\<in\\> default');
    expect(md).toContain(
      "**The variant did not run:** CoreDNS refused the Corefile: plugin/kubernetes: unknown property 'nope'",
    );
  });

  it('says so when every query passed', () => {
    const run = fixtureRun();
    run.scenarios = [run.scenarios[1]!];
    run.summary = { total: 1, pass: 1, diff: 0, unstable: 0, expectedDeviation: 0, skipped: 0 };
    expect(renderMarkdown(run)).toMatch(/Every query passed\.\n$/);
  });
});
