/**
 * One real CoreDNS process: started with `-conf` in its own process group (optionally inside a
 * network namespace through a command prefix such as `ip netns exec NAME`), ready when the `ready`
 * plugin says so (if the Corefile has it) and a probe query is answered, its output kept, stopped as a
 * whole group. A Corefile CoreDNS refuses, or a crash while starting, is an InputError carrying
 * CoreDNS's own error line, placed at the line of the scenario's Corefile it came from.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { InputError, type Location } from '../../errors.ts';
import { ask, type Server } from '../../probe/wire.ts';
import { onCleanup } from '../../run/cleanup.ts';

export interface CorednsStartOptions {
  binary: string;
  /** The Corefile as it will run (already rewritten). */
  text: string;
  /** Directory for the Corefile (temporary, owned by the caller). */
  dir: string;
  /** Runs CoreDNS through this command, e.g. `['ip', 'netns', 'exec', 'dnsc-…']`. */
  prefix?: string[];
  /** `host:port` of the ready plugin's endpoint, if the Corefile has one. */
  ready?: string;
  /** Where a probe query is sent when there is no ready endpoint, and what it asks. */
  probe: Server & { zone: string };
  /** Printed Corefile line → where it came from in the scenario's Corefile. */
  origin: (line: number) => Location | undefined;
  timeoutMs: number;
  log: (line: string) => void;
  signal: AbortSignal;
}

const LOG_LINES = 2000;
const STOP_GRACE_MS = 2000;
const POLL_MS = 50;

export class CorednsProcess {
  private readonly lines: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exit: Promise<void>;
  private readonly unregister: () => void;

  private constructor(
    private readonly child: ChildProcess,
    private readonly log: (line: string) => void,
  ) {
    this.exit = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
      child.on('error', (e) => {
        this.collect(`cannot start CoreDNS: ${e.message}`);
        this.exited = { code: -1, signal: null };
        resolve();
      });
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.collect(line);
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    this.unregister = onCleanup(() => this.stop());
  }

  private collect(line: string): void {
    this.lines.push(line);
    if (this.lines.length > LOG_LINES) this.lines.shift();
    this.log(`coredns: ${line}`);
  }

  static async start(o: CorednsStartOptions): Promise<CorednsProcess> {
    o.signal.throwIfAborted();
    const conf = join(o.dir, 'Corefile');
    await writeFile(conf, o.text);
    const [command, ...args] = [...(o.prefix ?? []), o.binary, '-conf', conf];
    const child = spawn(command as string, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: o.dir,
    });
    const p = new CorednsProcess(child, o.log);
    try {
      await p.waitReady(o, conf);
    } catch (e) {
      await p.stop();
      throw e;
    }
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exited === undefined;
  }

  /** CoreDNS's output so far (stdout and stderr, newest last). */
  logs(): string[] {
    return [...this.lines];
  }

  /** Why CoreDNS is not running: its last error line, or how it ended. */
  whyStopped(): string {
    const e = this.exited;
    const last =
      [...this.lines].reverse().find((l) => /error|panic|fatal|listen/i.test(l)) ?? this.lines.at(-1);
    return last ?? `exited with ${e?.signal ?? `code ${e?.code}`}`;
  }

  private async waitReady(o: CorednsStartOptions, conf: string): Promise<void> {
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      o.signal.throwIfAborted();
      if (this.exited) throw this.refusal(o, conf);
      // The ready endpoint can say 200 a moment before the DNS listeners are up: ask too.
      if ((o.ready === undefined || (await readyEndpoint(o.ready))) && (await answers(o.probe))) return;
      if (Date.now() > deadline) {
        throw new Error(
          `CoreDNS did not become ready within ${o.timeoutMs / 1000} s (${o.ready ? `ready endpoint ${o.ready}` : `probe query to ${o.probe.address}:${o.probe.port}`}); last output: ${this.lines.at(-1) ?? 'none'}`,
        );
      }
      await Promise.race([this.exit, new Promise((r) => setTimeout(r, POLL_MS))]);
    }
  }

  /** CoreDNS ended while starting: its error line, placed in the scenario's Corefile when it names a line. */
  private refusal(o: CorednsStartOptions, conf: string): InputError {
    const line = this.whyStopped();
    const at = new RegExp(`${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+)`).exec(line);
    const where = at ? o.origin(Number(at[1])) : undefined;
    const message = `CoreDNS refused the Corefile: ${line.replaceAll(conf, 'Corefile')}`;
    return new InputError(message, where);
  }

  /** Ends the process group: SIGTERM now (synchronously, so it happens even at exit), SIGKILL after a grace time. */
  async stop(): Promise<void> {
    this.unregister();
    if (this.exited || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    signalGroup('SIGTERM');
    const killed = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
    await this.exit;
    clearTimeout(killed);
  }
}

function readyEndpoint(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`http://${address}/ready`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Any reply at all, over UDP and TCP, means CoreDNS serves (the kubernetes plugin holds serving back until synced or timed out). */
async function answers(probe: Server & { zone: string }): Promise<boolean> {
  try {
    for (const transport of ['udp', 'tcp'] as const) {
      await ask(probe, { name: probe.zone, type: 'SOA' }, { transport, timeoutMs: 200, retries: 0 });
    }
    return true;
  } catch {
    return false;
  }
}

/** A port free for both UDP and TCP on `host` right now (CoreDNS binds both). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve(udp.address().port));
    });
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    await new Promise<void>((r) => (ok ? tcp.close(() => r()) : r()));
    udp.close();
    if (ok) return port;
  }
  throw new Error(`no port on ${host} was free for both UDP and TCP after 20 tries`);
}
