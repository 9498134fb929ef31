/** BIND `host` output (host.c printmessage / say_message) → ToolOutcome. */
import type { ResourceRecord } from '../../dns/message.ts';
import type { ToolOutcome } from '../../oracle/types.ts';

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** host.c rtypes[]: the phrases host prints per type. */
const PHRASES: [RegExp, string][] = [
  [/^(\S+) has address (\S+)$/, 'A'],
  [/^(\S+) has IPv6 address (\S+)$/, 'AAAA'],
  [/^(\S+) is an alias for (\S+)$/, 'CNAME'],
  [/^(\S+) mail is handled by (.+)$/, 'MX'],
  [/^(\S+) domain name pointer (\S+)$/, 'PTR'],
  [/^(\S+) has (\S+) record (.+)$/, ''],
];

export function hostOutcome(stdout: string, exitCode: number): ToolOutcome {
  const records: ResourceRecord[] = [];
  let notFound: string | undefined;
  let noData = false;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const nf = /^Host \S+ not found: (\d+)\((\w+)\)/.exec(line);
    if (nf) {
      notFound = nf[2];
      continue;
    }
    if (/^\S+ has no \S+ record$/.test(line)) {
      noData = true;
      continue;
    }
    for (const [re, type] of PHRASES) {
      const m = re.exec(line);
      if (!m) continue;
      const rrType = type || (m[2] as string);
      const data = type ? (m[2] as string) : (m[3] as string);
      records.push({ name: absolute(m[1] as string), type: rrType, ttl: 0, data });
      break;
    }
  }
  const addresses = records.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data);
  const status: ToolOutcome['status'] = notFound
    ? notFound === 'NXDOMAIN'
      ? 'not-found'
      : 'error'
    : records.length
      ? 'ok'
      : exitCode !== 0
        ? 'error'
        : 'no-data';
  return {
    status: noData && !records.length ? 'no-data' : status,
    tried: [],
    ...(status === 'ok' && records[0] ? { answeredBy: records[0].name } : {}),
    source: 'dns',
    addresses,
    records,
  };
}
