/**
 * iputils ping output (stdout and stderr together) → ToolOutcome. Success shows the resolution in
 * `PING <canonical name> (<address>) …`; a failed getaddrinfo prints `ping: <name>: <gai_strerror>`.
 */
import type { ToolOutcome } from '../../oracle/types.ts';

/** glibc gai_strerror texts (resolv/gai_strerror-strs.h) → outcome. */
const FAILURES: [RegExp, ToolOutcome['status']][] = [
  [/Name or service not known/, 'not-found'],
  [/No address associated with hostname/, 'no-data'],
  [/Temporary failure in name resolution/, 'error'],
  [/Non-recoverable failure in name resolution/, 'error'],
];

export function pingOutcome(output: string): ToolOutcome {
  const ok = /^PING (\S+) \(([^)]+)\)/m.exec(output);
  if (ok) {
    const name = ok[1] as string;
    return {
      status: 'ok',
      tried: [],
      answeredBy: name.endsWith('.') ? name : `${name}.`,
      addresses: [ok[2] as string],
      records: [],
    };
  }
  const failure = /^ping: [^:]+: (.*)$/m.exec(output)?.[1] ?? '';
  const status = FAILURES.find(([re]) => re.test(failure))?.[1] ?? 'error';
  return { status, tried: [], addresses: [], records: [] };
}
