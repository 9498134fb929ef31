import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKey } from './keys.ts';
import { parseCorefile } from './parse.ts';
import { printCorefile } from './print.ts';
import { KUBEADM_COREFILE } from './testkit.ts';
import type { Corefile, Directive, ServerBlock } from './types.ts';

/** The AST without positions (printing moves things; meaning must not move). */
function strip(c: Corefile): unknown {
  const dir = (d: Directive): unknown => ({ name: d.name, args: d.args, block: d.block?.map(dir) });
  return c.blocks.map((b) => ({
    keys: b.keys.map(({ raw, scheme, zones, port }) => ({ raw, scheme, zones, port })),
    directives: b.directives.map(dir),
  }));
}

const roundTrip = (c: Corefile) => parseCorefile(printCorefile(c), 'printed');

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/).filter((n) => n !== 'import');
// Arguments a Corefile can hold: plain words, and text that needs quotes (spaces, '#', quotes,
// empty, newlines, non-ASCII). Excluded: braces and a backslash before a quote or at the end,
// which no Corefile can spell; `{$…}` is expanded by the parser.
const arg = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9._:/@*=-]{1,12}$/),
    fc.string({
      unit: fc.constantFrom('a', ' ', '#', '"', '\\', '\n', '\t', 'é', '{', '}', '$', '%', 'x'),
      maxLength: 8,
    }),
  )
  .filter((a) => a !== '{' && a !== '}' && !/\\"|\\$/.test(a) && !/\{[$%]/.test(a));

const directive: fc.Arbitrary<Directive> = fc.letrec<{ d: Directive }>((tie) => ({
  d: fc.record({
    name,
    args: fc.array(arg, { maxLength: 3 }),
    block: fc.option(fc.array(tie('d'), { maxLength: 3 }), { nil: undefined, depthSize: 'small' }),
    pos: fc.constant({ line: 1, col: 1 }),
  }),
})).d;

const rawKey = fc.oneof(
  fc.constantFrom(
    '.',
    '.:53',
    'cluster.local',
    'Example.ORG:1053',
    'tls://.',
    'grpc://example.org',
    '10.0.0.0/15',
    'fd00::/63:5353',
  ),
  fc
    .tuple(fc.stringMatching(/^[a-z0-9-]{1,10}$/), fc.integer({ min: 0, max: 65535 }))
    .map(([l, p]) => `${l}.test:${p}`),
);

const corefile: fc.Arbitrary<Corefile> = fc
  .array(
    fc.record({
      keys: fc.uniqueArray(rawKey, { minLength: 1, maxLength: 3 }),
      directives: fc.array(directive, { maxLength: 4 }),
    }),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((blocks) => {
    // Each zone:port once across the file (register.go refuses duplicates).
    const seen = new Set<string>();
    const out: ServerBlock[] = [];
    for (const b of blocks) {
      const keys = b.keys
        .map((raw) => parseKey(raw, 'gen', { line: 1, col: 1 }))
        .filter((k) => {
          const ids = k.zones.map((z) => `${k.scheme}://${z}:${k.port}`);
          if (ids.some((id) => seen.has(id))) return false;
          for (const id of ids) seen.add(id);
          return true;
        });
      const directives = b.directives.filter((d) => d.name !== 'bind' && d.name !== 'view');
      if (keys.length) out.push({ keys, directives, pos: { line: 1, col: 1 } });
    }
    return { file: 'gen', blocks: out };
  })
  .filter((c) => c.blocks.length > 0);

describe('printCorefile', () => {
  it('prints text that parses back to the same AST (generated Corefiles)', () => {
    fc.assert(
      fc.property(corefile, (c) => {
        expect(strip(roundTrip(c))).toEqual(strip(c));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a } that closes a block on a sub-directive line', () => {
    const c = parseCorefile('. {\n hosts {\n  fallthrough }\n}', 'x');
    expect(printCorefile(c)).toBe('. {\n    hosts {\n        fallthrough }\n}\n');
    expect(strip(roundTrip(c))).toEqual(strip(c));
  });

  it('quotes what the lexer would split or drop', () => {
    const c = parseCorefile(
      '. {\n template IN A {\n  answer "{{ .Name }} 60 IN A 10.0.0.1"\n }\n log "" "a#b" "say \\"hi\\""\n}',
      'x',
    );
    expect(printCorefile(c)).toContain('answer "{{ .Name }} 60 IN A 10.0.0.1"');
    expect(printCorefile(c)).toContain('log "" "a#b" "say \\"hi\\""');
  });

  it('refuses what no Corefile can spell', () => {
    const c = parseCorefile('. {\n log\n}', 'x');
    c.blocks[0]!.directives[0]!.args = ['a b\\'];
    expect(() => printCorefile(c)).toThrow(/cannot be quoted/);
    c.blocks[0]!.directives[0]!.args = ['}', 'x'];
    expect(() => printCorefile(c)).toThrow(/cannot be printed/);
  });

  // parse(print(parse(x))) equals parse(x) for Corefiles seen in the wild.
  const corefiles: Record<string, string> = {
    // kubeadm/kind default (kubeadm cmd/kubeadm/app/phases/addons/dns/manifests.go)
    'kind default': KUBEADM_COREFILE,
    // kubeadm ≤1.12 era (seed 004: the old proxy plugin)
    'kubeadm old with proxy': `.:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       upstream
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
`,
    // k3s manifests/coredns.yaml
    k3s: `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`,
    'stub domains': `consul.local:53 {
    errors
    cache 30
    forward . 10.150.0.1
}
example.com, example.net {
    forward . 10.0.0.10:5353 10.0.0.11 {
        policy sequential
    }
}
.:53 {
    kubernetes cluster.local 10.96.0.0/12 {
        pods verified
    }
    autopath @kubernetes
    forward . 8.8.8.8 8.8.4.4
}
`,
    snippets: `(common) {
    errors
    log . "{remote} {type} {name}"
}
cluster.local:53 {
    import common
    kubernetes
}
10.0.0.0/15 {
    import common
    whoami
}
`,
  };
  for (const [label, text] of Object.entries(corefiles)) {
    it(`is stable for ${label}`, () => {
      const once = parseCorefile(text, label);
      const printed = printCorefile(once);
      expect(strip(parseCorefile(printed, label))).toEqual(strip(once));
      expect(printCorefile(parseCorefile(printed, label))).toBe(printed);
    });
  }
});
