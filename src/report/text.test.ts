/** Corefile lines named by the oracle's reasons, and the side-by-side view. */
import { describe, expect, it } from 'vitest';
import { KUBEADM_COREFILE } from '../corefile/testkit.ts';
import { involvedCorefileLines, sideBySide } from './text.ts';

const lines = (explain: string[]) => involvedCorefileLines(KUBEADM_COREFILE, explain).map((l) => l.line);

describe('involvedCorefileLines (kind-default.Corefile)', () => {
  it('takes a named directive with its block and the server block key', () => {
    expect(lines(['forward .: sent to /etc/resolv.conf — CoreDNS plugin/forward/forward.go'])).toEqual([
      1, 13, 14, 15,
    ]);
    expect(lines(['cache 30: denial disabled for cluster.local'])).toEqual([1, 16, 17, 18, 19]);
    expect(lines(['loadbalance: answer order any — CoreDNS plugin/loadbalance/loadbalance.go'])).toEqual([
      1, 22,
    ]);
  });

  it('takes the key line for server-block selection, nothing for plugins the Corefile lacks', () => {
    expect(lines(['no server block listens on port 54 — CoreDNS core/dnsserver/register.go'])).toEqual([1]);
    expect(
      lines(['hosts: foo not listed — CoreDNS plugin/hosts/hosts.go', 'the pod reads /etc/hosts first']),
    ).toEqual([]);
  });

  it('ignores directive names in comments and sub-directives', () => {
    const corefile =
      '# forward everything\nexample.org:53 {\n    kubernetes cluster.local {\n        fallthrough\n    }\n    forward . 1.1.1.1\n}\n';
    const got = involvedCorefileLines(corefile, [
      'fallthrough: next plugin',
      'forward . — CoreDNS plugin/forward/forward.go',
    ]);
    expect(got.map((l) => l.line)).toEqual([2, 6]);
  });
});

describe('sideBySide', () => {
  it('lines blocks and equal records up, and marks lines the other side lacks, TTLs aside', () => {
    const rows = sideBySide([
      {
        title: 'expected',
        blocks: [
          { title: 'header', lines: [{ text: 'h', key: 'h' }] },
          {
            title: ';; ANSWER SECTION:',
            lines: [
              { text: 'a 30 A 1', key: 'a A 1' },
              { text: 'a 30 A 2', key: 'a A 2' },
            ],
          },
        ],
      },
      {
        title: 'live',
        blocks: [
          { title: 'header', lines: [{ text: 'h', key: 'h' }] },
          { title: ';; ANSWER SECTION:', lines: [{ text: 'a 25 A 2', key: 'a A 2' }] },
        ],
      },
    ]);
    expect(rows.map((r) => r.map((c) => (c.differs ? `!${c.text}` : c.text)))).toEqual([
      ['expected', 'live'],
      ['h', 'h'],
      [';; ANSWER SECTION:', ';; ANSWER SECTION:'],
      ['!a 30 A 1', ''],
      ['a 30 A 2', 'a 25 A 2'],
    ]);
  });
});
