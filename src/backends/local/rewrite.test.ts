import { describe, expect, it } from 'vitest';
import { parseCorefile } from '../../corefile/parse.ts';
import { printCorefile } from '../../corefile/print.ts';
import { InputError } from '../../errors.ts';
import { binaryVersion, cachedBinaryPath, parseVersionOutput } from './binary.ts';
import { printedOrigins, type RewriteOptions, rewriteCorefile } from './corefile-rewrite.ts';

const K3S = `.:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      endpoint https://10.0.0.1:6443
      tls cert key cacert
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . tls://1.1.1.1 tls://1.0.0.1 {
      tls_servername cloudflare-dns.com
    }
    cache 30
}
`;

let nextPort = 40000;
const options = (over: Partial<RewriteOptions> = {}): RewriteOptions => ({
  bind: ['127.0.0.1'],
  remapPorts: true,
  sideAddress: '127.0.0.1',
  freePort: async () => nextPort++,
  kubeconfig: '/run/kubeconfig',
  upstream: '127.0.0.1:5300',
  files: { '/etc/coredns/NodeHosts': '/run/files/1-NodeHosts' },
  ...over,
});

describe('rewriteCorefile', () => {
  it('k3s Corefile: connection, files, side ports and upstream rewritten; every change listed by line', async () => {
    nextPort = 40000;
    const r = await rewriteCorefile(parseCorefile(K3S, 'Corefile'), options());
    const text = printCorefile(r.corefile);
    expect(text).toContain('.:40000 {');
    expect(text).toContain('bind 127.0.0.1');
    expect(text).toMatch(
      /kubernetes cluster.local in-addr.arpa ip6.arpa \{\n\s+kubeconfig \/run\/kubeconfig\n\s+pods insecure/,
    );
    expect(text).not.toMatch(/endpoint|tls cert|tls_servername/);
    expect(text).toContain('hosts /run/files/1-NodeHosts {');
    expect(text).toContain('forward . 127.0.0.1:5300');
    expect(r.ready).toBe('127.0.0.1:40002');
    expect(r.ports.get(53)).toBe(40000);
    expect(r.rewrites.map((x) => `${x.line} ${x.from} → ${x.to}`)).toEqual([
      '1 .:53 → .:40000',
      '1  → bind 127.0.0.1',
      '3 health → health 127.0.0.1:40001',
      '4 ready → ready 127.0.0.1:40002',
      '5  → kubeconfig /run/kubeconfig',
      '6 endpoint https://10.0.0.1:6443 → ',
      '7 tls cert key cacert → ',
      '11 hosts /etc/coredns/NodeHosts → hosts /run/files/1-NodeHosts',
      '16 prometheus :9153 → prometheus 127.0.0.1:40003',
      '17 forward . tls://1.1.1.1 tls://1.0.0.1 → forward . 127.0.0.1:5300',
      '18 tls_servername cloudflare-dns.com → ',
    ]);
  });

  it('in its own network namespace the server ports stay as written', async () => {
    const r = await rewriteCorefile(
      parseCorefile('.:53 {\n    whoami\n}\n', 'Corefile'),
      options({ remapPorts: false, bind: ['169.254.53.2', '10.96.0.10'] }),
    );
    expect(printCorefile(r.corefile)).toBe('.:53 {\n    bind 169.254.53.2 10.96.0.10\n    whoami\n}\n');
  });

  it('a plugin that only talks to remote servers is refused at its line', async () => {
    const e = await rewriteCorefile(
      parseCorefile('.:53 {\n    whoami\n    etcd skydns.local\n}\n', 'Corefile'),
      options(),
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).format()).toMatch(/^Corefile:3:5: plugin 'etcd' talks to an etcd cluster/);
  });

  it('printedOrigins gives one position per printed line', async () => {
    const c = parseCorefile(`${K3S}\nexample.org {\n    whoami\n}\n`, 'Corefile');
    const origins = printedOrigins(c);
    const lines = printCorefile(c).split('\n');
    expect(origins).toHaveLength(lines.length - 1);
    const forward = lines.findIndex((l) => l.trim().startsWith('forward'));
    expect(origins[forward]?.line).toBe(17);
    expect(origins[lines.indexOf('    whoami')]?.line).toBe(24);
  });
});

describe('CoreDNS binaries', () => {
  it('reads the version from `coredns -version` output', () => {
    expect(parseVersionOutput('CoreDNS-1.12.4\nlinux/amd64, go1.26.8, \n')).toBe('1.12.4');
    expect(parseVersionOutput('something else')).toBeUndefined();
  });

  it('--coredns-binary: a real binary reports its version; anything else is an InputError', async () => {
    const path = cachedBinaryPath('1.12.4');
    if ((await import('node:fs')).existsSync(path)) expect(await binaryVersion(path)).toBe('1.12.4');
    await expect(binaryVersion('/bin/true')).rejects.toThrow(
      /--coredns-binary \/bin\/true: not a working CoreDNS binary/,
    );
    await expect(binaryVersion('/nonexistent/coredns')).rejects.toBeInstanceOf(InputError);
  });
});
