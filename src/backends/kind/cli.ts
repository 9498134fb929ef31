/**
 * The kind CLI (sigs.k8s.io/kind pkg/cmd/kind): found on PATH or in dnsconform's cache, else
 * installed there with `go install` when Go is present. Every command is bounded and interruptible.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../errors.ts';

/** The kind release dnsconform is built against (default node image kindest/node:v1.36.1). */
export const KIND_VERSION = 'v0.32.0';
export const KIND_MODULE = `sigs.k8s.io/kind@${KIND_VERSION}`;

/** `${DNSCONFORM_CACHE}` or `${XDG_CACHE_HOME:-~/.cache}/dnsconform`. */
export function cacheDir(): string {
  return (
    process.env.DNSCONFORM_CACHE ??
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dnsconform')
  );
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs a command in its own process group. On timeout or interrupt the whole group is stopped
 * (SIGTERM, then SIGKILL): `kind create cluster` leaves docker children holding its output
 * open, so stopping kind alone would not end the wait.
 */
export async function runCommand(
  file: string,
  args: string[],
  options: { signal: AbortSignal; timeoutMs: number; env?: Record<string, string> },
): Promise<CommandResult & { missing: boolean }> {
  options.signal.throwIfAborted();
  const child = execa(file, args, { reject: false, detached: true, stdin: 'ignore', env: options.env });
  const stopGroup = () => {
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    setTimeout(() => kill('SIGKILL'), 5000).unref();
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stopGroup();
  }, options.timeoutMs);
  options.signal.addEventListener('abort', stopGroup, { once: true });
  const r = await child;
  clearTimeout(timer);
  options.signal.removeEventListener('abort', stopGroup);
  if (options.signal.aborted) throw options.signal.reason;
  const stderr = timedOut
    ? `${file} timed out after ${Math.round(options.timeoutMs / 1000)}s`
    : String(r.stderr ?? '');
  return {
    stdout: String(r.stdout ?? ''),
    stderr,
    exitCode: timedOut ? 124 : (r.exitCode ?? 127),
    missing: r.code === 'ENOENT',
  };
}

/** The last meaningful line of a failed command, for one-line errors. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** `kind version` prints `kind v0.32.0 go1.24.2 linux/amd64` (pkg/cmd/kind/version DisplayVersion). */
export function parseKindVersion(stdout: string): string | undefined {
  return /\bkind (v\d+\.\d+\.\d+\S*)/.exec(stdout)?.[1];
}

/**
 * The kind binary to use: `kind` on PATH, the cached one, or one installed now with Go.
 * Throws an EnvironmentError saying what to install when none can be had.
 */
export async function ensureKind(signal: AbortSignal, log: (m: string) => void): Promise<string> {
  const onPath = await runCommand('kind', ['version'], { signal, timeoutMs: 20_000 });
  if (!onPath.missing && onPath.exitCode === 0) return 'kind';
  const bin = join(cacheDir(), 'bin');
  const cached = join(bin, 'kind');
  if (existsSync(cached)) return cached;
  const go = await runCommand('go', ['version'], { signal, timeoutMs: 20_000 });
  if (go.missing || go.exitCode !== 0) {
    throw new EnvironmentError(
      `kind not found: install kind ${KIND_VERSION} (go install ${KIND_MODULE}, or a release binary from https://kind.sigs.k8s.io/docs/user/quick-start/#installation) and put it on PATH`,
    );
  }
  log(`kind: not found, installing ${KIND_MODULE} into ${bin}`);
  await mkdir(bin, { recursive: true });
  const r = await runCommand('go', ['install', KIND_MODULE], {
    signal,
    timeoutMs: 600_000,
    env: { GOBIN: bin },
  });
  if (r.exitCode !== 0 || !existsSync(cached)) {
    throw new EnvironmentError(
      `installing kind with 'go install ${KIND_MODULE}' failed: ${lastLine(r.stderr) || `exit ${r.exitCode}`}`,
    );
  }
  return cached;
}

/** kind needs a container engine; this is the first thing to fail on a machine without one. */
export async function checkDocker(signal: AbortSignal): Promise<string> {
  const r = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], {
    signal,
    timeoutMs: 20_000,
  });
  if (r.missing)
    throw new EnvironmentError(
      'docker not found: install Docker (Debian: apt-get install docker.io); kind runs its nodes in it',
    );
  if (r.exitCode !== 0 || !r.stdout.trim()) {
    throw new EnvironmentError(
      `docker engine not reachable: ${lastLine(r.stderr) || lastLine(r.stdout) || `exit ${r.exitCode}`}; start Docker (kind runs its nodes in it)`,
    );
  }
  return r.stdout.trim();
}

/** Images present in the local Docker engine (so `kind load docker-image` can copy them in). */
export async function dockerHasImage(image: string, signal: AbortSignal): Promise<boolean> {
  const r = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
    signal,
    timeoutMs: 20_000,
  });
  return r.exitCode === 0;
}
