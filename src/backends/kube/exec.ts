/**
 * Many tool runs per `kubectl exec`: one shell script per probe container, each run framed by
 * marker lines carrying its exit status, then cut apart and parsed by the tool parsers
 * (src/probe/parsers). The commands are the local backend's (src/backends/local/tools.ts), so
 * both backends ask the same questions the same way; each is bounded by `timeout`.
 *
 * ping sends ICMP only to the run's own pods: the name is first resolved with `getent ahosts`
 * (glibc getaddrinfo, ping's path) and ping runs only when every address is a pod of the
 * scenario, or when the name does not resolve (no packet is sent then, and ping's message tells
 * NXDOMAIN, NODATA and SERVFAIL apart). Otherwise the resolution is reported and nothing is sent.
 */
import type { Tool } from '../../oracle/types.ts';
import { digOutcome } from '../../probe/parsers/dig.ts';
import { getentAhostsOutcome, getentHostsOutcome } from '../../probe/parsers/getent.ts';
import { hostOutcome } from '../../probe/parsers/host.ts';
import { muslOutcome } from '../../probe/parsers/musl.ts';
import { pingOutcome } from '../../probe/parsers/ping.ts';
import type { ToolRun } from '../types.ts';
import { GLIBC_CONTAINER, MUSL_CONTAINER } from './probes.ts';

/** Where the musl client is copied inside the musl container. */
export const MUSL_CLIENT_IN_POD = '/tmp/dnsc-resolve';
/** One tool run never takes longer (dig/host: one 2 s try; getent: resolv.conf timeouts). */
const RUN_TIMEOUT_S = 10;
const MARK = '@@dnsconform';

export interface ToolRequest {
  tool: Tool;
  name: string;
  type?: string;
}

export type ToolResult = ToolRun | { skipped: string };

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function containerFor(tool: Tool): string {
  return tool === 'musl' ? MUSL_CONTAINER : GLIBC_CONTAINER;
}

function framed(key: string, command: string): string {
  return [
    `printf '\\n${MARK}:begin:%s\\n' ${key}`,
    command,
    'rc=$?',
    `printf '\\n${MARK}:end:%s:%s\\n' ${key} "$rc"`,
  ].join('\n');
}

function digCommand(search: boolean, name: string, type: string): string {
  const flags = search ? '+search +showsearch ' : '';
  // Names go after `-q` / `--`, so that a name starting with `-` is asked, not read as an option.
  return `timeout ${RUN_TIMEOUT_S} dig ${flags}+tries=1 +time=2 -t ${shellQuote(type)} -q ${shellQuote(name)}`;
}

function pingCommands(i: number, name: string, allowed: string[]): string {
  const q = shellQuote(name);
  return [
    `out=$(timeout ${RUN_TIMEOUT_S} getent ahosts -- ${q}); resolved=$?`,
    framed(`${i}.resolve`, `[ -n "$out" ] && printf '%s\\n' "$out"; (exit $resolved)`),
    'if command -v ping >/dev/null 2>&1; then',
    '  send=1',
    '  if [ "$resolved" -eq 0 ]; then',
    `    for a in $(printf '%s\\n' "$out" | awk '{print $1}' | sort -u); do`,
    `      case ${shellQuote(` ${allowed.join(' ')} `)} in *" $a "*) ;; *) send=0 ;; esac`,
    '    done',
    '  fi',
    '  if [ "$send" = 1 ]; then',
    framed(`${i}.ping`, `timeout ${RUN_TIMEOUT_S} ping -c1 -W1 ${q} 2>&1`),
    '  fi',
    'else',
    framed(`${i}.noping`, 'true'),
    'fi',
  ].join('\n');
}

function command(tool: Tool, name: string, type: string | undefined): string {
  const q = shellQuote(name);
  switch (tool) {
    case 'dig':
    case 'dig-search':
      return digCommand(tool === 'dig-search', name, type ?? 'A');
    case 'host':
      return `timeout ${RUN_TIMEOUT_S} host -W 2 -R 1 ${type ? `-t ${shellQuote(type)} ` : ''}-- ${q}`;
    case 'getent':
      return `timeout ${RUN_TIMEOUT_S} getent hosts -- ${q}`;
    case 'musl':
      return `timeout ${RUN_TIMEOUT_S} ${MUSL_CLIENT_IN_POD} ${q}`;
    case 'ping':
      throw new Error('ping is built by pingCommands');
  }
}

/**
 * The script for one container. `allowedPing` are the addresses ping may send to (the scenario's
 * pod IPs).
 */
export function batchScript(requests: ToolRequest[], allowedPing: string[]): string {
  const parts = requests.map((r, i) =>
    r.tool === 'ping'
      ? pingCommands(i, r.name, allowedPing)
      : framed(String(i), command(r.tool, r.name, r.type)),
  );
  return `${parts.join('\n')}\n`;
}

/** Wire questions from a probe pod straight to a CoreDNS address. */
export function wireScript(
  server: string,
  questions: { name: string; type: string }[],
  tcp: boolean,
): string {
  const parts = questions.map((q, i) =>
    framed(
      String(i),
      `timeout ${RUN_TIMEOUT_S} dig @${server} +tries=1 +time=2 ${tcp ? '+tcp ' : ''}-t ${shellQuote(q.type)} -q ${shellQuote(q.name)}`,
    ),
  );
  return `${parts.join('\n')}\n`;
}

export interface Frame {
  output: string;
  exitCode: number;
}

/** Cuts the framed output apart: key → output and exit status. Unterminated frames are dropped. */
export function parseFrames(stdout: string): Map<string, Frame> {
  const frames = new Map<string, Frame>();
  const begin = new RegExp(`\\n${MARK}:begin:(\\S+)\\n`, 'g');
  const text = `\n${stdout}`;
  for (let m = begin.exec(text); m; m = begin.exec(text)) {
    const key = m[1] as string;
    const start = m.index + m[0].length;
    const endMark = new RegExp(`\\n${MARK}:end:${key.replace(/\./g, '\\.')}:(\\d+)\\n`, 'g');
    endMark.lastIndex = start - 1;
    const e = endMark.exec(text);
    if (!e) continue;
    frames.set(key, { output: text.slice(start, e.index), exitCode: Number(e[1]) });
    begin.lastIndex = e.index + e[0].length - 1;
  }
  return frames;
}

function pingResult(i: number, frames: Map<string, Frame>, podIPsHint: string): ToolResult {
  const ping = frames.get(`${i}.ping`);
  if (ping) return { outcome: pingOutcome(ping.output), stdout: ping.output, exitCode: ping.exitCode };
  const resolved = frames.get(`${i}.resolve`);
  if (!resolved)
    return { skipped: 'the probe pod gave no output for this run (kubectl exec failed or timed out)' };
  const resolution = getentAhostsOutcome(resolved.output, resolved.exitCode);
  if (resolution.status !== 'ok') {
    // Without ping the failure kind (NXDOMAIN, NODATA, SERVFAIL) cannot be told from getent's status.
    return { skipped: 'ping is not in the glibc probe image, and getent cannot tell why the name failed' };
  }
  // ping prints the canonical name and the first address: report them, send nothing.
  const first = resolution.addresses[0] as string;
  const why = frames.has(`${i}.noping`)
    ? 'ping is not in the glibc probe image'
    : `${resolution.addresses.join(', ')} not all pods of this scenario (${podIPsHint})`;
  return {
    outcome: { ...resolution, addresses: [first] },
    stdout: `${resolved.output}ICMP not sent: ${why}\n`,
    exitCode: 0,
  };
}

/** The parsed result of request `i` of a batch. */
export function resultOf(
  request: ToolRequest,
  i: number,
  frames: Map<string, Frame>,
  allowedPing: string[],
): ToolResult {
  if (request.tool === 'ping') return pingResult(i, frames, allowedPing.join(' ') || 'none');
  const f = frames.get(String(i));
  if (!f) return { skipped: 'the probe pod gave no output for this run (kubectl exec failed or timed out)' };
  const run = (outcome: ToolRun['outcome']): ToolRun => ({ outcome, stdout: f.output, exitCode: f.exitCode });
  switch (request.tool) {
    case 'dig':
    case 'dig-search':
      return run(digOutcome(f.output));
    case 'host':
      return run(hostOutcome(f.output, f.exitCode));
    case 'getent':
      return run(getentHostsOutcome(f.output, f.exitCode));
    case 'musl':
      return run(muslOutcome(f.output));
  }
}
