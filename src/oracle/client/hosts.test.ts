/** /etc/hosts per kubernetes-dns.md §3 (kubelet managedHostsFileContent) and seed 003; hostname per §4. */
import { describe, expect, it } from 'vitest';
import { podHostname } from './hostname.ts';
import { glibcHostsLookup, parseHostsFile, podHostsFile } from './hosts.ts';
import { OPTIONS, pod } from './testzone.ts';

const LOOPBACK =
  '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
  'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

describe('podHostsFile', () => {
  it('hostname + subdomain: the FQDN line, tab-separated (§3.2; seed 003 `10.244.4.2 foo.bar.default.svc.cluster.local foo`)', () => {
    const text = podHostsFile(
      pod({ podIP: '10.244.4.2', podIPs: ['10.244.4.2'], hostname: 'foo', subdomain: 'bar' }),
      OPTIONS,
    );
    expect(text).toBe(`${LOOPBACK}10.244.4.2\tfoo.bar.default.svc.cluster.local\tfoo\n`);
  });

  it('no subdomain: `<podIP>\\t<pod name>`; dual-stack: one line per pod IP (§3.2)', () => {
    expect(podHostsFile(pod(), OPTIONS)).toBe(`${LOOPBACK}10.244.1.5\tdebug\n`);
    const dual = podHostsFile(pod({ podIPs: ['10.244.1.5', 'fd00:10:244::5'] }), OPTIONS);
    expect(dual?.endsWith('10.244.1.5\tdebug\nfd00:10:244::5\tdebug\n')).toBe(true);
  });

  it('hostAliases: blank line, comment, one tab-joined line per entry (§3.2, conformance `123.45.67.89\\tfoo\\tbar`)', () => {
    const text = podHostsFile(
      pod({ hostAliases: [{ ip: '123.45.67.89', hostnames: ['foo', 'bar'] }] }),
      OPTIONS,
    );
    expect(
      text?.endsWith('10.244.1.5\tdebug\n\n# Entries added by HostAliases.\n123.45.67.89\tfoo\tbar\n'),
    ).toBe(true);
  });

  it('hostNetwork: the node file under its own header, then the aliases (§3.3)', () => {
    const text = podHostsFile(
      pod({ hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }] }),
      OPTIONS,
      '127.0.0.1\tlocalhost\n172.18.0.2\tkind-worker\n',
    );
    expect(text).toBe(
      '# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n172.18.0.2\tkind-worker\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n',
    );
  });

  it('no pod IP yet: kubelet does not manage the file (§3.1)', () => {
    expect(podHostsFile(pod({ podIP: undefined, podIPs: [] }), OPTIONS)).toBeUndefined();
  });

  it('glibc reads it case-insensitively; the canonical name is the first on the line (live getent, fixtures)', () => {
    const entries = parseHostsFile(podHostsFile(pod({ hostname: 'foo', subdomain: 'bar' }), OPTIONS) ?? '');
    expect(glibcHostsLookup(entries, 'FOO', 'inet')).toEqual({
      canonical: 'foo.bar.default.svc.cluster.local',
      addresses: ['10.244.1.5'],
    });
    expect(glibcHostsLookup(entries, 'localhost', 'inet6')?.addresses).toEqual(['::1']);
    expect(glibcHostsLookup(entries, 'foo.', 'inet')).toBeUndefined();
  });
});

describe('podHostname (§4)', () => {
  it('spec.hostname over the pod name; hostname -f is the FQDN with a subdomain (seed 003 `hostname` → foo)', () => {
    const h = podHostname(pod({ hostname: 'foo', subdomain: 'bar' }), OPTIONS);
    expect([h.kernelHostname, h.fqdn]).toEqual(['foo', 'foo.bar.default.svc.cluster.local']);
    expect(podHostname(pod(), OPTIONS).fqdn).toBe('debug');
  });

  it('pod names over 63 characters are cut and lose trailing `-`/`.`', () => {
    const name = `${'a'.repeat(61)}-.bbb`;
    expect(podHostname(pod({ name }), OPTIONS).hostname).toBe('a'.repeat(61));
  });

  it('setHostnameAsFQDN: the FQDN as kernel hostname, or the sandbox error when over 64 characters', () => {
    expect(
      podHostname(pod({ hostname: 'foo', subdomain: 'bar', setHostnameAsFQDN: true }), OPTIONS)
        .kernelHostname,
    ).toBe('foo.bar.default.svc.cluster.local');
    const long = podHostname(
      pod({ hostname: 'x'.repeat(40), subdomain: 'bar', setHostnameAsFQDN: true }),
      OPTIONS,
    );
    expect(long.error).toBe(
      `failed to construct FQDN from pod hostname and cluster domain, FQDN ${'x'.repeat(40)}.bar.default.svc.cluster.local is too long (64 characters is the max, 70 characters requested)`,
    );
  });

  it("hostNetwork pods see the node's hostname; spec.hostname is ignored", () => {
    expect(podHostname(pod({ hostNetwork: true, hostname: 'foo' }), OPTIONS).kernelHostname).toBe(
      'kind-worker',
    );
  });
});
