import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { tokenize } from './lexer.ts';
import { directivesNamed, parseCorefile } from './parse.ts';
import type { Directive } from './types.ts';

/** Directives without positions, for comparing structure. */
function shape(ds: Directive[] | undefined): unknown {
  return ds?.map((d) => (d.block ? [d.name, ...d.args, shape(d.block)] : [d.name, ...d.args]));
}
const parse = (text: string, opts = {}) => parseCorefile(text, 'Corefile', opts);
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e.format();
    throw e;
  }
  throw new Error('expected an InputError');
};

describe('lexer (caddyfile/lexer.go next)', () => {
  const texts = (s: string) => tokenize(s, 'f').map((t) => t.text);
  it('splits on whitespace, keeps quoted strings whole and drops comments', () => {
    expect(texts('forward . "a b"  # comment\n cache 30')).toEqual(['forward', '.', 'a b', 'cache', '30']);
  });
  it('unescapes only \\" inside quotes; other backslashes stay', () => {
    expect(texts('"a\\"b" "c\\d" "e\\\\"')).toEqual(['a"b', 'c\\d', 'e\\\\']);
  });
  it('starts a comment at # even inside a word, and reads a later quote literally', () => {
    expect(texts('foo#bar baz\nx"y"')).toEqual(['foo', 'x"y"']);
  });
  it('ends a quoted token at its closing quote, drops \\r outside quotes, skips a BOM', () => {
    expect(texts('\uFEFF"ab"cd a\r\nb')).toEqual(['ab', 'cd', 'a', 'b']);
  });
  it('keeps the empty quoted token and counts newlines inside quotes', () => {
    const ts = tokenize('a "x\ny" b\nc', 'f');
    expect(ts.map((t) => [t.text, t.line, t.col, t.breaks])).toEqual([
      ['a', 1, 1, 0],
      ['x\ny', 1, 3, 1],
      ['b', 2, 4, 0],
      ['c', 3, 1, 0],
    ]);
    expect(texts('""')).toEqual(['']);
  });
  it('refuses an unterminated quote where it opens', () => {
    expect(errorOf(() => tokenize('a\n  "open', 'f'))).toMatch(/^f:2:3: unterminated quoted string/);
  });
});

describe('server blocks and directives (caddyfile/parse.go)', () => {
  it('reads the kind default Corefile', () => {
    const c = parse(`.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
}
`);
    expect(c.blocks).toHaveLength(1);
    expect(c.blocks[0]!.keys.map((k) => k.zones)).toEqual([['.']]);
    expect(shape(c.blocks[0]!.directives)).toEqual([
      ['errors'],
      ['health', [['lameduck', '5s']]],
      ['ready'],
      [
        'kubernetes',
        'cluster.local',
        'in-addr.arpa',
        'ip6.arpa',
        [
          ['pods', 'insecure'],
          ['fallthrough', 'in-addr.arpa', 'ip6.arpa'],
          ['ttl', '30'],
        ],
      ],
      ['forward', '.', '/etc/resolv.conf', [['max_concurrent', '1000']]],
      ['cache', '30'],
    ]);
    const k = directivesNamed(c.blocks[0]!, 'kubernetes')[0]!;
    expect(k.pos).toEqual({ line: 7, col: 5 });
    expect(k.block![0]!.pos).toEqual({ line: 8, col: 8 });
  });

  it('reads several blocks, keys separated by spaces or commas (a trailing comma continues the line)', () => {
    const c = parse(
      'example.org:1053 example.net, \n  dns://example.com {\n whoami\n}\n.:53 {\n forward . 8.8.8.8\n}',
    );
    expect(c.blocks.map((b) => b.keys.map((k) => `${k.zones.join('|')}:${k.port}`))).toEqual([
      ['example.org.:1053', 'example.net.:53', 'example.com.:53'],
      ['.:53'],
    ]);
    expect(c.blocks[0]!.keys[2]!.pos).toEqual({ line: 2, col: 3 });
  });

  it('opens the block on the next line, or runs a brace-less block to the end of the file', () => {
    expect(shape(parse('.\n{\nwhoami\n}').blocks[0]!.directives)).toEqual([['whoami']]);
    expect(shape(parse('.:53\nwhoami\nlog').blocks[0]!.directives)).toEqual([['whoami'], ['log']]);
    // A line of keys alone is a block without plugins.
    expect(parse('.:1053').blocks[0]!.directives).toEqual([]);
  });

  it('starts directives on the line of the opening brace; an empty block is [] and no block is undefined', () => {
    const c = parse('. { whoami\n cache 30 { }\n log\n}');
    expect(shape(c.blocks[0]!.directives)).toEqual([['whoami'], ['cache', '30', []], ['log']]);
    expect(c.blocks[0]!.directives[2]!.block).toBeUndefined();
  });

  it('passes a } that shares a line with a sub-directive as its last argument (dispenser.go RemainingArgs)', () => {
    // The k3s style written on one line: CoreDNS's hosts plugin then sees `fallthrough }`.
    const c = parse('. {\n hosts /etc/coredns/NodeHosts {\n  ttl 60\n  fallthrough }\n whoami\n}');
    expect(shape(c.blocks[0]!.directives)).toEqual([
      [
        'hosts',
        '/etc/coredns/NodeHosts',
        [
          ['ttl', '60'],
          ['fallthrough', '}'],
        ],
      ],
      ['whoami'],
    ]);
  });

  it('reads nested blocks in directives', () => {
    const c = parse('. {\n a {\n  b 1 {\n   c 2\n  }\n  d\n }\n}');
    expect(shape(c.blocks[0]!.directives)).toEqual([['a', [['b', '1', [['c', '2']]], ['d']]]]);
  });

  it('treats a quoted brace as a brace (the parser compares token text)', () => {
    expect(shape(parse('. "{"\n whoami\n"}"').blocks[0]!.directives)).toEqual([['whoami']]);
  });
});

describe('errors in CoreDNS terms, at file:line:col', () => {
  it('refuses a } on a directive line at the top of a block', () => {
    // caddyfile/parse.go directive: "Unexpected '}' because no matching opening brace" (CoreDNS refuses `. { whoami }`).
    expect(errorOf(() => parse('. { whoami }'))).toBe(
      "Corefile:1:12: Unexpected '}' because no matching opening brace",
    );
    expect(errorOf(() => parse('.\nwhoami\n}'))).toMatch(/^Corefile:3:1: Unexpected '}'/);
  });
  it('refuses a block that is never closed, pointing at its {', () => {
    expect(errorOf(() => parse('. {\n whoami\n'))).toMatch(
      /^Corefile:1:3: unexpected end of file: this '\{' is never closed/,
    );
    expect(errorOf(() => parse('. {\n hosts {\n  fallthrough\n}'))).toMatch(/^Corefile:1:3: /);
  });
  it('refuses a dangling comma (parse.go addresses: Unexpected EOF / expected another address)', () => {
    expect(errorOf(() => parse('a.,'))).toMatch(
      /^Corefile:1:1: unexpected end of file: expected another key/,
    );
    expect(errorOf(() => parse('a., {\n}'))).toMatch(/^Corefile:1:5: expected another key but found '\{'/);
  });
  it('refuses the same zone and port twice (register.go: cannot serve … it is already defined)', () => {
    expect(errorOf(() => parse('.:53 {\n whoami\n}\n. {\n log\n}'))).toBe(
      'Corefile:4:1: cannot serve dns://.:53 - it is already defined (at line 1)',
    );
    // The same zone on another port or transport is fine.
    expect(parse('. {\n}\n.:1053 {\n}\ntls://. {\n}').blocks).toHaveLength(3);
    // A reverse key overlapping a written zone counts too.
    expect(errorOf(() => parse('10.0.0.0/8 10.in-addr.arpa {\n}'))).toMatch(
      /^Corefile:1:12: cannot serve dns:\/\/10\.in-addr\.arpa\.:53 - it is already defined/,
    );
  });
  it('models bind and view as address.go does', () => {
    expect(parse('. {\n bind 127.0.0.1\n}\n. {\n bind 127.0.0.2\n}').blocks).toHaveLength(2);
    expect(errorOf(() => parse('. {\n bind 127.0.0.1\n}\n. {\n whoami\n}'))).toMatch(
      /cannot serve dns:\/\/\.:53 - zone overlap listener capacity with dns:\/\/\.:53 on 127\.0\.0\.1/,
    );
    expect(parse('. {\n view a {\n  expr true\n }\n}\n. {\n whoami\n}').blocks).toHaveLength(2);
  });
  it('refuses an empty Corefile (CoreDNS would fall back to its built-in .:53 { whoami log })', () => {
    expect(errorOf(() => parse('# nothing\n'))).toMatch(/^Corefile: empty Corefile/);
    expect(errorOf(() => parse('(only) {\n whoami\n}'))).toMatch(/empty Corefile/);
  });
  it('refuses a misplaced {', () => {
    expect(errorOf(() => parse('. {\n forward . 1.1.1.1\n {\n }\n}'))).toMatch(
      /^Corefile:3:2: unexpected '\{'/,
    );
  });
});

describe('snippets, imports and placeholders', () => {
  it('imports a snippet where `import` starts a line, at any level', () => {
    const c = parse(
      '(common) {\n errors\n cache 30\n}\n(ft) {\n fallthrough\n}\n. {\n import common\n hosts {\n  import ft\n }\n}',
    );
    expect(shape(c.blocks[0]!.directives)).toEqual([
      ['errors'],
      ['cache', '30'],
      ['hosts', [['fallthrough']]],
    ]);
    // A spliced directive keeps the position where the snippet wrote it.
    expect(c.blocks[0]!.directives[0]!.pos).toEqual({ line: 2, col: 2 });
  });
  it('reads `import` elsewhere on a line as a plain argument', () => {
    expect(shape(parse('. {\n log import\n}').blocks[0]!.directives)).toEqual([['log', 'import']]);
  });
  it('refuses a redeclared snippet and an import cycle', () => {
    expect(errorOf(() => parse('(a) {\n x\n}\n(a) {\n y\n}\n. {\n}'))).toMatch(
      /^Corefile:4:1: redeclaration of previously declared snippet a/,
    );
    // CoreDNS ≥1.14: "maximum snippet import depth (10000) exceeded"; older releases never return.
    expect(errorOf(() => parse('(s) {\n import s\n}\n. {\n import s\n}'))).toMatch(
      /^Corefile:2:2: import cycle: \(s\) → \(s\)/,
    );
  });
  it('refuses an unknown snippet (parse.go: File to import not found)', () => {
    expect(errorOf(() => parse('. {\n import nothere\n}'))).toMatch(
      /^Corefile:2:9: import nothere: no snippet \(nothere\) defined above, and no file nothere/,
    );
  });
  it('checks the import argument count', () => {
    expect(errorOf(() => parse('. {\n import\n}'))).toMatch(/^Corefile:2:2: import needs one argument/);
    expect(errorOf(() => parse('. {\n import a b\n}'))).toMatch(
      /^Corefile:2:11: import takes only one argument/,
    );
  });

  it('imports files relative to the importing file, globs in name order, and finds cycles across files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'corefile-'));
    try {
      mkdirSync(join(dir, 'custom'));
      writeFileSync(join(dir, 'custom', 'b.override'), 'log\n');
      writeFileSync(join(dir, 'custom', 'a.override'), 'errors\nimport ../inner.conf\n');
      writeFileSync(join(dir, 'inner.conf'), 'whoami\n');
      writeFileSync(join(dir, 'extra.server'), 'example.org {\n  whoami\n}\n');
      const main = join(dir, 'Corefile');
      const c = parseCorefile(
        '. {\n import custom/*.override\n import custom/*.none\n}\nimport extra.server\n',
        main,
      );
      expect(shape(c.blocks[0]!.directives)).toEqual([['errors'], ['whoami'], ['log']]);
      expect(c.blocks[0]!.directives[1]!.pos).toEqual({
        line: 1,
        col: 1,
        file: join(dir, 'custom', '../inner.conf'),
      });
      expect(c.blocks[1]!.keys[0]!.zones).toEqual(['example.org.']);

      writeFileSync(join(dir, 'loop.conf'), 'import loop.conf\n');
      expect(errorOf(() => parseCorefile('. {\n import loop.conf\n}', main))).toMatch(
        /import cycle: .*loop\.conf → .*loop\.conf/,
      );
      expect(errorOf(() => parseCorefile('. {\n import a*b*\n}', main))).toMatch(
        /may only contain one wildcard/,
      );
      expect(errorOf(() => parseCorefile('. {\n import custom\n}', main))).toMatch(
        /could not import .*custom: is a directory/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expands {$VAR} and {%VAR%} in keys, names, arguments and import patterns; unset is empty', () => {
    const env = { ZONE: 'example.org', PORT: '1053', UP: '1.1.1.1', SNIP: 'common' };
    const c = parse(
      '(common) {\n log\n}\n{$ZONE}:{%PORT%} {\n forward . {$UP} x{$UNSET}y\n import {$SNIP}\n}',
      { env },
    );
    expect(c.blocks[0]!.keys[0]).toMatchObject({
      raw: 'example.org:1053',
      zones: ['example.org.'],
      port: 1053,
    });
    expect(shape(c.blocks[0]!.directives)).toEqual([['forward', '.', '1.1.1.1', 'xy'], ['log']]);
    // A key that expands to nothing is dropped (parse.go addresses skips "").
    expect(parse('{$NONE} . {\n}').blocks[0]!.keys.map((k) => k.raw)).toEqual(['.']);
  });
});
