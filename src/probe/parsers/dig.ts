/**
 * BIND dig output → the shared shapes. Full output (one block per response; `+showsearch` prints
 * one block per search candidate) and `+short`.
 */
import type { DnsMessage, HeaderFlags, Rcode, ResourceRecord } from '../../dns/message.ts';
import type { ToolOutcome } from '../../oracle/types.ts';

export interface DigResponse {
  question: { name: string; type: string } | undefined;
  message: DnsMessage;
}

const RCODES: Rcode[] = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'BADVERS'];

function parseFlags(text: string): HeaderFlags {
  const set = new Set(text.trim().split(/\s+/));
  return { aa: set.has('aa'), tc: set.has('tc'), rd: set.has('rd'), ra: set.has('ra') };
}

/** `name ttl class type rdata…`: dig separates the first four with tabs, RDATA keeps its own spacing. */
export function parseRecordLine(line: string): ResourceRecord | undefined {
  const m = /^(\S+)\s+(\d+)\s+(?:IN|CH|HS|CLASS\d+)\s+(\S+)\s*(.*)$/.exec(line);
  if (!m) return undefined;
  return { name: m[1] as string, ttl: Number(m[2]), type: m[3] as string, data: (m[4] as string).trim() };
}

type Section = 'question' | 'answer' | 'authority' | 'additional' | undefined;

/** Every response block in dig's full output, in order. */
export function parseDig(stdout: string): DigResponse[] {
  const responses: DigResponse[] = [];
  let current: DigResponse | undefined;
  let section: Section;
  for (const line of stdout.split('\n')) {
    const header = /^;; ->>HEADER<<- opcode: \S+, status: (\S+), id: \d+/.exec(line);
    if (header) {
      const rcode = RCODES.includes(header[1] as Rcode) ? (header[1] as Rcode) : 'SERVFAIL';
      current = {
        question: undefined,
        message: {
          rcode,
          flags: { aa: false, tc: false, rd: false, ra: false },
          answer: [],
          authority: [],
          additional: [],
        },
      };
      responses.push(current);
      section = undefined;
      continue;
    }
    if (!current) continue;
    const flags = /^;; flags:([^;]*);/.exec(line);
    if (flags) {
      current.message.flags = parseFlags(flags[1] as string);
      continue;
    }
    const sectionName = /^;; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:/.exec(line)?.[1];
    if (sectionName) {
      section = sectionName.toLowerCase() as Section;
      continue;
    }
    if (line.trim() === '') {
      section = undefined;
      continue;
    }
    if (section === 'question') {
      const q = /^;(\S+)\s+(?:IN|CH|HS)\s+(\S+)/.exec(line);
      if (q) current.question = { name: q[1] as string, type: q[2] as string };
    } else if (section && !line.startsWith(';')) {
      const rr = parseRecordLine(line);
      if (rr) current.message[section].push(rr);
    }
  }
  return responses;
}

/** dig's outcome: the last response decides; with `+showsearch` every response's question was tried. */
export function digOutcome(stdout: string): ToolOutcome {
  const responses = parseDig(stdout);
  const last = responses[responses.length - 1];
  const tried = responses.flatMap((r) => (r.question ? [r.question.name] : []));
  if (!last) return { status: 'error', tried, addresses: [], records: [] };
  const { rcode, answer } = last.message;
  const status =
    rcode === 'NXDOMAIN' ? 'not-found' : rcode !== 'NOERROR' ? 'error' : answer.length ? 'ok' : 'no-data';
  return {
    status,
    tried,
    ...(status === 'ok' && last.question ? { answeredBy: last.question.name } : {}),
    source: 'dns',
    addresses: answer.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data),
    records: answer,
  };
}

/** `dig +short`: one RDATA per line (CNAME targets, then addresses). */
export function parseDigShort(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith(';'));
}
