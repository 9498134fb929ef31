/**
 * Which CoreDNS binary the local backend runs: a release built into the cache by
 * scripts/install-coredns (`go install github.com/coredns/coredns@vX.Y.Z`, on demand), or one the
 * user names with `--coredns-binary PATH`, whose version is read from `coredns -version`.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InputError } from '../../errors.ts';

export interface CorednsBinary {
  path: string;
  version: string;
}

const INSTALL_SCRIPT = new URL('../../../scripts/install-coredns', import.meta.url).pathname;
const VERSION_TIMEOUT_MS = 10_000;
/** A first build downloads and compiles CoreDNS's modules; later ones hit Go's caches. */
const BUILD_TIMEOUT_MS = 20 * 60_000;

/** `${DNSCONFORM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/dnsconform}/coredns` (as scripts/install-coredns). */
export function corednsCacheDir(): string {
  const base =
    process.env.DNSCONFORM_CACHE ??
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'dnsconform');
  return join(base, 'coredns');
}

export function cachedBinaryPath(version: string): string {
  return join(corednsCacheDir(), version, 'coredns');
}

/** `CoreDNS-1.12.4` in `coredns -version` output → `1.12.4`. */
export function parseVersionOutput(output: string): string | undefined {
  return /^CoreDNS-(\d+\.\d+\.\d+)/m.exec(output)?.[1];
}

/** Runs `path -version`; the version it reports, or an InputError saying why it cannot be used. */
export function binaryVersion(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-version'], { timeout: VERSION_TIMEOUT_MS }, (error, stdout, stderr) => {
      const version = parseVersionOutput(stdout);
      if (version) return resolve(version);
      const why = error
        ? error.message.split('\n')[0]
        : `unexpected output: ${(stdout || stderr).trim().split('\n')[0]}`;
      reject(new InputError(`--coredns-binary ${path}: not a working CoreDNS binary (${why})`));
    });
  });
}

/** Builds a release into the cache through scripts/install-coredns, its progress lines to `log`. */
function install(version: string, log: (line: string) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [INSTALL_SCRIPT, version], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      signal,
      killSignal: 'SIGTERM',
      timeout: BUILD_TIMEOUT_MS,
    });
    let last = '';
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        last = line;
        log(`coredns ${version}: ${line}`);
      }
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (e) =>
      reject(
        signal.aborted
          ? signal.reason
          : new EnvironmentError(`cannot build CoreDNS ${version}: ${e.message}`),
      ),
    );
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new EnvironmentError(
            last || `building CoreDNS ${version} failed (scripts/install-coredns exit ${code})`,
          ),
        );
    });
  });
}

/**
 * The binary to run: `binary` when given (it wins over `version`; its own version is reported),
 * else the cached release `version`, built first when missing.
 */
export async function resolveCorednsBinary(opts: {
  version: string;
  binary?: string;
  log: (line: string) => void;
  signal: AbortSignal;
}): Promise<CorednsBinary> {
  if (opts.binary) {
    const version = await binaryVersion(opts.binary);
    return { path: opts.binary, version };
  }
  const version = opts.version.replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new InputError(`CoreDNS version '${opts.version}' is not of the form X.Y.Z (e.g. 1.12.4)`);
  }
  const path = cachedBinaryPath(version);
  if (!existsSync(path)) await install(version, opts.log, opts.signal);
  return { path, version };
}
