/**
 * `dnsconform doctor [--json]`: for each backend, what it needs, what this machine has (with
 * versions) and what to install. Only local commands run (`--version`-style calls, `ip netns`
 * add/del, reading the kubeconfig): no cluster is contacted and no packet is sent.
 * Exit 0 when the local backend is fully usable, 1 otherwise.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { cacheDir, KIND_MODULE, KIND_VERSION, parseKindVersion, runCommand } from '../backends/kind/cli.ts';
import { isDnsconformContext } from '../backends/kind/config.ts';
import { netnsCapability } from '../backends/local/network.ts';
import { DEFAULT_COREDNS_VERSION } from '../oracle/versions.ts';
import { parseFlags } from './args.ts';
import type { CommandContext } from './main.ts';

export interface Check {
  /** What is needed, e.g. `dig`. */
  name: string;
  ok: boolean;
  /** What was found (a version), or why not. */
  found: string;
  /** What to do when it is missing. */
  install?: string;
  /** Not needed to run scenarios (benchmarks, conveniences). */
  optional?: boolean;
}

export interface BackendDoctor {
  backend: 'local' | 'kind' | 'existing';
  usable: boolean;
  checks: Check[];
}

const TIMEOUT_MS = 15_000;

/** First line of a command's output (stdout, else stderr), or undefined when it cannot run. */
async function probe(signal: AbortSignal, file: string, ...args: string[]): Promise<string | undefined> {
  const r = await runCommand(file, args, { signal, timeoutMs: TIMEOUT_MS });
  if (r.missing) return undefined;
  const line = (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '';
  return r.exitCode === 0 ? line : undefined;
}

async function tool(
  signal: AbortSignal,
  name: string,
  args: string[],
  install: string,
  optional = false,
): Promise<Check> {
  const found = await probe(signal, name, ...args);
  return {
    name,
    ok: found !== undefined,
    found: found ?? 'not found',
    install,
    ...(optional ? { optional } : {}),
  };
}

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 11);
  return { name: 'node ≥ 20.11', ok, found: process.version, install: 'install Node.js 20.11 or newer' };
}

function corednsCheck(goFound: boolean): Check {
  const dir = join(cacheDir(), 'coredns');
  const versions = existsSync(dir) ? readdirSync(dir).filter((v) => existsSync(join(dir, v, 'coredns'))) : [];
  const hasDefault = versions.includes(DEFAULT_COREDNS_VERSION);
  return {
    name: `CoreDNS binaries (${dir})`,
    // Versions not cached are built on demand with Go.
    ok: hasDefault || goFound,
    found: versions.length ? versions.sort().join(', ') : 'none cached',
    install: `GOBIN=${join(dir, DEFAULT_COREDNS_VERSION)} go install github.com/coredns/coredns@v${DEFAULT_COREDNS_VERSION}`,
  };
}

async function localChecks(signal: AbortSignal, go: Check): Promise<Check[]> {
  const netns = await netnsCapability();
  const muslClient = join(cacheDir(), 'musl', 'dnsc-resolve');
  return [
    nodeCheck(),
    go,
    corednsCheck(go.ok),
    await tool(signal, 'dig', ['-v'], 'apt-get install bind9-dnsutils'),
    await tool(signal, 'host', ['-V'], 'apt-get install bind9-host'),
    await tool(signal, 'getent', ['--version'], 'apt-get install libc-bin'),
    await tool(signal, 'ping', ['-V'], 'apt-get install iputils-ping'),
    await tool(signal, 'ip', ['-V'], 'apt-get install iproute2'),
    {
      name: 'root + ip netns (pod-side probes)',
      ok: netns.ok,
      found: netns.ok ? 'works' : netns.reason,
      install: 'run as root on Linux with iproute2 (wire queries still run without it)',
    },
    await tool(signal, 'musl-gcc', ['--version'], 'apt-get install musl-tools'),
    {
      name: 'musl resolver client',
      ok: existsSync(muslClient),
      found: existsSync(muslClient) ? muslClient : 'not built',
      install: 'bash src/probe/musl/build.sh (needs musl-tools)',
    },
    await tool(signal, 'dnsperf', ['-h'], 'apt-get install dnsperf', true),
  ];
}

async function kindChecks(signal: AbortSignal, go: Check, kubectl: Check): Promise<Check[]> {
  const docker = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], {
    signal,
    timeoutMs: TIMEOUT_MS,
  });
  const engine = docker.exitCode === 0 && docker.stdout.trim();
  const dockerCheck: Check = {
    name: 'docker engine',
    ok: Boolean(engine),
    found: docker.missing
      ? 'docker not found'
      : engine
        ? `server ${engine}`
        : `not reachable: ${(docker.stderr.trim().split('\n').pop() ?? '').trim()}`,
    install: docker.missing
      ? 'apt-get install docker.io'
      : 'start the Docker daemon (systemctl start docker)',
  };
  const onPath = await probe(signal, 'kind', 'version');
  const cached = join(cacheDir(), 'bin', 'kind');
  const cachedVersion = onPath
    ? undefined
    : existsSync(cached)
      ? await probe(signal, cached, 'version')
      : undefined;
  const kindVersion = parseKindVersion(onPath ?? cachedVersion ?? '');
  const kind: Check = {
    name: 'kind',
    ok: Boolean(kindVersion) || go.ok,
    found: kindVersion
      ? `${kindVersion}${onPath ? '' : ` (${cached})`}`
      : go.ok
        ? `not found; installed on first use with go install ${KIND_MODULE}`
        : 'not found',
    install: `go install ${KIND_MODULE} (kind ${KIND_VERSION})`,
  };
  return [dockerCheck, kind, kubectl];
}

function existingChecks(kubectl: Check): Check[] {
  const config = new KubeConfig();
  let context: Check;
  try {
    config.loadFromDefault();
    const current = config.getCurrentContext();
    const server = config.getCurrentCluster()?.server;
    context = {
      name: 'kubeconfig context',
      ok: Boolean(current && server),
      found: current
        ? `${current} (${server ?? 'no cluster'})${isDnsconformContext(current) ? '' : ': foreign, needs --allow-foreign-cluster'}`
        : 'no current context',
      install: 'pass --kubeconfig FILE --context NAME',
    };
  } catch (e) {
    context = {
      name: 'kubeconfig context',
      ok: false,
      found: (e as Error).message.split('\n')[0] ?? '',
      install: 'pass --kubeconfig FILE --context NAME',
    };
  }
  return [kubectl, context];
}

export async function collectDoctor(signal: AbortSignal): Promise<BackendDoctor[]> {
  const goLine = await probe(signal, 'go', 'version');
  const go: Check = {
    name: 'go',
    ok: goLine !== undefined,
    found: goLine ?? 'not found',
    install: 'apt-get install golang-go (or https://go.dev/dl/)',
  };
  const kubectlLine = await probe(signal, 'kubectl', 'version', '--client');
  const kubectl: Check = {
    name: 'kubectl',
    ok: kubectlLine !== undefined,
    found: kubectlLine ?? 'not found',
    install: 'install kubectl: https://kubernetes.io/docs/tasks/tools/',
  };
  const report = (backend: BackendDoctor['backend'], checks: Check[]): BackendDoctor => ({
    backend,
    usable: checks.every((c) => c.ok || c.optional),
    checks,
  });
  return [
    report('local', await localChecks(signal, go)),
    report('kind', await kindChecks(signal, go, kubectl)),
    report('existing', existingChecks(kubectl)),
  ];
}

function render(reports: BackendDoctor[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.backend}: ${r.usable ? 'ready' : 'not ready'}`);
    for (const c of r.checks) {
      const mark = c.ok ? 'ok  ' : c.optional ? 'opt ' : 'MISS';
      lines.push(`  ${mark} ${c.name}: ${c.found}${c.ok || !c.install ? '' : `\n         → ${c.install}`}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function doctor(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseFlags('doctor', argv, {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(
      'usage: dnsconform doctor [--json]\n\nWhat each backend (local, kind, existing) needs, what is present, what to install.\nExit 0 when the local backend is fully usable, 1 otherwise.\n',
    );
    return 0;
  }
  const reports = await collectDoctor(ctx.signal);
  process.stdout.write(values.json ? `${JSON.stringify({ backends: reports }, null, 2)}\n` : render(reports));
  return reports.find((r) => r.backend === 'local')?.usable ? 0 : 1;
}
