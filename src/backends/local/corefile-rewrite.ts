/**
 * The scenario's Corefile as the local backend runs it: the fewest changes that let a real
 * CoreDNS serve it on this machine without a packet leaving it. Every change is recorded (line,
 * before, after, why) and goes into the run's report.
 * - where it listens: `bind` in every server block (loopback, or the cluster network's addresses),
 *   server ports mapped to free ones unless CoreDNS has a network namespace of its own;
 * - `kubernetes`: `kubeconfig` to the harness's API endpoint (`endpoint`, `tls` and any other
 *   `kubeconfig` dropped);
 * - `forward`: every target → the fake upstream (`tls`, `tls_servername` dropped: it speaks plain DNS);
 * - `health`, `ready`, `prometheus`, `pprof`: free ports on the harness-side address;
 * - files the scenario supplies (hosts files, zone files): their temporary copies.
 * Plugins that can only talk to servers elsewhere (etcd, grpc, cloud DNS APIs) are refused.
 */

import type { Corefile, Directive, Position, ServerBlock } from '../../corefile/types.ts';
import { InputError } from '../../errors.ts';
import type { CorefileRewrite } from '../../run/result.ts';

export interface RewriteOptions {
  /** Addresses every server block binds. */
  bind: string[];
  /** Map every server port to a free one (shared loopback); false keeps them (own network namespace). */
  remapPorts: boolean;
  /** Where health/ready/prometheus/pprof listen (reachable by the harness). */
  sideAddress: string;
  freePort: () => Promise<number>;
  kubeconfig: string;
  /** The fake upstream as `host:port`. */
  upstream: string;
  /** Paths as the Corefile names them → the temporary files holding the scenario's content. */
  files: Record<string, string>;
}

export interface RewrittenCorefile {
  corefile: Corefile;
  rewrites: CorefileRewrite[];
  /** Server port as written → port CoreDNS listens on. */
  ports: Map<number, number>;
  /** `host:port` of the ready plugin's endpoint, when the Corefile has one. */
  ready?: string;
}

/** Plugins whose job is to talk to servers elsewhere: nothing local can stand in for them. */
const REMOTE_PLUGINS: Record<string, string> = {
  etcd: 'an etcd cluster',
  grpc: 'a gRPC DNS upstream',
  route53: 'AWS Route 53',
  azure: 'Azure DNS',
  clouddns: 'Google Cloud DNS',
};

/** Default listen addresses of the side-channel plugins (each plugin's README / setup.go). */
const SIDE_DEFAULTS: Record<string, string> = {
  health: ':8080',
  ready: ':8181',
  prometheus: 'localhost:9153',
  pprof: 'localhost:6053',
};

/** The hosts plugin reads /etc/hosts when no argument is given; else the first is the file (plugin/hosts/setup.go). */
const HOSTS_DEFAULT = '/etc/hosts';

function line(d: Directive): string {
  return [d.name, ...d.args].join(' ');
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

class Rewriter {
  readonly rewrites: CorefileRewrite[] = [];
  readonly ports = new Map<number, number>();
  private readonly side = new Map<string, string>();
  ready: string | undefined;

  constructor(private readonly o: RewriteOptions) {}

  record(lineNo: number, from: string, to: string, why: string): void {
    this.rewrites.push({ line: lineNo, from, to, why });
  }

  async port(written: number): Promise<number> {
    if (!this.o.remapPorts) return written;
    let p = this.ports.get(written);
    if (p === undefined) {
      p = await this.o.freePort();
      this.ports.set(written, p);
    }
    return p;
  }

  async block(b: ServerBlock): Promise<void> {
    for (const key of b.keys) {
      const port = await this.port(key.port);
      this.ports.set(key.port, port);
      if (port === key.port) continue;
      const m = /^((?:[a-z0-9]+:\/\/)?)(.*?)(?::[+-]?\d+)?$/i.exec(key.raw) as RegExpExecArray;
      const raw = `${m[1]}${m[2]}:${port}`;
      this.record(
        key.pos.line,
        key.raw,
        raw,
        `server port ${key.port} → free port ${port} on the shared loopback`,
      );
      key.raw = raw;
      key.port = port;
    }
    const kept: Directive[] = [];
    for (const d of b.directives) {
      const remote = REMOTE_PLUGINS[d.name];
      if (remote) {
        throw new InputError(
          `plugin '${d.name}' talks to ${remote}; the local backend cannot run it (use --backend kind or existing)`,
          { file: d.pos.file ?? 'Corefile', line: d.pos.line, col: d.pos.col },
        );
      }
      if (d.name === 'bind') {
        this.record(d.pos.line, line(d), '', 'replaced by the harness-side bind below');
        continue;
      }
      if (d.name === 'kubernetes') this.kubernetes(d);
      else if (d.name === 'forward') this.forward(d);
      else if (d.name in SIDE_DEFAULTS) await this.sideChannel(d);
      this.files(d);
      kept.push(d);
    }
    const bind: Directive = { name: 'bind', args: [...this.o.bind], block: undefined, pos: b.pos };
    this.record(b.pos.line, '', line(bind), 'listen only where the harness queries');
    b.directives = [bind, ...kept];
  }

  private kubernetes(d: Directive): void {
    const block = d.block ?? [];
    const kept = block.filter((sub) => {
      if (!['endpoint', 'tls', 'kubeconfig'].includes(sub.name)) return true;
      this.record(sub.pos.line, line(sub), '', "the harness's API endpoint replaces the cluster connection");
      return false;
    });
    const kubeconfig: Directive = {
      name: 'kubeconfig',
      args: [this.o.kubeconfig],
      block: undefined,
      pos: d.pos,
    };
    this.record(
      d.pos.line,
      '',
      line(kubeconfig),
      "list/watch the scenario's objects from the harness's API endpoint",
    );
    d.block = [kubeconfig, ...kept];
  }

  private forward(d: Directive): void {
    const [from = '.'] = d.args;
    const before = line(d);
    d.args = [from, this.o.upstream];
    this.record(
      d.pos.line,
      before,
      line(d),
      "forward to the fake upstream holding the scenario's upstream records",
    );
    if (d.block) {
      d.block = d.block.filter((sub) => {
        if (sub.name !== 'tls' && sub.name !== 'tls_servername') return true;
        this.record(sub.pos.line, line(sub), '', 'the fake upstream speaks plain DNS');
        return false;
      });
    }
  }

  private async sideChannel(d: Directive): Promise<void> {
    const written = d.args[0] ?? (SIDE_DEFAULTS[d.name] as string);
    let address = this.side.get(`${d.name} ${written}`);
    if (!address) {
      address = hostPort(this.o.sideAddress, await this.o.freePort());
      this.side.set(`${d.name} ${written}`, address);
    }
    const before = line(d);
    d.args = [address, ...d.args.slice(1)];
    this.record(d.pos.line, before, line(d), `${d.name} listens on a free port the harness can reach`);
    if (d.name === 'ready') this.ready ??= address;
  }

  /** Arguments naming a file the scenario supplies (at any depth) → its temporary copy. */
  private files(d: Directive): void {
    if (d.name === 'hosts' && d.args.length === 0 && this.o.files[HOSTS_DEFAULT]) {
      const before = line(d);
      d.args = [this.o.files[HOSTS_DEFAULT] as string, ...d.args];
      this.record(d.pos.line, before, line(d), `the scenario's ${HOSTS_DEFAULT}, not this machine's`);
      return;
    }
    const mapped = d.args.map((a) => this.o.files[a] ?? a);
    if (mapped.some((a, i) => a !== d.args[i])) {
      const before = line(d);
      d.args = mapped;
      this.record(d.pos.line, before, line(d), "the scenario's copy of the file");
    }
    for (const sub of d.block ?? []) this.files(sub);
  }
}

/** Rewrites `corefile` in place (parse a fresh copy per run) and reports what changed. */
export async function rewriteCorefile(corefile: Corefile, opts: RewriteOptions): Promise<RewrittenCorefile> {
  const r = new Rewriter(opts);
  for (const b of corefile.blocks) await r.block(b);
  const rewrites = [...r.rewrites].sort((a, b) => a.line - b.line);
  return { corefile, rewrites, ports: r.ports, ...(r.ready ? { ready: r.ready } : {}) };
}

/**
 * For each line printCorefile (src/corefile/print.ts) writes, the position it came from: a server
 * block's keys and closing brace → the block, a directive's line and closing brace → the directive.
 * Lets CoreDNS's `Corefile:LINE` errors about the rewritten text point into the scenario's Corefile.
 */
export function printedOrigins(corefile: Corefile): (Position | undefined)[] {
  const out: (Position | undefined)[] = [];
  const directive = (d: Directive) => {
    out.push(d.pos);
    if (d.block === undefined) return;
    d.block.forEach(directive);
    const tail = d.block.at(-1);
    // print.ts: a last line ending in a `}` argument closes the block itself.
    const closedInline = tail !== undefined && tail.block === undefined && tail.args.at(-1) === '}';
    if (!closedInline) out.push(d.pos);
  };
  corefile.blocks.forEach((b, i) => {
    if (i > 0) out.push(undefined);
    out.push(b.pos);
    b.directives.forEach(directive);
    out.push(b.pos);
  });
  return out;
}
