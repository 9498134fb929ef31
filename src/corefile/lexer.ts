/**
 * The Corefile lexer, as CoreDNS's fork of the Caddy v1 caddyfile package reads text
 * (github.com/coredns/caddy caddyfile/lexer.go):
 * - tokens are separated by Unicode whitespace; `\r` outside quotes is dropped entirely;
 * - a token that *starts* with `"` runs to the next unescaped `"` (newlines included); inside it
 *   only `\"` is an escape, any other backslash is kept as written; a `"` later in a word is literal;
 * - `#` anywhere outside quotes comments out the rest of the line, even mid-word;
 * - `{` and `}` are ordinary tokens (the parser compares token text, so `"{"` is a brace too);
 * - a leading byte-order mark is skipped. There are no backtick strings in Caddy v1.
 * Each token records where it starts; Caddy keeps only the line, we keep the column too.
 */
import { InputError } from '../errors.ts';

export interface Token {
  text: string;
  /** The file the token was read from (imports and snippets keep their origin). */
  file: string;
  line: number;
  col: number;
  /** Newlines inside a quoted token: the line it *ends* on is `line + breaks` (dispenser.go numLineBreaks). */
  breaks: number;
  /** The chain of imports (`file:…`, `snippet:…`) this token was spliced in through, outermost first. */
  via: readonly string[];
}

/** Go's unicode.IsSpace: Latin-1 spaces plus the Unicode White_Space property. */
export function isSpace(ch: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u.test(ch);
}

export function tokenize(text: string, file: string, via: readonly string[] = []): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(text.startsWith('\uFEFF') ? text.slice(1) : text);
  let line = 1;
  let col = 1;
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i]!;
    if (ch === '\n') {
      line++;
      col = 1;
      i++;
      continue;
    }
    if (isSpace(ch)) {
      col++;
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    const start = { line, col };
    if (ch === '"') {
      let val = '';
      let breaks = 0;
      let escaped = false;
      i++;
      col++;
      for (;;) {
        const c = chars[i];
        if (c === undefined) {
          // Caddy silently takes the rest of the file as the token; that always hides a typo.
          throw new InputError("unterminated quoted string: add the closing '\"'", { file, ...start });
        }
        i++;
        col++;
        if (!escaped && c === '\\') {
          escaped = true;
          continue;
        }
        if (!escaped && c === '"') break;
        if (c === '\n') {
          breaks++;
          line++;
          col = 1;
        }
        if (escaped && c !== '"') val += '\\';
        val += c;
        escaped = false;
      }
      tokens.push({ text: val, file, ...start, breaks, via });
      continue;
    }
    let val = '';
    while (i < chars.length) {
      const c = chars[i]!;
      if (c === '\r') {
        i++;
        col++;
        continue;
      }
      if (isSpace(c) || c === '#') break;
      val += c;
      i++;
      col++;
    }
    if (val !== '') tokens.push({ text: val, file, ...start, breaks: 0, via });
  }
  return tokens;
}
