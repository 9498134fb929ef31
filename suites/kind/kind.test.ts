/**
 * Live kind suite (opt-in: DNSCONFORM_LIVE=kind; needs a Docker engine, kind or Go, kubectl;
 * DNSCONFORM_KIND_NODE_IMAGE picks the node image).
 * One real cluster from kind's defaults, the kubeadm Corefile, a small scenario, and answers
 * whose expected values come from the Kubernetes DNS spec and kind/kubeadm defaults
 * (shared/reference/kubernetes-dns.md §8: `kubernetes.default` is the service subnet's first
 * address 10.96.0.1, kube-dns the 10th 10.96.0.10, `dns-version` TXT "1.1.0").
 * Without DNSCONFORM_LIVE=kind or without Docker it is skipped, saying why.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createKindBackend, type KindBackend } from '../../src/backends/kind/backend.ts';
import { checkDocker } from '../../src/backends/kind/cli.ts';
import { messagesOf } from '../../src/backends/types.ts';
import { KIND_DEFAULTS } from '../../src/cluster/options.ts';
import type { KubeObject } from '../../src/cluster/types.ts';

const controller = new AbortController();
let skip: string | undefined =
  process.env.DNSCONFORM_LIVE === 'kind' ? undefined : 'set DNSCONFORM_LIVE=kind to run';
if (!skip) {
  try {
    await checkDocker(controller.signal);
  } catch (e) {
    skip = (e as Error).message;
  }
}
if (skip) console.log(`suites/kind skipped: ${skip}`);

const COREFILE = readFileSync(
  join(import.meta.dirname, '../../scenarios/corefiles/kind-default.Corefile'),
  'utf8',
);

const SCENARIO: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'live-1' } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'bar', namespace: 'live-1' },
    spec: { clusterIP: 'None', selector: { app: 'probe' }, ports: [{ name: 'http', port: 80 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'probe', namespace: 'live-1', labels: { app: 'probe' } },
    spec: { hostname: 'foo', subdomain: 'bar', containers: [{ name: 'c', image: 'unused' }] },
  },
];

describe.skipIf(skip)('kind (live)', () => {
  let kind: KindBackend;

  beforeAll(async () => {
    kind = createKindBackend(
      {
        reportDir: join(import.meta.dirname, '../../reports/live-kind'),
        ...(process.env.DNSCONFORM_KIND_NODE_IMAGE
          ? { nodeImage: process.env.DNSCONFORM_KIND_NODE_IMAGE }
          : {}),
      },
      { log: (m) => console.error(m), signal: controller.signal },
    );
    await kind.provision(KIND_DEFAULTS);
    await kind.setCorefile(COREFILE, undefined);
    await kind.apply(SCENARIO);
  }, 900_000);

  afterAll(async () => {
    await kind?.teardown();
  }, 300_000);

  test('wire: the always-present names of a kind cluster', async () => {
    const [api, dns, ptr, version] = messagesOf(
      await kind.queryWire(
        [
          { name: 'kubernetes.default.svc.cluster.local.', type: 'A' },
          { name: 'kube-dns.kube-system.svc.cluster.local.', type: 'A' },
          { name: '10.0.96.10.in-addr.arpa.', type: 'PTR' },
          { name: 'dns-version.cluster.local.', type: 'TXT' },
        ],
        'udp',
      ),
    );
    expect(api?.answer.map((r) => r.data)).toEqual(['10.96.0.1']);
    expect(dns?.answer.map((r) => r.data)).toEqual(['10.96.0.10']);
    expect(ptr?.answer.map((r) => r.data)).toEqual(['kube-dns.kube-system.svc.cluster.local.']);
    expect(version?.answer.map((r) => r.data)).toEqual(['"1.1.0"']);
  }, 120_000);

  test('read back: the scenario pod, its headless service and EndpointSlice, CoreDNS', async () => {
    const state = await kind.readState();
    const ids = state.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    expect(ids).toEqual(
      expect.arrayContaining(['Pod/live-1/probe', 'Service/live-1/bar', 'ConfigMap/kube-system/coredns']),
    );
    expect(state.objects.some((o) => o.kind === 'EndpointSlice' && o.metadata.namespace === 'live-1')).toBe(
      true,
    );
  }, 120_000);

  test('tools in the probe pod: search list, /etc/hosts, the pod’s hostname record', async () => {
    const [search, files, hostname] = await kind.runTools('live-1/probe', [
      { tool: 'dig-search', name: 'kubernetes.default', type: 'A' },
      { tool: 'getent', name: 'foo' },
      { tool: 'dig', name: 'foo.bar.live-1.svc.cluster.local', type: 'A' },
    ]);
    expect(search && 'outcome' in search ? search.outcome.answeredBy : search).toBe(
      'kubernetes.default.svc.cluster.local.',
    );
    // kubelet's managed /etc/hosts maps hostname.subdomain.ns.svc.<domain> and the hostname.
    expect(files && 'outcome' in files ? files.outcome.answeredBy : files).toBe(
      'foo.bar.live-1.svc.cluster.local.',
    );
    expect(hostname && 'outcome' in hostname ? hostname.outcome.status : hostname).toBe('ok');
  }, 120_000);
});
