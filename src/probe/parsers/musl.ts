/** Output of the musl resolver client (src/probe/musl/resolve.c) → ToolOutcome. */
import type { ToolOutcome } from '../../oracle/types.ts';

export function muslOutcome(stdout: string): ToolOutcome {
  const lines = stdout.split('\n').map((l) => l.trim());
  const ok = lines.find((l) => l.startsWith('ok '));
  if (ok) {
    const canonical = ok.slice(3);
    return {
      status: 'ok',
      tried: [],
      answeredBy: canonical.endsWith('.') ? canonical : `${canonical}.`,
      addresses: lines.filter((l) => l.startsWith('addr ')).map((l) => l.slice(5)),
      records: [],
    };
  }
  const code = /^error (\S+)/m.exec(stdout)?.[1];
  // musl reports NXDOMAIN and NODATA alike as EAI_NONAME; SERVFAIL is EAI_AGAIN.
  return { status: code === 'EAI_NONAME' ? 'not-found' : 'error', tried: [], addresses: [], records: [] };
}
