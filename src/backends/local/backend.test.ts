/**
 * The local backend with a real CoreDNS 1.12.4 (from the cache; skipped with the reason when it is
 * missing) against the harness's API endpoint, on loopback. Expected answers come from the
 * reference (shared/reference/coredns-kubernetes.md §12 worked examples, §6.1–6.2, §4.4) — the
 * Corefile is the kind/kubeadm one without cache and loadbalance, so TTLs are the plugin's 30.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_DEFAULTS } from '../../cluster/options.ts';
import type { KubeObject } from '../../cluster/types.ts';
import type { DnsMessage, ResourceRecord } from '../../dns/message.ts';
import { InputError } from '../../errors.ts';
import { messagesOf } from '../types.ts';
import { cachedBinaryPath } from './binary.ts';
import { createLocalBackend, type LocalBackend } from './index.ts';
import { netnsCapability } from './network.ts';

const VERSION = '1.12.4';
const ROOT = new URL('../../../', import.meta.url).pathname;
const missing = existsSync(cachedBinaryPath(VERSION))
  ? ''
  : `no CoreDNS ${VERSION} at ${cachedBinaryPath(VERSION)}`;
if (missing)
  console.log(`skipping local backend tests: ${missing} (bash scripts/install-coredns ${VERSION})`);

const COREFILE = `.:53 {
    errors
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . /etc/resolv.conf
}
`;
const UPSTREAM: ResourceRecord[] = [{ name: 'example.com.', type: 'A', ttl: 300, data: '192.0.2.10' }];

const web: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { clusterIP: '10.96.12.34', clusterIPs: ['10.96.12.34'], ports: [{ name: 'http', port: 80 }] },
};
const db: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'db', namespace: 'default' },
  spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'mysql', port: 3306 }] },
};
/** Headless db: three ready endpoints (one with hostname db-0) and one not ready. */
function dbSlice(ready: boolean[]): KubeObject {
  const ips = ['10.244.1.5', '10.244.1.6', '10.244.1.7', '10.244.1.8'];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
    addressType: 'IPv4',
    ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
    endpoints: ready.map((r, i) => ({
      addresses: [ips[i]],
      conditions: { ready: r },
      ...(i === 0 ? { hostname: 'db-0' } : {}),
    })),
  };
}

/** SOA data without the serial (CoreDNS derives it from the time). */
const soa = (m: DnsMessage) =>
  m.authority.map((r) => ({ ...r, data: r.data.replace(/^(\S+ \S+) \d+ /, '$1 SERIAL ') }));
const sorted = (rs: ResourceRecord[]) => [...rs].sort((a, b) => a.data.localeCompare(b.data));

describe.skipIf(missing !== '')(`local backend with CoreDNS ${VERSION}`, () => {
  let backend: LocalBackend;
  const logs: string[] = [];

  beforeAll(async () => {
    backend = createLocalBackend(
      { netns: false, debug: true },
      { log: (l) => logs.push(l), signal: new AbortController().signal },
    );
    await backend.provision(KIND_DEFAULTS);
    await backend.setCorefile(COREFILE, VERSION, { files: {}, upstream: UPSTREAM });
    await backend.apply([web, db, dbSlice([true, true, true, false])]);
  }, 60_000);
  afterAll(() => backend.teardown());

  it('ClusterIP A: NOERROR aa, the ClusterIP with TTL 30, RA never set (§12, §6.1)', async () => {
    const [m] = messagesOf(
      await backend.queryWire([{ name: 'web.default.svc.cluster.local.', type: 'A' }], 'udp'),
    );
    expect(m?.rcode).toBe('NOERROR');
    expect(m?.flags).toEqual({ aa: true, tc: false, rd: true, ra: false });
    expect(m?.answer).toEqual([
      { name: 'web.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.12.34' },
    ]);
  });

  it('missing service: NXDOMAIN with the zone SOA in authority, TTL 30 (§12, §4.9)', async () => {
    const [m] = messagesOf(
      await backend.queryWire([{ name: 'nope.default.svc.cluster.local.', type: 'A' }], 'tcp'),
    );
    expect(m?.rcode).toBe('NXDOMAIN');
    expect(m?.answer).toEqual([]);
    expect(soa(m as DnsMessage)).toEqual([
      {
        name: 'cluster.local.',
        type: 'SOA',
        ttl: 30,
        data: 'ns.dns.cluster.local. hostmaster.cluster.local. SERIAL 7200 1800 86400 30',
      },
    ]);
  });

  it('AAAA of a single-stack IPv4 service: NODATA (NOERROR, SOA only) (§12)', async () => {
    const [m] = messagesOf(
      await backend.queryWire([{ name: 'web.default.svc.cluster.local.', type: 'AAAA' }], 'udp'),
    );
    expect(m?.rcode).toBe('NOERROR');
    expect(m?.answer).toEqual([]);
    expect(m?.authority.map((r) => r.type)).toEqual(['SOA']);
  });

  it('headless service: one A per ready endpoint, the not-ready one left out (§12, §1.1)', async () => {
    const [m] = messagesOf(
      await backend.queryWire([{ name: 'db.default.svc.cluster.local.', type: 'A' }], 'udp'),
    );
    expect(sorted(m?.answer ?? []).map((r) => `${r.ttl} ${r.data}`)).toEqual([
      '30 10.244.1.5',
      '30 10.244.1.6',
      '30 10.244.1.7',
    ]);
  });

  it('SRV of a named port: weight floor(100/3), targets hostname or dashed IP, glue A (§12, §4.4)', async () => {
    const [m] = messagesOf(
      await backend.queryWire([{ name: '_mysql._tcp.db.default.svc.cluster.local.', type: 'SRV' }], 'udp'),
    );
    expect(sorted(m?.answer ?? []).map((r) => r.data)).toEqual([
      '0 33 3306 10-244-1-6.db.default.svc.cluster.local.',
      '0 33 3306 10-244-1-7.db.default.svc.cluster.local.',
      '0 33 3306 db-0.db.default.svc.cluster.local.',
    ]);
    expect(sorted(m?.additional ?? []).map((r) => `${r.name} ${r.data}`)).toEqual([
      'db-0.db.default.svc.cluster.local. 10.244.1.5',
      '10-244-1-6.db.default.svc.cluster.local. 10.244.1.6',
      '10-244-1-7.db.default.svc.cluster.local. 10.244.1.7',
    ]);
  });

  it('a name outside the cluster zone goes through forward to the fake upstream', async () => {
    const [m] = messagesOf(await backend.queryWire([{ name: 'example.com.', type: 'A' }], 'udp'));
    expect(m?.answer).toEqual([{ name: 'example.com.', type: 'A', ttl: 300, data: '192.0.2.10' }]);
  });

  it('a scenario step reaches CoreDNS through watch: no ready endpoint left → NXDOMAIN (§6.2)', async () => {
    await backend.apply([web, db, dbSlice([false, false, false, false])]);
    const [gone] = messagesOf(
      await backend.queryWire([{ name: 'db.default.svc.cluster.local.', type: 'A' }], 'udp'),
    );
    expect(gone?.rcode).toBe('NXDOMAIN');
    await backend.apply([web, db, dbSlice([true, true, true, false])]);
    const [back] = messagesOf(
      await backend.queryWire([{ name: 'db.default.svc.cluster.local.', type: 'A' }], 'udp'),
    );
    expect(back?.answer).toHaveLength(3);
  });

  it('the rewrites are listed with the line of the scenario Corefile they change', async () => {
    const inForce = await backend.setCorefile(COREFILE, VERSION, { files: {}, upstream: UPSTREAM });
    expect(inForce.corednsVersion).toBe(VERSION);
    expect(inForce.rewrites.map((r) => [r.line, r.from])).toEqual([
      [1, '.:53'],
      [1, ''],
      [3, 'ready'],
      [4, ''],
      [9, 'forward . /etc/resolv.conf'],
    ]);
    expect(logs.some((l) => l.startsWith('api: GET /api/v1/services?'))).toBe(true);
  }, 30_000);

  it('a Corefile CoreDNS refuses → InputError with its own message at the scenario line', async () => {
    const bad = '.:53 {\n    kubernetes cluster.local {\n        no_such_option\n    }\n}\n';
    const e = await backend.setCorefile(bad, VERSION).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.message).toMatch(/CoreDNS refused the Corefile: .*unknown property 'no_such_option'/);
    expect(err.where?.line).toBe(3);
  }, 30_000);
});

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether anything of a run is left: the CoreDNS process, its ports, the API endpoint, the directory. */
async function leftovers(d: Record<string, string>): Promise<string[]> {
  const out: string[] = [];
  if (alive(Number(d.corednsPid))) out.push(`CoreDNS pid ${d.corednsPid}`);
  const [host, port] = (d.dns as string).split(':');
  if (await portOpen(host as string, Number(port))) out.push(`DNS port ${d.dns}`);
  const api = new URL(d.api as string);
  if (await portOpen(api.hostname, Number(api.port))) out.push(`API endpoint ${d.api}`);
  if (existsSync(d.dir as string)) out.push(`directory ${d.dir}`);
  return out;
}

describe.skipIf(missing !== '')('nothing outlives the run', () => {
  it('teardown stops CoreDNS, closes the ports and removes the files', async () => {
    const backend = createLocalBackend(
      { netns: false },
      { log: () => undefined, signal: new AbortController().signal },
    );
    await backend.provision(KIND_DEFAULTS);
    await backend.setCorefile(COREFILE, VERSION, { files: {}, upstream: [] });
    const d = backend.details();
    expect(await leftovers(d)).toHaveLength(4);
    await backend.teardown();
    await backend.teardown();
    expect(await leftovers(d)).toEqual([]);
  }, 30_000);

  it('SIGINT mid-run: the cleanup registry removes everything before the process exits', async () => {
    // node itself (not the tsx wrapper) so that the signal reaches the process that owns the run.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('fixtures/local-child.ts', import.meta.url).pathname],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const line = await new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const l = out.split('\n').find((x) => x.startsWith('ready '));
          if (l) resolve(l);
        });
      });
      const d = JSON.parse(line.slice('ready '.length)) as Record<string, string>;
      expect(await leftovers(d)).toHaveLength(4);
      child.kill('SIGINT');
      await exited;
      expect(await leftovers(d)).toEqual([]);
    } finally {
      // A failed assertion must not leave the child (and its CoreDNS) running.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await exited;
      }
    }
  }, 30_000);
});

/**
 * What each release asks the API for (observed by running them): 1.11.3 and 1.12.4 list with
 * `limit=500&resourceVersion=0` then watch from the list's version; 1.14.7's client-go uses the
 * WatchList protocol (`sendInitialEvents=true`, initial-events-end bookmark) instead of a list.
 */
const RELEASES: { version: string; firstRequest: RegExp }[] = [
  { version: '1.11.3', firstRequest: /^GET \/api\/v1\/services\?limit=500&resourceVersion=0$/ },
  {
    version: '1.14.7',
    firstRequest: /^GET \/api\/v1\/services\?allowWatchBookmarks=true&.*sendInitialEvents=true.*watch=true$/,
  },
];

describe.each(RELEASES)('CoreDNS $version follows watch updates', ({ version, firstRequest }) => {
  const absent = existsSync(cachedBinaryPath(version)) ? '' : `no CoreDNS ${version} in the cache`;
  it.skipIf(absent !== '')(
    'serves the ClusterIP, then the changed one after a step',
    async () => {
      const logs: string[] = [];
      const backend = createLocalBackend(
        { netns: false, debug: true },
        { log: (l) => logs.push(l), signal: new AbortController().signal },
      );
      try {
        await backend.provision(KIND_DEFAULTS);
        await backend.setCorefile(COREFILE, version, { files: {}, upstream: [] });
        await backend.apply([web]);
        const q = [{ name: 'web.default.svc.cluster.local.', type: 'A' }];
        expect(messagesOf(await backend.queryWire(q, 'udp'))[0]?.answer.map((r) => r.data)).toEqual([
          '10.96.12.34',
        ]);
        const moved = structuredClone(web);
        (moved.spec as { clusterIP: string; clusterIPs: string[] }).clusterIP = '10.96.12.35';
        (moved.spec as { clusterIP: string; clusterIPs: string[] }).clusterIPs = ['10.96.12.35'];
        await backend.apply([moved]);
        expect(messagesOf(await backend.queryWire(q, 'udp'))[0]?.answer.map((r) => r.data)).toEqual([
          '10.96.12.35',
        ]);
        const services = logs
          .filter((l) => l.startsWith('api: GET /api/v1/services'))
          .map((l) => l.slice('api: '.length));
        expect(services[0]).toMatch(firstRequest);
      } finally {
        await backend.teardown();
      }
    },
    60_000,
  );
});

const netns = await netnsCapability();
if (!netns.ok) console.log(`skipping local backend network namespace test: ${netns.reason}`);

describe.skipIf(missing !== '' || !netns.ok)('in a cluster network namespace', () => {
  it('CoreDNS on the cluster DNS IP; dig +search in a probe pod walks the pod search list (kubelet)', async () => {
    const backend = createLocalBackend({}, { log: () => undefined, signal: new AbortController().signal });
    try {
      await backend.provision(KIND_DEFAULTS);
      const inForce = await backend.setCorefile(COREFILE, VERSION, { files: {}, upstream: UPSTREAM });
      expect(inForce.rewrites.map((r) => r.to)).toContain(
        `bind ${backend.details().dns?.split(':')[0]} 10.96.0.10`,
      );
      const client: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client', namespace: 'default' },
        spec: { containers: [{ name: 'c' }] },
      };
      await backend.apply([web, client]);
      const run = await backend.runTool('default/client', 'dig-search', 'web', 'A');
      expect('outcome' in run && run.outcome).toMatchObject({
        status: 'ok',
        // resolv.conf search default.svc.cluster.local first, ndots:5: the first suffix answers.
        answeredBy: 'web.default.svc.cluster.local.',
        addresses: ['10.96.12.34'],
      });
      expect(await backend.runTool('default/nobody', 'dig', 'web', 'A')).toEqual({
        skipped: 'no pod default/nobody in the cluster',
      });
    } finally {
      await backend.teardown();
    }
  }, 60_000);
});
