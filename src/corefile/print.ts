/**
 * Canonical Corefile text: one server block per paragraph, keys as written, one directive per
 * line indented by four spaces, blocks closed on their own line. Tokens the lexer would split or
 * read differently are quoted (caddyfile/lexer.go: whitespace, a leading `"`, `#`, `\r`, empty).
 * Imports, snippets and placeholders are already expanded in the AST, so the text is self-contained.
 */
import { replaceEnvVars } from './env.ts';
import { isSpace } from './lexer.ts';
import type { Corefile, Directive } from './types.ts';

const INDENT = '    ';

export function printCorefile(c: Corefile): string {
  return c.blocks
    .map((b) => {
      const keys = b.keys.map((k) => token(k.raw, 'key')).join(' ');
      return `${keys} {\n${b.directives.map((d) => printDirective(d, INDENT, false)).join('')}}\n`;
    })
    .join('\n');
}

/** `last`: the final line of a block, the only place a `}` argument can stand (it closes the block). */
function printDirective(d: Directive, indent: string, last: boolean): string {
  if (d.name === 'import') throw new Error("a directive named 'import' cannot be printed: it would import");
  const closes = last && d.block === undefined && d.args[d.args.length - 1] === '}';
  const args = closes ? d.args.slice(0, -1) : d.args;
  let text = indent + [token(d.name, 'name'), ...args.map((a) => token(a, 'arg'))].join(' ');
  if (closes) return `${text} }\n`;
  if (d.block === undefined) return `${text}\n`;
  text += ' {\n';
  d.block.forEach((sub, i) => {
    text += printDirective(sub, indent + INDENT, i === d.block!.length - 1);
  });
  const closedInline = d.block.length > 0 && printsClosing(d.block[d.block.length - 1]!);
  return closedInline ? text : `${text}${indent}}\n`;
}

function printsClosing(d: Directive): boolean {
  return d.block === undefined && d.args[d.args.length - 1] === '}';
}

function token(text: string, role: 'key' | 'name' | 'arg'): string {
  if (text === '{' || text === '}') {
    throw new Error(`'${text}' cannot be printed as ${role === 'arg' ? 'an argument' : `a ${role}`}`);
  }
  if (replaceEnvVars(text, {}) !== text || (role !== 'arg' && text === 'import')) {
    throw new Error(`${JSON.stringify(text)} cannot be printed: the parser would expand it`);
  }
  if (role === 'key' && (text.endsWith(',') || (text.startsWith('(') && text.endsWith(')')))) {
    throw new Error(
      `server key '${text}' cannot be printed: it would read as ${text.endsWith(',') ? 'a continuation' : 'a snippet'}`,
    );
  }
  const needsQuotes =
    text === '' ||
    text.startsWith('"') ||
    text.includes('#') ||
    text.includes('\r') ||
    Array.from(text).some(isSpace);
  if (!needsQuotes) return text;
  // Inside quotes only `\"` is an escape; a backslash before a quote or at the end cannot be written.
  if (/\\"|\\$/.test(text)) throw new Error(`${JSON.stringify(text)} cannot be quoted in a Corefile`);
  return `"${text.replaceAll('"', '\\"')}"`;
}
