/** resolv.conf per kubernetes-dns.md §2 (kubelet dns.go, containerd rendering) and seed 003. */
import { describe, expect, it } from 'vitest';
import { podResolvConf } from './resolv.ts';
import { OPTIONS, pod } from './testzone.ts';

const withNodeSearch = (search: string[]) => ({
  ...OPTIONS,
  nodeResolvConf: { ...OPTIONS.nodeResolvConf, search },
});

describe('podResolvConf', () => {
  it('ClusterFirst: cluster search, then the node search; exactly ndots:5 (seed 003, §2.3, §2.7)', () => {
    const r = podResolvConf(pod(), withNodeSearch(['home']));
    expect(r.text).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local home\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
    expect(r.optionsOrdered).toBe(true);
  });

  it('node search entries lose one trailing dot, `.` entries are dropped, duplicates removed (§2.2, §2.3)', () => {
    const r = podResolvConf(pod(), withNodeSearch(['example.internal.', '.', 'cluster.local']));
    expect(r.searches).toEqual([
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'example.internal',
    ]);
  });

  it('ClusterFirst with hostNetwork silently becomes Default (§2.3 row 2, §9.1)', () => {
    const r = podResolvConf(pod({ hostNetwork: true }), withNodeSearch(['home']));
    expect(r.type).toBe('host');
    expect(r.text).toBe('search home\nnameserver 172.18.0.1\noptions ndots:0\n');
  });

  it('ClusterFirstWithHostNet keeps cluster DNS with or without hostNetwork (§2.3)', () => {
    for (const hostNetwork of [true, false]) {
      const r = podResolvConf(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork }), OPTIONS);
      expect(r.type).toBe('cluster');
      expect(r.nameservers).toEqual(['10.96.0.10']);
    }
  });

  it('Default: the node file, with or without hostNetwork (§2.3)', () => {
    for (const hostNetwork of [true, false]) {
      expect(podResolvConf(pod({ dnsPolicy: 'Default', hostNetwork }), OPTIONS).text).toBe(
        'nameserver 172.18.0.1\noptions ndots:0\n',
      );
    }
  });

  it('None takes everything from dnsConfig; options come in Go map order (§2.8 first example)', () => {
    const r = podResolvConf(
      pod({
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.2.3.4'],
          searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      OPTIONS,
    );
    const lines = r.text.split('\n');
    expect(lines[0]).toBe('search ns1.svc.cluster-domain.example my.dns.search.suffix');
    expect(lines[1]).toBe('nameserver 1.2.3.4');
    expect(new Set(lines[2]?.replace(/^options /, '').split(' '))).toEqual(new Set(['ndots:2', 'edns0']));
    expect(r.optionsOrdered).toBe(false);
  });

  it('dnsConfig searches are appended after cluster and node entries, `.` kept (§2.8 e2e example)', () => {
    const r = podResolvConf(
      pod({ dnsConfig: { nameservers: [], searches: ['.', '_sip._tcp.abc_d.example.com'], options: [] } }),
      withNodeSearch(['home']),
    );
    expect(r.searches).toEqual([
      'default.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'home',
      '.',
      '_sip._tcp.abc_d.example.com',
    ]);
  });

  it('a dnsConfig option overrides the base one by name (§2.4)', () => {
    const r = podResolvConf(
      pod({
        dnsConfig: {
          nameservers: [],
          searches: [],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      OPTIONS,
    );
    expect(r.options).toContainEqual({ name: 'ndots', value: '2' });
    expect(r.options.filter((o) => o.name === 'ndots')).toHaveLength(1);
  });

  it('four nameservers: the fourth is dropped with a DNSConfigForming event (§2.5.1)', () => {
    const r = podResolvConf(
      pod({ dnsConfig: { nameservers: ['1.1.1.1', '8.8.8.8', '9.9.9.9'], searches: [], options: [] } }),
      OPTIONS,
    );
    expect(r.nameservers).toEqual(['10.96.0.10', '1.1.1.1', '8.8.8.8']);
    expect(r.events).toEqual([
      {
        object: 'Pod',
        reason: 'DNSConfigForming',
        message:
          'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8',
      },
    ]);
  });

  it('search limits: 32 paths, entries over 253 chars, 2048 chars cut from the end (§2.5.2-3)', () => {
    const many = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
    expect(
      podResolvConf(pod({ dnsConfig: { nameservers: [], searches: many, options: [] } }), OPTIONS).searches,
    ).toHaveLength(32);
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`; // 255 chars
    const r = podResolvConf(
      pod({ dnsConfig: { nameservers: [], searches: [long, 'ok.example'], options: [] } }),
      OPTIONS,
    );
    expect(r.searches).not.toContain(long);
    expect(r.searches).toContain('ok.example');
    expect(r.events[0]?.message).toMatch(/^Search Line limits were exceeded/);
    const wide = Array.from(
      { length: 12 },
      (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(198)}.example`,
    ); // 208 chars each
    const cut = podResolvConf(pod({ dnsConfig: { nameservers: [], searches: wide, options: [] } }), OPTIONS);
    expect(cut.searches.join(' ').length).toBeLessThanOrEqual(2048);
    expect(cut.searches.at(-1)).toBe(wide[8]); // 3 cluster entries (57 chars) + 9 × 209 = 1938; a tenth would not fit
  });

  it('no clusterDNS: MissingClusterDNS events on pod and node, host behaviour (§2.3 special cases)', () => {
    const r = podResolvConf(pod(), { ...OPTIONS, clusterDNS: [] });
    expect(r.type).toBe('host');
    expect(r.events.map((e) => [e.object, e.reason])).toEqual([
      ['Pod', 'MissingClusterDNS'],
      ['Node', 'MissingClusterDNS'],
    ]);
  });

  it('empty clusterDomain: host search only, still ndots:5 and cluster nameservers (§2.3)', () => {
    const r = podResolvConf(pod(), { ...withNodeSearch(['home']), clusterDomain: '' });
    expect(r.text).toBe('search home\nnameserver 10.96.0.10\noptions ndots:5\n');
  });
});
