/**
 * Expected and live answers in dig-like text, side by side; the oracle's reasons; the Corefile
 * lines a reason names. Shared by the Markdown, HTML and JUnit reports.
 */
import type { DnsMessage, ResourceRecord } from '../dns/message.ts';
import type { ToolOutcome, TtlRange } from '../oracle/types.ts';
import type { QueryResult, VariantResult } from '../run/result.ts';

/** A titled run of lines; `key` is what a line is compared on (TTLs left out: they count down). */
export interface Block {
  title: string;
  lines: { text: string; key: string }[];
}

export interface Column {
  title: string;
  blocks: Block[];
}

const SECTION_TITLES = { answer: 'ANSWER', authority: 'AUTHORITY', additional: 'ADDITIONAL' } as const;

function flagsText(m: DnsMessage): string {
  const f = m.flags;
  return ['qr', f.aa && 'aa', f.tc && 'tc', f.rd && 'rd', f.ra && 'ra'].filter(Boolean).join(' ');
}

function recordLine(r: ResourceRecord, ttl: string): { text: string; key: string } {
  return {
    text: `${r.name} ${ttl} IN ${r.type} ${r.data}`,
    key: `${r.name.toLowerCase()} ${r.type.toUpperCase()} ${r.data}`,
  };
}

function rangeText(r: TtlRange | undefined, ttl: number): string {
  return r && r.min !== r.max ? `${r.min}..${r.max}` : String(ttl);
}

/** dig's view of a message: status and flags, then each non-empty section. */
export function messageBlocks(
  m: DnsMessage,
  ranges?: Record<keyof typeof SECTION_TITLES, TtlRange[]>,
): Block[] {
  const header = `;; status: ${m.rcode}; flags: ${flagsText(m)}`;
  const blocks: Block[] = [{ title: 'header', lines: [{ text: header, key: header }] }];
  for (const [section, title] of Object.entries(SECTION_TITLES) as [keyof typeof SECTION_TITLES, string][]) {
    if (m[section].length === 0) continue;
    blocks.push({
      title: `;; ${title} SECTION:`,
      lines: m[section].map((r, i) => recordLine(r, rangeText(ranges?.[section][i], r.ttl))),
    });
  }
  return blocks;
}

function line(text: string): { text: string; key: string } {
  return { text, key: text.toLowerCase() };
}

/** A tool's outcome as its lines: status and source, the search walk, addresses, records. */
export function toolBlocks(o: ToolOutcome): Block[] {
  const head = [line(`;; status: ${o.status}${o.source ? ` (from ${o.source})` : ''}`)];
  if (o.tried.length) head.push(line(`;; tried: ${o.tried.join(' → ')}`));
  if (o.answeredBy) head.push(line(`;; answered by: ${o.answeredBy}`));
  const blocks: Block[] = [{ title: 'header', lines: head }];
  if (o.addresses.length) blocks.push({ title: ';; addresses:', lines: o.addresses.map(line) });
  if (o.records.length) {
    blocks.push({
      title: ';; records:',
      lines: o.records.map((r) => ({ text: `${r.name} ${r.type} ${r.data}`, key: recordLine(r, '').key })),
    });
  }
  return blocks;
}

export function expectedColumn(q: QueryResult): Column {
  const e = q.expected;
  const blocks = e.tool
    ? toolBlocks(e.tool)
    : e.prediction
      ? messageBlocks(e.prediction.message, e.prediction.ttlRanges)
      : e.message
        ? messageBlocks(e.message)
        : [{ title: 'header', lines: [line(';; no prediction recorded')] }];
  return { title: 'expected (oracle)', blocks };
}

export function liveColumns(q: QueryResult): Column[] {
  return q.live.map((l, i) => {
    const title = q.live.length > 1 ? `live, ask ${i + 1}` : 'live';
    const blocks = l.tool
      ? toolBlocks(l.tool)
      : l.message
        ? messageBlocks(l.message)
        : [{ title: 'header', lines: [line(`;; ${l.error ? `error: ${l.error}` : 'no answer recorded'}`)] }];
    return { title, blocks };
  });
}

export interface Cell {
  text: string;
  /** The line is not in the other side's block (expected vs. each live column). */
  differs: boolean;
}

/**
 * Rows of cells, one column per side; blocks line up (header with header, ANSWER with ANSWER) and,
 * inside a block, a live line sits beside the expected line with the same key (TTLs aside). Lines
 * one side lacks are marked and follow the matched ones.
 */
export function sideBySide(columns: Column[]): Cell[][] {
  const titles = [...new Set(columns.flatMap((c) => c.blocks.map((b) => b.title)))];
  const order = ['header', ';; ANSWER SECTION:', ';; AUTHORITY SECTION:', ';; ADDITIONAL SECTION:'];
  titles.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const empty = (): Cell => ({ text: '', differs: false });
  const rows: Cell[][] = [columns.map((c) => ({ text: c.title, differs: false }))];
  for (const title of titles) {
    const blocks = columns.map((c) => c.blocks.find((b) => b.title === title)?.lines ?? []);
    if (title !== 'header') {
      rows.push(
        columns.map((c) => ({ text: c.blocks.some((b) => b.title === title) ? title : '', differs: false })),
      );
    }
    const [expected = [], ...lives] = blocks;
    // Header lines pair by their label (`;; status`, `;; tried`); records by their key.
    const slot = (l: { text: string; key: string }) =>
      title === 'header' ? (l.text.split(':')[0] ?? '') : l.key;
    const waiting = lives.map((lines) => {
      const bySlot = new Map<string, number[]>();
      lines.forEach((l, j) => {
        bySlot.set(slot(l), [...(bySlot.get(slot(l)) ?? []), j]);
      });
      return bySlot;
    });
    const used = lives.map(() => new Set<number>());
    for (const e of expected) {
      const row: Cell[] = [{ text: e.text, differs: false }];
      lives.forEach((lines, c) => {
        const j = waiting[c]?.get(slot(e))?.shift();
        const l = j === undefined ? undefined : lines[j];
        if (j === undefined || !l) {
          row[0] = { text: e.text, differs: true };
          row.push(empty());
          return;
        }
        used[c]?.add(j);
        const same = l.key === e.key;
        if (!same) row[0] = { text: e.text, differs: true };
        row.push({ text: l.text, differs: !same });
      });
      rows.push(row);
    }
    const leftovers = lives.map((lines, c) => lines.filter((_, j) => !used[c]?.has(j)));
    const height = Math.max(0, ...leftovers.map((l) => l.length));
    for (let r = 0; r < height; r++) {
      rows.push([
        empty(),
        ...leftovers.map((l) => {
          const line = l[r];
          return line ? { text: line.text, differs: true } : empty();
        }),
      ]);
    }
  }
  return rows;
}

/** Plain text: `!` marks a line the other side lacks (as in a context diff), columns split by `│`. */
export function sideBySideText(columns: Column[]): string {
  const rows = sideBySide(columns);
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i]?.text.length ?? 0) + 2)));
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          `${c.differs ? '! ' : '  '}${c.text}`.padEnd(i === r.length - 1 ? 0 : (widths[i] ?? 0)),
        )
        .join(' │ ')
        .trimEnd(),
    )
    .join('\n');
}

/** The oracle's reasons, and the plugins it could not model. */
export function explanation(q: QueryResult): string[] {
  const p = q.expected.prediction;
  const lines = [...(q.expected.tool?.explain ?? p?.explain ?? [])];
  if (p?.unmodelled.length) lines.push(`not modelled (could affect this answer): ${p.unmodelled.join(', ')}`);
  return lines;
}

export interface CorefileLine {
  line: number;
  text: string;
}

/** Plugin names a reason mentions: `— CoreDNS plugin/<name>/…` or a leading `<name>:` / `<name> zone:`. */
function namedPlugins(explain: string[]): Set<string> {
  const names = new Set<string>();
  for (const e of explain) {
    for (const m of e.matchAll(/plugin\/([a-z0-9_]+)/g)) names.add(m[1] as string);
    const lead = /^([a-z0-9_]+)[\s:]/.exec(e)?.[1];
    if (lead) names.add(lead);
  }
  return names;
}

/**
 * The lines of the Corefile that the reasons name: each named directive with its block, and the
 * server block key above it. Matched by directive name on the text (comments stripped).
 */
export function involvedCorefileLines(corefile: string, explain: string[]): CorefileLine[] {
  const names = namedPlugins(explain);
  const serverReasons = explain.some((e) => e.includes('core/dnsserver'));
  const lines = corefile.split('\n');
  const picked = new Set<number>();
  let depth = 0;
  let keyLine = -1;
  let open: { from: number; depth: number } | undefined;
  lines.forEach((raw, i) => {
    const code = raw.replace(/#.*$/, '');
    const word = code.trim().split(/\s+/)[0] ?? '';
    if (depth === 0 && code.includes('{')) {
      keyLine = i;
      if (serverReasons) picked.add(i);
    } else if (depth === 1 && word && word !== '}' && names.has(word)) {
      picked.add(keyLine).add(i);
      if (code.includes('{')) open = { from: i, depth: 1 };
    }
    if (open !== undefined && depth > open.depth) picked.add(i);
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (open !== undefined && depth <= open.depth && i > open.from) {
      picked.add(i);
      open = undefined;
    }
  });
  picked.delete(-1);
  return [...picked].sort((a, b) => a - b).map((i) => ({ line: i + 1, text: lines[i] ?? '' }));
}

/** A rewrite's text on one line: line breaks shown as ` ↵ `. */
export function oneLine(text: string): string {
  return text.replace(/\r?\n\s*/g, ' ↵ ');
}

/**
 * Numbered Corefile lines; a line the backend rewrote to run the scenario says what ran instead:
 * ` 13 | forward . /etc/resolv.conf {   ⇒ ran as: forward . 127.0.0.1:5300 {`; an inserted line `⇒ adds: …`.
 */
export function corefileLinesText(variant: VariantResult, lines: CorefileLine[]): string {
  const width = String(lines[lines.length - 1]?.line ?? 0).length;
  return lines
    .map((l) => {
      const ran = variant.rewrites
        .filter((r) => r.line === l.line)
        .map((r) => `   ⇒ ${r.from === '' ? 'adds' : 'ran as'}: ${oneLine(r.to)} (${r.why})`);
      return `${String(l.line).padStart(width)} | ${l.text}${ran.join('')}`;
    })
    .join('\n');
}
