/** report.html: self-contained, every query that did not pass present, escaped, filterable. */
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { queryRows } from './rows.ts';
import { fixtureRun } from './testkit.ts';

const run = fixtureRun();
const html = renderHtml(run);
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function articles(): { verdict: string; body: string }[] {
  return [...html.matchAll(/<article data-verdict="([^"]+)"[^>]*>([\s\S]*?)<\/article>/g)].map((m) => ({
    verdict: m[1] as string,
    body: m[2] as string,
  }));
}

describe('renderHtml', () => {
  it('contains every query that did not pass, with its verdict, question and differences', () => {
    const notPassed = queryRows(run).filter((r) => r.query.verdict !== 'pass');
    expect(notPassed).toHaveLength(5);
    const found = articles();
    expect(found).toHaveLength(5);
    for (const r of notPassed) {
      const a = found.find((x) =>
        x.body.includes(`<code>${esc(`${r.query.query.name} ${r.query.query.type}`)}</code>`),
      );
      expect(a, r.query.id).toBeDefined();
      expect(a?.verdict).toBe(r.query.verdict);
    }
    const gone = found.find((a) => a.body.includes('gone.default'))!;
    expect(gone.body).toContain('<code>rcode: expected NOERROR, live NXDOMAIN</code>');
    // The live status line differs from the expected one: marked (class x adds a "! " sign too).
    expect(gone.body).toContain('<td class="x">;; status: NXDOMAIN; flags: qr aa rd ra</td>');
    expect(gone.body).toMatch(
      /Corefile lines involved[\s\S]*kubernetes cluster\.local in-addr\.arpa ip6\.arpa/,
    );
  });

  it('lists passing queries compactly, filterable as pass', () => {
    expect(html).toMatch(
      /<li data-verdict="pass" data-scenario="quiet">initial: web\.default\.svc\.cluster\.local\. A/,
    );
  });

  it('needs nothing from outside the file', () => {
    expect(html).not.toMatch(/<link\b|\bsrc=|url\(|https?:\/\//);
    expect(html).toMatch(/<style>[\s\S]+<\/style>/);
    expect(html).toMatch(/<script>[\s\S]+<\/script>/);
  });

  it('reads without JavaScript: the filter form starts hidden, every article is in the page', () => {
    expect(html).toContain('<form id="filters" hidden>');
    expect(html).not.toMatch(/<article[^>]* hidden/);
  });

  it('escapes text from the run', () => {
    expect(html).toContain('Services &amp; pods &lt;in&gt; default');
    expect(html).not.toContain('<in>');
    expect(html).toContain('the oracle still &quot;knows&quot; them');
  });
});
