/**
 * The Corefile parser: server blocks, keys, directives and their nested blocks, as CoreDNS reads
 * them through its fork of the Caddy v1 caddyfile package (github.com/coredns/caddy
 * caddyfile/parse.go, dispenser.go), with imports, snippets and environment placeholders, then
 * the key checks of core/dnsserver/register.go and address.go. Directive names and plugin options
 * are not checked here: the oracle's plugin models do that per CoreDNS version.
 *
 * Lines matter. A directive is its name and the tokens on the same line (dispenser.go NextArg:
 * same file, and the previous token — plus the newlines inside it — ends on this token's line). A
 * `{` on that line opens a block whose lines are sub-directives read the same way. A `}` that
 * starts a line closes the block; a `}` later on a line closes it too, and — as plugins read
 * lines with RemainingArgs — is also the last argument of that line (`fallthrough }` on one line
 * is `fallthrough` with the argument `}`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { replaceEnvVars } from './env.ts';
import { parseKey } from './keys.ts';
import { type Token, tokenize } from './lexer.ts';
import type { Corefile, Directive, Position, ServerBlock, ServerKey } from './types.ts';

export interface ParseOptions {
  /** Values for `{$VAR}` / `{%VAR%}`; unset variables expand to "" as in CoreDNS. Default: none. */
  env?: Record<string, string>;
  /** Reads an imported file (default: the file system). */
  readFile?: (path: string) => string;
}

// caddyfile/parse.go maxSnippetExpansions: a cap on imports, against exponential fan-out.
const MAX_IMPORTS = 10000;

export function parseCorefile(text: string, file: string, opts: ParseOptions = {}): Corefile {
  const parser = new Parser(file, opts);
  const blocks = parser.parse(tokenize(text, file, [`file:${resolve(file)}`]));
  if (blocks.length === 0) {
    // CoreDNS falls back to its built-in `.:53 { whoami log }` (core/dnsserver/register.go DefaultInput).
    throw new InputError(
      "empty Corefile: no server blocks (CoreDNS would serve its built-in '.:53 { whoami log }'); write the blocks to test",
      { file },
    );
  }
  checkZonesServedOnce(blocks, file);
  return { file, blocks };
}

/** The directives called `name` in a server block or a directive's block, in written order. */
export function directivesNamed(block: ServerBlock | Directive[], name: string): Directive[] {
  return (Array.isArray(block) ? block : block.directives).filter((d) => d.name === name);
}

/** Dispenser NextArg: `b` is on the line where `a` ends (same file, same line). */
function continuesLine(a: Token, b: Token): boolean {
  return a.file === b.file && a.line + a.breaks === b.line;
}

class Parser {
  private tokens: Token[] = [];
  private i = 0;
  private readonly snippets = new Map<string, Token[]>();
  private imports = 0;
  private readonly env: Record<string, string>;
  private readonly readFile: (path: string) => string;

  constructor(
    private readonly file: string,
    opts: ParseOptions,
  ) {
    this.env = opts.env ?? {};
    this.readFile = opts.readFile ?? ((p) => readFileSync(p, 'utf8'));
  }

  parse(tokens: Token[]): ServerBlock[] {
    this.tokens = tokens;
    const blocks: ServerBlock[] = [];
    while (this.i < this.tokens.length) {
      const block = this.serverBlock();
      if (block) blocks.push(block);
    }
    return blocks;
  }

  private at(): Token | undefined {
    return this.tokens[this.i];
  }

  private startsLine(k: number): boolean {
    return k === 0 || !continuesLine(this.tokens[k - 1]!, this.tokens[k]!);
  }

  /** The rest of the line continues after the token before the cursor. */
  private lineContinues(): boolean {
    const t = this.at();
    return t !== undefined && this.i > 0 && continuesLine(this.tokens[this.i - 1]!, t);
  }

  private pos(t: Token): Position {
    return t.file === this.file ? { line: t.line, col: t.col } : { line: t.line, col: t.col, file: t.file };
  }

  private fail(t: Token | undefined, message: string): never {
    const last = this.tokens[this.tokens.length - 1];
    const where = t ?? last;
    throw new InputError(
      message,
      where ? { file: where.file, line: where.line, col: where.col } : { file: this.file },
    );
  }

  private expand(t: Token): string {
    return replaceEnvVars(t.text, this.env);
  }

  /** parse.go begin/addresses: keys up to `{` or the end of their line (a trailing comma continues it). */
  private serverBlock(): ServerBlock | undefined {
    const keys: { text: string; token: Token }[] = [];
    let expectingAnother = false;
    for (;;) {
      const t = this.at();
      if (t === undefined) {
        if (expectingAnother) this.fail(undefined, "unexpected end of file: expected another key after ','");
        // A Corefile may end in a line of keys (parse.go: eof after addresses).
        return keys.length ? this.finish(keys, [], keys[0]!.token) : undefined;
      }
      const text = this.expand(t);
      if (text === 'import' && this.startsLine(this.i)) {
        this.splice();
        continue;
      }
      if (text === '{') {
        if (expectingAnother) {
          this.fail(t, "expected another key but found '{' - check for an extra comma");
        }
        break;
      }
      if (text !== '') {
        expectingAnother = text.endsWith(',');
        keys.push({ text: expectingAnother ? text.slice(0, -1) : text, token: t });
      }
      this.i++;
      if (!expectingAnother && this.at() && this.startsLine(this.i)) break;
    }

    const open = this.at()!;
    if (keys.length === 0) {
      this.fail(open, "a server block needs at least one key before '{' (e.g. '.:53 {')");
    }
    const only = keys.length === 1 ? keys[0]!.text : '';
    if (only.startsWith('(') && only.endsWith(')')) {
      this.snippet(only.slice(1, -1), keys[0]!.token);
      return undefined;
    }
    const braced = open.text === '{';
    // parse.go blockContents: a server block without braces runs to the end of the file.
    if (braced) this.i++;
    const directives = this.directives(braced ? open : undefined);
    return this.finish(keys, directives, keys[0]!.token);
  }

  private finish(keys: { text: string; token: Token }[], directives: Directive[], first: Token): ServerBlock {
    const parsed: ServerKey[] = keys.map((k) => parseKey(k.text, this.file, this.pos(k.token)));
    return { keys: parsed, directives, pos: this.pos(first) };
  }

  /** parse.go snippetTokens: `(name) { … }` is stored for `import name`, braces balanced. */
  private snippet(name: string, keyToken: Token): void {
    const open = this.at()!;
    if (open.text !== '{') this.fail(open, `snippet (${name}) needs a '{' block, found '${open.text}'`);
    if (this.snippets.has(name)) this.fail(keyToken, `redeclaration of previously declared snippet ${name}`);
    this.i++;
    const body: Token[] = [];
    let depth = 1;
    for (;;) {
      const t = this.at();
      if (t === undefined) this.fail(open, `snippet (${name}): '{' is never closed (expecting '}')`);
      this.i++;
      if (t.text === '}' && --depth === 0) break;
      if (t.text === '{') depth++;
      body.push(t);
    }
    this.snippets.set(name, body);
  }

  /** parse.go directives: one directive per line until the block's `}` (or the end of the file). */
  private directives(open: Token | undefined): Directive[] {
    const out: Directive[] = [];
    for (;;) {
      const t = this.at();
      if (t === undefined) {
        if (open) this.fail(open, "unexpected end of file: this '{' is never closed (expecting '}')");
        return out;
      }
      if (t.text === '}') {
        if (!open) this.fail(t, "Unexpected '}' because no matching opening brace");
        this.i++;
        return out;
      }
      if (t.text === 'import') {
        this.splice();
        continue;
      }
      out.push(this.directive(false));
    }
  }

  /**
   * One directive line (parse.go directive, dispenser.go RemainingArgs/NextBlock). `nested`: a
   * line inside a block, where a `}` on the line is an argument that also closes the block.
   * Returns with `closed` set when it consumed the enclosing block's `}`.
   */
  private directive(nested: false): Directive;
  private directive(nested: true): Directive & { closed?: boolean };
  private directive(nested: boolean): Directive & { closed?: boolean } {
    const t = this.at()!;
    if (t.text === '{') {
      this.fail(t, "unexpected '{': a block opens at the end of its directive's line");
    }
    const name = this.expand(t);
    if (name === '') this.fail(t, 'empty directive name');
    const d: Directive & { closed?: boolean } = { name, args: [], block: undefined, pos: this.pos(t) };
    this.i++;
    while (this.lineContinues()) {
      const a = this.at()!;
      if (a.text === '{') {
        d.block = this.block(a);
        this.nothingAfterBrace();
        break;
      }
      if (a.text === '}') {
        if (!nested) this.fail(a, "Unexpected '}' because no matching opening brace");
        d.args.push('}');
        d.closed = true;
        this.i++;
        this.nothingAfterBrace();
        break;
      }
      d.args.push(this.expand(a));
      this.i++;
    }
    if (d.closed === undefined) delete d.closed;
    return d;
  }

  /** The lines of a `{ … }` block; the cursor is on the `{`. */
  private block(open: Token): Directive[] {
    this.i++;
    const lines: Directive[] = [];
    for (;;) {
      const t = this.at();
      if (t === undefined)
        this.fail(open, "unexpected end of file: this '{' is never closed (expecting '}')");
      if (t.text === '}') {
        this.i++;
        return lines;
      }
      // parse.go directive: `import` at the start of a line inside a block splices too.
      if (t.text === 'import' && this.startsLine(this.i)) {
        this.splice();
        continue;
      }
      const line = this.directive(true);
      const closed = line.closed === true;
      delete line.closed;
      lines.push(line);
      if (closed) return lines;
    }
  }

  // Caddy would append such tokens to the directive; no plugin reads them as intended.
  private nothingAfterBrace(): void {
    if (this.lineContinues()) {
      this.fail(this.at(), `unexpected '${this.at()!.text}' after a block's braces: start a new line`);
    }
  }

  /**
   * parse.go doImport: `import NAME|FILE|GLOB` is replaced, in place, by the snippet's tokens or
   * the files' tokens. Files are relative to the file the `import` is written in.
   */
  private splice(): void {
    const imp = this.at()!;
    const arg = this.tokens[this.i + 1];
    if (arg === undefined || !continuesLine(imp, arg)) {
      this.fail(imp, 'import needs one argument: a snippet name, a file or a glob pattern');
    }
    const extra = this.tokens[this.i + 2];
    if (extra && continuesLine(arg, extra)) {
      this.fail(extra, 'import takes only one argument (glob pattern or file)');
    }
    const pattern = this.expand(arg);
    if (pattern === '') this.fail(arg, 'import requires a non-empty filepath');
    if (++this.imports > MAX_IMPORTS) {
      this.fail(imp, `maximum import depth (${MAX_IMPORTS}) exceeded`);
    }
    let imported: Token[];
    const snippet = this.snippets.get(pattern);
    if (snippet) {
      const id = `snippet:${pattern}`;
      this.noCycle(imp, id);
      imported = snippet.map((t) => ({ ...t, via: [...imp.via, id] }));
    } else {
      imported = this.files(imp, arg, pattern).flatMap((path) => {
        const id = `file:${resolve(path)}`;
        this.noCycle(imp, id);
        let text: string;
        try {
          text = this.readFile(path);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') {
            this.fail(arg, `import ${pattern}: no snippet (${pattern}) defined above, and no file ${path}`);
          }
          return this.fail(
            arg,
            code === 'EISDIR'
              ? `could not import ${path}: is a directory`
              : `could not import ${path}: ${code}`,
          );
        }
        return tokenize(text, path, [...imp.via, id]);
      });
    }
    this.tokens.splice(this.i, 2, ...imported);
  }

  private noCycle(imp: Token, id: string): void {
    const at = imp.via.indexOf(id);
    if (at < 0) return;
    const chain = [...imp.via.slice(at), id].map((v) =>
      v.startsWith('snippet:') ? `(${v.slice(8)})` : v.slice(5),
    );
    this.fail(imp, `import cycle: ${chain.join(' → ')}`);
  }

  /** The files an import names: one file, or a glob's matches in name order (filepath.Glob). */
  private files(imp: Token, arg: Token, pattern: string): string[] {
    const path = isAbsolute(pattern) ? pattern : join(dirname(imp.file), pattern);
    if (!/[*?[\]]/.test(path)) return [path];
    const count = (c: string) => path.split(c).length - 1;
    if (count('*') > 1 || count('?') > 1 || (path.includes('[') && path.includes(']'))) {
      this.fail(arg, `glob pattern may only contain one wildcard (*), but has others: ${path}`);
    }
    const dir = dirname(path);
    if (/[*?[\]]/.test(dir)) this.fail(arg, `import ${pattern}: only the file name may hold a wildcard`);
    const re = new RegExp(
      `^${basename(path)
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace('*', '[^/]*')
        .replace('?', '[^/]')}$`,
    );
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    // No match is not an error in CoreDNS (it logs a warning and imports nothing).
    return names
      .filter((n) => re.test(n))
      .sort()
      .map((n) => join(dir, n));
  }
}

/**
 * core/dnsserver/address.go zoneOverlap, as register.go validateZonesAndListeningAddresses runs
 * it: every zone of every key is one config; the same transport://zone:port twice is refused
 * ("it is already defined"), and a zone:port served both unbound and `bind`-bound is refused
 * ("zone overlap listener capacity"). Blocks with a `view` only check against the others.
 */
function checkZonesServedOnce(blocks: ServerBlock[], file: string): void {
  interface ZoneAddr {
    name: string;
    unbound: string;
    address: string;
    key: ServerKey;
  }
  const registered = new Map<string, ZoneAddr>();
  const unboundOverlap = new Map<string, ZoneAddr>();
  for (const block of blocks) {
    const hosts = directivesNamed(block, 'bind').flatMap((d) => d.args);
    const filtered = directivesNamed(block, 'view').length > 0;
    for (const key of block.keys) {
      for (const zone of key.zones) {
        for (const address of hosts.length ? hosts : ['']) {
          const unbound = `${key.scheme}://${zone}:${key.port}`;
          const z: ZoneAddr = { name: address ? `${unbound} on ${address}` : unbound, unbound, address, key };
          const where = { file: key.pos.file ?? file, line: key.pos.line, col: key.pos.col };
          const exists = filtered ? undefined : registered.get(z.name);
          if (exists) {
            throw new InputError(
              `cannot serve ${z.name} - it is already defined (at line ${exists.key.pos.line})`,
              where,
            );
          }
          const already = unboundOverlap.get(unbound);
          const overlap = already && (address === '' ? already : registered.get(unbound));
          if (overlap) {
            throw new InputError(
              `cannot serve ${z.name} - zone overlap listener capacity with ${overlap.name} (at line ${overlap.key.pos.line})`,
              where,
            );
          }
          if (!filtered) {
            registered.set(z.name, z);
            unboundOverlap.set(unbound, z);
          }
        }
      }
    }
  }
}
