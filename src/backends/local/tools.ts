/**
 * Runs the pod tools for real inside a probe namespace (network.ts): the namespace's resolv.conf
 * and /etc/hosts are the ones kubelet would write, so glibc, musl and BIND resolve exactly as in
 * the pod. Every run is bounded in time.
 *
 * ping never sends ICMP outside the run: the name is first resolved with `getent ahosts` (glibc
 * getaddrinfo, the path ping takes), and ping runs only when every address belongs to a probe
 * namespace of this run; otherwise the resolution is reported and no packet is sent.
 */
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import type { Tool } from '../../oracle/types.ts';
import { digOutcome } from '../../probe/parsers/dig.ts';
import { getentAhostsOutcome, getentHostsOutcome } from '../../probe/parsers/getent.ts';
import { hostOutcome } from '../../probe/parsers/host.ts';
import { muslOutcome } from '../../probe/parsers/musl.ts';
import { pingOutcome } from '../../probe/parsers/ping.ts';
import type { ToolRun } from '../types.ts';
import type { ProbeNamespace } from './network.ts';

/** A tool run never takes longer than this (dig/host: 2 s per try, one try; ping: one packet, 1 s). */
const RUN_TIMEOUT_MS = 10_000;

/** Where src/probe/musl/build.sh puts the musl client. */
export function muslClientPath(): string {
  return `${process.env.DNSCONFORM_CACHE ?? `${homedir()}/.cache/dnsconform`}/musl/dnsc-resolve`;
}

interface Exec {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * `ip netns exec` (mount namespace with /etc/netns/<name>/* bound over /etc), then a fresh UTS
 * namespace carrying the pod's hostname, then the tool.
 */
function inProbe(probe: ProbeNamespace, argv: string[]): Promise<Exec> {
  const args = [
    'netns',
    'exec',
    probe.netns,
    'unshare',
    '--uts',
    '--',
    'sh',
    '-c',
    'hostname "$0" && exec "$@"',
  ];
  return new Promise((resolve) => {
    execFile(
      'ip',
      [...args, probe.hostname, ...argv],
      { timeout: RUN_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ stdout, stderr, exitCode: error ? (typeof code === 'number' ? code : 124) : 0 });
      },
    );
  });
}

// Names go after `-q` / `--`, so that a name starting with `-` is asked, not read as an option.
function digArgs(search: boolean, name: string, type: string): string[] {
  return [
    'dig',
    ...(search ? ['+search', '+showsearch'] : []),
    '+tries=1',
    '+time=2',
    '-t',
    type,
    '-q',
    name,
  ];
}

async function ping(probe: ProbeNamespace, name: string): Promise<ToolRun> {
  const resolved = await inProbe(probe, ['getent', 'ahosts', '--', name]);
  const resolution = getentAhostsOutcome(resolved.stdout, resolved.exitCode);
  const foreign = resolution.addresses.find((a) => !probe.network.ownsAddress(a));
  if (resolution.status === 'ok' && foreign !== undefined) {
    // ping would print the canonical name and the first address: report them, send nothing.
    const first = resolution.addresses[0] as string;
    return {
      outcome: { ...resolution, addresses: [first] },
      stdout: `${resolved.stdout}ICMP not sent: ${foreign} is not a namespace of this run\n`,
      exitCode: 0,
    };
  }
  // Every address is ours, or the name does not resolve (ping then fails in getaddrinfo and prints
  // why: NXDOMAIN, NODATA and SERVFAIL read differently). Probe namespaces have no route elsewhere.
  const run = await inProbe(probe, ['ping', '-c1', '-W1', name]);
  const output = run.stdout + run.stderr;
  return { outcome: pingOutcome(output), stdout: output, exitCode: run.exitCode };
}

/** One tool inside a probe pod's namespace, with its parsed outcome. */
export async function runTool(
  probe: ProbeNamespace,
  tool: Tool,
  name: string,
  type?: string,
): Promise<ToolRun> {
  switch (tool) {
    case 'dig':
    case 'dig-search': {
      const run = await inProbe(probe, digArgs(tool === 'dig-search', name, type ?? 'A'));
      return { outcome: digOutcome(run.stdout), stdout: run.stdout, exitCode: run.exitCode };
    }
    case 'host': {
      const run = await inProbe(probe, [
        'host',
        '-W',
        '2',
        '-R',
        '1',
        ...(type ? ['-t', type] : []),
        '--',
        name,
      ]);
      return { outcome: hostOutcome(run.stdout, run.exitCode), stdout: run.stdout, exitCode: run.exitCode };
    }
    case 'getent': {
      const run = await inProbe(probe, ['getent', 'hosts', '--', name]);
      return {
        outcome: getentHostsOutcome(run.stdout, run.exitCode),
        stdout: run.stdout,
        exitCode: run.exitCode,
      };
    }
    case 'ping':
      return ping(probe, name);
    case 'musl': {
      const run = await inProbe(probe, [muslClientPath(), name]);
      return { outcome: muslOutcome(run.stdout), stdout: run.stdout, exitCode: run.exitCode };
    }
  }
}
