/** `dnsconform diff`: exit codes, text and JSON output, --report, and one-line errors for bad input. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { renderJson } from '../report/json.ts';
import { fixtureRun, message } from '../report/testkit.ts';
import { diff } from './diff.ts';
import { main } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'dnsconform-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const before = fixtureRun();
const after = fixtureRun();
for (const s of after.scenarios) for (const v of s.variants) v.corednsVersion = '1.14.7';
const gone = after.scenarios[0]!.variants[0]!.steps[0]!.queries[1]!;
gone.live = [
  { message: message({ answer: [{ name: gone.query.name, type: 'A', ttl: 30, data: '10.96.0.10' }] }) },
];
gone.verdict = 'pass';
const A = save('a.json', renderJson(before));
const B = save('b.json', renderJson(after));

async function capture(run: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  try {
    return { code: await run(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('dnsconform diff', () => {
  it('exits 1 and names the changed answer with both verdicts', async () => {
    const r = await capture(() => diff([A, B]));
    expect(r.code).toBe(1);
    expect(r.out).toContain(`A: ${A} — CoreDNS 1.14.7, 1.11.3, backend local, 2026-11-23T08:00:00.000Z`);
    expect(r.out).toContain(`B: ${B} — CoreDNS 1.14.7, backend local`);
    expect(r.out).toContain(
      '1 answer changed, 0 verdicts changed with the same answer, 6 unchanged, 0 only in A, 0 only in B',
    );
    expect(r.out).toContain(
      [
        'changed  basic [kind-default] step initial: gone.default.svc.cluster.local. A (wire (udp))',
        '  A (CoreDNS 1.14.7): diff · B (CoreDNS 1.14.7): pass',
        '  rcode: A NXDOMAIN, B NOERROR',
        '  answer: only in B: A 10.96.0.10 (TTL 30)',
        // A's NXDOMAIN carried the zone's SOA; B's answer does not.
        '  authority: only in A: cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30 (TTL 30)',
      ].join('\n'),
    );
  });

  it('exits 0 when nothing changed', async () => {
    expect((await capture(() => diff([A, A]))).code).toBe(0);
  });

  it('prints JSON with --json and writes diff.md and diff.json with --report', async () => {
    const out = join(dir, 'report');
    const r = await capture(() => diff([A, B, '--json', '--report', out]));
    const json = JSON.parse(r.out);
    expect(json.summary).toEqual({ changed: 1, verdictChanged: 0, unchanged: 6, onlyInA: 0, onlyInB: 0 });
    expect(json.changed[0].changes[0]).toEqual({ field: 'rcode', a: 'NXDOMAIN', b: 'NOERROR' });
    expect(JSON.parse(readFileSync(join(out, 'diff.json'), 'utf8'))).toEqual(json);
    expect(readFileSync(join(out, 'diff.md'), 'utf8')).toContain(
      '| basic | kind-default | initial | `gone.default.svc.cluster.local. A` | wire (udp) | diff (1.14.7) | pass (1.14.7) | `rcode: A NXDOMAIN, B NOERROR`<br>`answer: only in B: A 10.96.0.10 (TTL 30)`<br>`authority: only in A: cluster.local. SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30 (TTL 30)` |',
    );
  });

  it('exits 2 with one line naming the file and what is wrong', async () => {
    const notRun = save('other.json', '{"hello": 1}');
    const broken = save('broken.json', '{\n  "format": "dnsconform-run/1",\n  "scenarios": [\n}');
    const cases: [string[], string][] = [
      [
        [A, join(dir, 'missing.json')],
        `dnsconform: ${join(dir, 'missing.json')}: cannot read the run: no such file\n`,
      ],
      [
        [notRun, A],
        `dnsconform: ${notRun}: not a dnsconform run (format is null, expected "dnsconform-run/1")\n`,
      ],
      [[A, broken], `dnsconform: ${broken}:4:1: not valid JSON: unexpected '}'\n`],
      [
        [A],
        "dnsconform: command line: expected two saved runs (A.json B.json), got 1 (see 'dnsconform diff --help')\n",
      ],
    ];
    for (const [args, line] of cases) {
      const r = await capture(() => main(['diff', ...args]));
      expect(r.code, line).toBe(2);
      expect(r.err).toBe(line);
    }
  });
});
