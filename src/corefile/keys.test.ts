import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedBinaryPath } from '../backends/local/binary.ts';
import type { InputError } from '../errors.ts';
import { DEFAULT_COREDNS_VERSION } from '../oracle/versions.ts';
import { parseKey } from './keys.ts';
import { parseCorefile } from './parse.ts';

const at = { line: 1, col: 1 };
const key = (raw: string) => parseKey(raw, 'Corefile', at);

describe('server keys (core/dnsserver/register.go InspectServerBlocks, plugin/normalize.go SplitHostPort)', () => {
  it('defaults the port per transport (plugin/pkg/transport/transport.go)', () => {
    expect(key('.')).toMatchObject({ scheme: 'dns', zones: ['.'], port: 53 });
    expect(key('dns://example.org')).toMatchObject({ scheme: 'dns', zones: ['example.org.'], port: 53 });
    expect(key('tls://.')).toMatchObject({ scheme: 'tls', port: 853 });
    expect(key('quic://.')).toMatchObject({ scheme: 'quic', port: 853 });
    expect(key('grpc://.')).toMatchObject({ scheme: 'grpc', port: 443 });
    expect(key('https://.')).toMatchObject({ scheme: 'https', port: 443 });
    expect(key('https3://.')).toMatchObject({ scheme: 'https3', port: 443 });
  });

  it('reads the digits after the last colon as the port and lowercases the zone (Name.Normalize)', () => {
    expect(key('Example.ORG:1053')).toMatchObject({
      raw: 'Example.ORG:1053',
      zones: ['example.org.'],
      port: 1053,
    });
    expect(key('.:53')).toMatchObject({ zones: ['.'], port: 53 });
    // strconv.Atoi takes a sign; Itoa prints it back without.
    expect(key('example.org:+1053').port).toBe(1053);
  });

  it('takes a colon without digits as part of the zone name, as CoreDNS does', () => {
    expect(key('example.org:abc').zones).toEqual(['example.org:abc.']);
  });

  it('expands CIDRs to reverse zones, split on label boundaries (plugin/pkg/cidr Split/Reverse)', () => {
    expect(key('10.0.0.0/8').zones).toEqual(['10.in-addr.arpa.']);
    expect(key('10.0.0.0/24').zones).toEqual(['0.0.10.in-addr.arpa.']);
    expect(key('192.168.1.1/32').zones).toEqual(['1.1.168.192.in-addr.arpa.']);
    expect(key('0.0.0.0/0').zones).toEqual(['in-addr.arpa.']);
    // A /23 is two /24 zones; a /15 two /16 zones; a /6 four /8 zones.
    expect(key('10.0.0.0/23').zones).toEqual(['0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.']);
    expect(key('10.0.0.0/15:1053')).toMatchObject({
      zones: ['0.10.in-addr.arpa.', '1.10.in-addr.arpa.'],
      port: 1053,
    });
    // Go's ParseCIDR clears host bits: 10.1.2.3/16 is 10.1.0.0/16.
    expect(key('10.1.2.3/16').zones).toEqual(['1.10.in-addr.arpa.']);
    expect(key('10.0.0.0/6').zones).toHaveLength(4);
  });

  it('expands IPv6 CIDRs to ip6.arpa zones on nibble boundaries', () => {
    expect(key('fd00::/8').zones).toEqual(['d.f.ip6.arpa.']);
    expect(key('2001:db8::/32').zones).toEqual(['8.b.d.0.1.0.0.2.ip6.arpa.']);
    expect(key('fd00::/7').zones).toEqual(['c.f.ip6.arpa.', 'd.f.ip6.arpa.']);
  });

  it('refuses what CoreDNS refuses', () => {
    const bad = (raw: string, message: RegExp) => expect(() => key(raw)).toThrow(message);
    bad('example.org:', /expecting data after last colon/);
    bad('example.org:99999', /invalid port 99999/);
    bad('example.org:-1', /invalid port -1/);
    bad('a..b', /not a valid domain name \(empty label\)/);
    bad('.example.org', /not a valid domain name \(leading dot\)/);
    bad(`${'a'.repeat(64)}.org`, /label longer than 63/);
    // normalize.go: a CIDR starting with ':' or '0…:' is refused.
    bad('::/0', /invalid CIDR ::\/0/);
    bad('0::/64', /invalid CIDR/);
    bad('unix:///run/dns.sock', /unknown transport 'unix:\/\/'/);
  });

  it('places errors at the key', () => {
    try {
      parseKey('x:70000', 'Corefile', { line: 4, col: 9 });
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).format()).toBe(
        "Corefile:4:9: server key 'x:70000': invalid port 70000 (must be 0–65535)",
      );
    }
  });
});

// Live CoreDNS prints every zone it serves at start-up (`zone:port on address`); our reading of the
// same keys must list the same zones. Skipped with the reason when no CoreDNS binary is installed.
// The default release is the one `npm test` installs (scripts/setup).
const COREDNS = [cachedBinaryPath(DEFAULT_COREDNS_VERSION)].find((p) => existsSync(p));

describe.skipIf(!COREDNS)(
  `live CoreDNS agrees on the zones of each key (${COREDNS ?? 'no CoreDNS binary installed'})`,
  () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'corefile-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('lists the same zone:port pairs at start-up', async () => {
      const port = 20000 + Math.floor(Math.random() * 30000);
      const text = [
        `10.0.0.0/15:${port} fd00::/63:${port} Example.ORG:${port} {\n  bind 127.0.0.1\n  whoami\n}`,
        `dns://cluster.local:${port} 172.16.0.0/12:${port} {\n  bind 127.0.0.1\n  whoami\n}`,
      ].join('\n');
      writeFileSync(join(dir, 'Corefile.zones'), text);
      const live = await startupZones(join(dir, 'Corefile.zones'));
      const ours = parseCorefile(text, 'Corefile').blocks.flatMap((b) =>
        b.keys.flatMap((k) => k.zones.map((z) => `${z}:${k.port} on 127.0.0.1`)),
      );
      // CoreDNS before 1.14.x keeps the key's letter case; compare case-insensitively.
      expect(live.map((l) => l.toLowerCase()).sort()).toEqual(ours.sort());
    });

    it('refuses a zone:port twice, as we do', () => {
      const text = '.:1 {\n  whoami\n}\n.:1 {\n  whoami\n}\n';
      writeFileSync(join(dir, 'Corefile.twice'), text);
      let out = '';
      try {
        execFileSync(COREDNS!, ['-conf', join(dir, 'Corefile.twice')], {
          encoding: 'utf8',
          timeout: 5000,
          stdio: 'pipe',
        });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout) + String((e as { stderr?: string }).stderr);
      }
      expect(out).toContain('cannot serve dns://.:1 - it is already defined');
      expect(() => parseCorefile(text, 'Corefile')).toThrow('cannot serve dns://.:1 - it is already defined');
    });
  },
);

/** Starts CoreDNS, reads the zone lines it prints before its version banner, stops it. */
function startupZones(conf: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(COREDNS!, ['-conf', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CoreDNS did not start within 10 s: ${out}`));
    }, 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('CoreDNS-')) {
        clearTimeout(timer);
        child.kill('SIGTERM');
        resolve(
          out
            .split('\n')
            .filter((l) => / on 127\.0\.0\.1$/.test(l))
            .map((l) => l.trim()),
        );
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (!out.includes('CoreDNS-')) reject(new Error(`CoreDNS exited: ${out}`));
    });
  });
}
