/**
 * Test helper: a tiny authoritative answerer over a record table, standing in for the wire oracle
 * so the client model can be tested alone. Its data mirrors src/probe/parsers/fixtures/*.zone, the
 * zones the real CoreDNS served when the fixtures were captured, so predictions can be compared
 * with those live outputs. NXDOMAIN vs NODATA follows RFC 8020: a name with records below it exists.
 */
import type { ClusterOptions } from '../../cluster/options.ts';
import type { Pod } from '../../cluster/types.ts';
import type { ResourceRecord } from '../../dns/message.ts';
import type { OracleQuery, Prediction } from '../types.ts';

const rr = (name: string, type: string, data: string): ResourceRecord => ({ name, type, ttl: 30, data });

export const ZONE: ResourceRecord[] = [
  rr('web-service.default.svc.cluster.local.', 'A', '10.107.37.188'),
  rr('bar.default.svc.cluster.local.', 'A', '10.244.4.2'),
  rr('bar.default.svc.cluster.local.', 'A', '10.244.1.5'),
  rr('foo.bar.default.svc.cluster.local.', 'A', '10.244.1.5'),
  rr('foo2.bar.default.svc.cluster.local.', 'A', '10.244.4.2'),
  rr('10-244-4-2.default.pod.cluster.local.', 'A', '10.244.4.2'),
  rr('1-1-1-1.default.pod.cluster.local.', 'A', '1.1.1.1'),
  rr('_foo._tcp.bar.default.svc.cluster.local.', 'SRV', '0 50 1234 foo2.bar.default.svc.cluster.local.'),
  rr('_foo._tcp.bar.default.svc.cluster.local.', 'SRV', '0 50 1234 foo.bar.default.svc.cluster.local.'),
  rr('alias.default.svc.cluster.local.', 'CNAME', 'web-service.default.svc.cluster.local.'),
  rr('txtonly.default.svc.cluster.local.', 'TXT', '"only text"'),
  rr('dual.default.svc.cluster.local.', 'A', '10.96.5.5'),
  rr('dual.default.svc.cluster.local.', 'AAAA', 'fd00:10:96::5'),
  rr('example.com.', 'A', '192.0.2.10'),
  rr('example.com.', 'MX', '10 mail.example.com.'),
  rr('svc.', 'A', '192.0.2.53'),
  rr('web.', 'A', '192.0.2.80'),
];

/** broken.test answers SERVFAIL (a `template` block in the live Corefile). */
export function zoneResolve(q: OracleQuery): Prediction {
  const name = q.name.toLowerCase();
  const flags = { aa: true, tc: false, rd: true, ra: false };
  const message = (rcode: Prediction['message']['rcode'], answer: ResourceRecord[]): Prediction => ({
    query: { name: q.name, type: q.type },
    message: { rcode, flags, answer, authority: [], additional: [] },
    ordered: false,
    explain: [],
    unmodelled: [],
  });
  if (name === 'broken.test.' || name.endsWith('.broken.test.')) return message('SERVFAIL', []);
  const owned = ZONE.filter((r) => r.name === name);
  const cname = owned.find((r) => r.type === 'CNAME');
  if (cname && q.type !== 'CNAME') {
    const target = ZONE.filter((r) => r.name === cname.data && r.type === q.type);
    return message('NOERROR', [cname, ...target]);
  }
  if (owned.length)
    return message(
      'NOERROR',
      owned.filter((r) => r.type === q.type),
    );
  const below = ZONE.some((r) => r.name.endsWith(`.${name}`));
  return message(below ? 'NOERROR' : 'NXDOMAIN', []);
}

/** kind-like cluster options with the seed 003 node search `home` left out (kind `dnsSearch: []`). */
export const OPTIONS: ClusterOptions = {
  clusterDomain: 'cluster.local',
  ipFamily: 'ipv4',
  serviceSubnets: ['10.96.0.0/16'],
  podSubnets: ['10.244.0.0/16'],
  clusterDNS: ['10.96.0.10'],
  nodeResolvConf: { nameservers: ['172.18.0.1'], search: [], options: ['ndots:0'] },
};

export function pod(overrides: Partial<Pod> = {}): Pod {
  return {
    namespace: 'default',
    name: 'debug',
    labels: {},
    hostname: undefined,
    subdomain: undefined,
    setHostnameAsFQDN: false,
    podIP: '10.244.1.5',
    podIPs: ['10.244.1.5'],
    phase: 'Running',
    ready: true,
    deletionTimestamp: undefined,
    hostNetwork: false,
    dnsPolicy: 'ClusterFirst',
    dnsConfig: undefined,
    hostAliases: [],
    nodeName: 'kind-worker',
    ports: [],
    ...overrides,
  };
}
