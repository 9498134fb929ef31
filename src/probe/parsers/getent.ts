/** glibc `getent hosts` / `getent ahosts` output → ToolOutcome. Exit status 2 means not found. */
import type { ToolOutcome } from '../../oracle/types.ts';

function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

/** `getent hosts`: `<address> <canonical name> <aliases…>` per address (getent.c print_hosts). */
export function getentHostsOutcome(stdout: string, exitCode: number): ToolOutcome {
  const lines = stdout.split('\n').filter((l) => l.trim());
  if (exitCode !== 0 || lines.length === 0)
    return { status: 'not-found', tried: [], addresses: [], records: [] };
  const fields = lines.map((l) => l.trim().split(/\s+/));
  const canonical = fields[0]?.[1];
  return {
    status: 'ok',
    tried: [],
    ...(canonical ? { answeredBy: absolute(canonical) } : {}),
    addresses: fields.map((f) => f[0] as string),
    records: [],
  };
}

/** `getent ahosts`: `<address> STREAM <canonical>` then DGRAM and RAW lines per address. */
export function getentAhostsOutcome(stdout: string, exitCode: number): ToolOutcome {
  const lines = stdout.split('\n').filter((l) => l.trim());
  if (exitCode !== 0 || lines.length === 0)
    return { status: 'not-found', tried: [], addresses: [], records: [] };
  const addresses = [...new Set(lines.map((l) => l.trim().split(/\s+/)[0] as string))];
  const canonical = lines[0]?.trim().split(/\s+/)[2];
  return {
    status: 'ok',
    tried: [],
    ...(canonical ? { answeredBy: absolute(canonical) } : {}),
    addresses,
    records: [],
  };
}
