/**
 * The kind backend at its process boundary: fake `kind`, `kubectl` and `docker` executables first
 * on PATH (recording argv), and a fake Kubernetes API for the REST calls (kube/testkit.ts).
 * Expected command lines follow kind v0.32.0's CLI (pkg/cmd/kind/create/cluster/createcluster.go:
 * --name, --config, --kubeconfig, --retain, --wait; export/logs/logs.go: `export logs [dir]`;
 * load/docker-image; delete/cluster/deletecluster.go).
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { KIND_DEFAULTS } from '../../cluster/options.ts';
import type { KubeObject } from '../../cluster/types.ts';
import { EnvironmentError } from '../../errors.ts';
import {
  digAnswer,
  FakeApi,
  type FakeBin,
  fakeBin,
  getentAnswer,
  ORIGINAL_COREFILE,
} from '../kube/testkit.ts';
import { messagesOf } from '../types.ts';

const cleanups: (() => unknown)[] = [];
// The run's cleanup registry (src/run/cleanup.ts): what SIGINT runs. Captured to be run by hand.
vi.mock('../../run/cleanup.ts', () => ({ onCleanup: (fn: () => unknown) => void cleanups.push(fn) }));

const { createKindBackend } = await import('./backend.ts');
const { clusterName, kindConfigYAML, DEFAULT_NODE_IMAGE } = await import('./config.ts');

let dir: string;
let api: FakeApi;
let bin: FakeBin;
const savedEnv = { PATH: process.env.PATH, DNSCONFORM_CACHE: process.env.DNSCONFORM_CACHE };
let logs: string[];

function ctx(signal = new AbortController().signal) {
  return { log: (m: string) => void logs.push(m), signal };
}

const FAST = { settleMs: 3000, corednsMs: 1500, createMs: 10_000 };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dnsconform-kind-'));
  api = new FakeApi();
  await api.start();
  bin = fakeBin(dir, api);
  process.env.PATH = bin.path;
  process.env.DNSCONFORM_CACHE = join(dir, 'cache');
  logs = [];
  cleanups.length = 0;
});

afterEach(async () => {
  process.env.PATH = savedEnv.PATH;
  if (savedEnv.DNSCONFORM_CACHE === undefined) delete process.env.DNSCONFORM_CACHE;
  else process.env.DNSCONFORM_CACHE = savedEnv.DNSCONFORM_CACHE;
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NAME = clusterName(kindConfigYAML(KIND_DEFAULTS, DEFAULT_NODE_IMAGE));

const SCENARIO: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test-1' } },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web-service', namespace: 'test-1' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'test-1', labels: { app: 'web' } },
    spec: {
      hostname: 'foo',
      subdomain: 'bar',
      containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 80 }] }],
      volumes: [{ name: 'cfg', configMap: { name: 'missing' } }],
    },
  },
];

function kindCalls(): string[] {
  return bin.calls('kind').map((argv) => argv.join(' '));
}

describe('kind backend', () => {
  test('whole flow: create, Corefile swap, apply, read back, wire and tool queries, delete', async () => {
    const reportDir = join(dir, 'report');
    const kind = createKindBackend({ reportDir, timeouts: FAST }, ctx());
    await kind.provision(KIND_DEFAULTS);

    const kubeconfig = join(dir, 'cache', 'kind', `${NAME}.kubeconfig`);
    const create = kindCalls().find((c) => c.startsWith('create cluster'));
    expect(create).toBe(
      `create cluster --name ${NAME} --config ${join(dir, 'cache', 'kind', `${NAME}.yaml`)} --kubeconfig ${kubeconfig} --retain --wait 120s`,
    );
    // Probe images are looked up locally (absent here, so nothing is loaded).
    expect(bin.calls('docker').map((a) => a.slice(0, 2).join(' '))).toContain('image inspect');
    expect(kindCalls().some((c) => c.startsWith('load docker-image'))).toBe(false);

    const corefile = ORIGINAL_COREFILE.replace('ttl 30', 'ttl 5');
    const inForce = await kind.setCorefile(corefile, undefined);
    expect(inForce).toEqual({ corednsVersion: '1.14.2', text: corefile, rewrites: [] });
    expect(api.corefile()).toBe(corefile);
    const restarts = () =>
      api.calls.filter(
        (c) =>
          c.method === 'PATCH' &&
          c.path.endsWith('/deployments/coredns') &&
          JSON.stringify(c.body).includes('restartedAt'),
      ).length;
    expect(restarts()).toBe(1);
    // The same Corefile again (next scenario, same variant): no restart.
    await kind.setCorefile(corefile, undefined);
    expect(restarts()).toBe(1);

    await kind.apply(SCENARIO);
    const pod = api.get('pods', 'test-1', 'debug');
    expect(pod?.spec.hostname).toBe('foo');
    expect(pod?.spec.subdomain).toBe('bar');
    expect(pod?.spec.volumes).toBeUndefined();
    expect(pod?.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`)).toEqual([
      'glibc=registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7',
      'musl=docker.io/library/alpine:3.20',
    ]);
    expect(pod?.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 80 }]);
    // Server-side apply, under our field manager.
    const applyCall = api.calls.find(
      (c) => c.method === 'PATCH' && c.path === '/api/v1/namespaces/test-1/pods/debug',
    );
    expect(applyCall?.contentType).toBe('application/apply-patch+yaml');

    const state = await kind.readState();
    const ids = state.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(ids).toEqual(
      expect.arrayContaining([
        'Namespace//test-1',
        'Service/test-1/web-service',
        'EndpointSlice/test-1/web-service-abcde',
        'Pod/test-1/debug',
        'ConfigMap/kube-system/coredns',
        'Deployment/kube-system/coredns',
      ]),
    );
    expect(state.objects.every((o) => o.apiVersion && o.kind)).toBe(true);

    // Wire: dig from the wire probe pod to the kube-dns ClusterIP; the real capture parses back.
    digAnswer(bin, 'web-service.default.svc.cluster.local', 'dig-answer.txt');
    const [answer] = messagesOf(
      await kind.queryWire([{ name: 'web-service.default.svc.cluster.local.', type: 'A' }], 'udp'),
    );
    expect(answer?.rcode).toBe('NOERROR');
    expect(answer?.answer).toEqual([
      { name: 'web-service.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.107.37.188' },
    ]);
    const wireExec = bin.calls('kubectl').find((a) => a.includes('dnsconform-wire'));
    expect(wireExec).toEqual(
      expect.arrayContaining([
        '--kubeconfig',
        kubeconfig,
        '--context',
        `kind-${NAME}`,
        'exec',
        '-i',
        'dnsconform-wire',
      ]),
    );
    expect(bin.kubectlInputs().some((s) => s.includes('dig @10.96.0.10 +tries=1 +time=2'))).toBe(true);

    // Tools: one kubectl exec for the whole batch in the glibc container.
    getentAnswer(
      bin,
      'alias.default',
      '10.107.37.188   web-service.default.svc.cluster.local alias.default.svc.cluster.local\n',
    );
    const before = bin.calls('kubectl').length;
    const results = await kind.runTools('test-1/debug', [
      { tool: 'dig', name: 'web-service.default.svc.cluster.local', type: 'A' },
      { tool: 'getent', name: 'alias.default' },
      { tool: 'getent', name: 'nope' },
      { tool: 'dig', name: 'nope.test', type: 'A' },
    ]);
    expect(bin.calls('kubectl').length).toBe(before + 1);
    expect(bin.calls('kubectl').at(-1)).toEqual(
      expect.arrayContaining(['-n', 'test-1', 'debug', '-c', 'glibc', '--', 'sh', '-s']),
    );
    const outcomes = results.map((r) => ('skipped' in r ? r.skipped : r.outcome.status));
    expect(outcomes).toEqual(['ok', 'ok', 'not-found', 'not-found']);
    const getent = results[1];
    expect(getent && 'outcome' in getent ? getent.outcome.addresses : []).toEqual(['10.107.37.188']);

    await kind.teardown();
    expect(kindCalls()).toContain(`delete cluster --name ${NAME} --kubeconfig ${kubeconfig}`);
    expect(readFileSync(join(dir, 'clusters'), 'utf8').trim()).toBe('');
    expect(existsSync(kubeconfig)).toBe(false);
    // Safe to call twice.
    await kind.teardown();
    expect(kindCalls().filter((c) => c.startsWith('delete cluster'))).toHaveLength(1);
  });

  test('ping sends ICMP only to pods of the scenario; other addresses are reported, not pinged', async () => {
    const kind = createKindBackend({ timeouts: FAST }, ctx());
    await kind.provision(KIND_DEFAULTS);
    await kind.apply(SCENARIO);
    const podIP = api.get('pods', 'test-1', 'debug')?.status.podIP as string;
    getentAnswer(
      bin,
      'foo.bar',
      `${podIP}      STREAM foo.bar.test-1.svc.cluster.local\n${podIP}      DGRAM  \n`,
    );
    getentAnswer(bin, 'example.com', '93.184.215.14   STREAM example.com\n93.184.215.14   DGRAM  \n');
    const [own, foreign, missing] = await kind.runTools('test-1/debug', [
      { tool: 'ping', name: 'foo.bar' },
      { tool: 'ping', name: 'example.com' },
      { tool: 'ping', name: 'nope' },
    ]);
    const pinged = readFileSync(join(dir, 'pinged'), 'utf8').trim().split('\n');
    expect(pinged).toEqual(['foo.bar', 'nope']);
    expect(own && 'outcome' in own ? own.outcome : undefined).toMatchObject({
      status: 'ok',
      answeredBy: 'foo.bar.',
      addresses: [podIP],
    });
    expect(foreign && 'outcome' in foreign ? foreign.outcome : undefined).toMatchObject({
      status: 'ok',
      answeredBy: 'example.com.',
      addresses: ['93.184.215.14'],
    });
    expect(foreign && 'stdout' in foreign ? foreign.stdout : '').toContain('ICMP not sent');
    // ping's own message tells why a name failed (glibc gai_strerror).
    expect(missing && 'outcome' in missing ? missing.outcome.status : '').toBe('not-found');

    // An image without ping: resolvable names are reported from getent, failures are skipped.
    bin.flag('no-ping');
    const [own2, missing2] = await kind.runTools('test-1/debug', [
      { tool: 'ping', name: 'foo.bar' },
      { tool: 'ping', name: 'nope' },
    ]);
    expect(own2 && 'outcome' in own2 ? own2.outcome.addresses : []).toEqual([podIP]);
    expect(missing2).toEqual({ skipped: expect.stringContaining('ping is not in the glibc probe image') });
    await kind.teardown();
  });

  test('kind create fails: one-line error, logs exported, nothing left behind', async () => {
    bin.flag('create-fails');
    const reportDir = join(dir, 'report');
    const kind = createKindBackend({ reportDir, timeouts: FAST }, ctx());
    const err = await kind.provision(KIND_DEFAULTS).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(
      /^kind create cluster failed: ERROR: failed to create cluster: .*exit status 1/,
    );
    expect((err as Error).message).not.toContain('\n');
    const logsDir = join(reportDir, 'kind-logs', NAME);
    expect(kindCalls()).toContain(`export logs ${logsDir} --name ${NAME}`);
    expect(kindCalls().some((c) => c.startsWith(`delete cluster --name ${NAME}`))).toBe(true);
    expect(existsSync(join(dir, 'cache', 'kind', `${NAME}.kubeconfig`))).toBe(false);
    // Teardown afterwards has nothing more to do.
    await kind.teardown();
    expect(kindCalls().filter((c) => c.startsWith('delete cluster'))).toHaveLength(1);
  });

  test('no Docker engine: says so before running kind', async () => {
    bin.flag('docker-down');
    const kind = createKindBackend({ timeouts: FAST }, ctx());
    const err = await kind.provision(KIND_DEFAULTS).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toMatch(
      /^docker engine not reachable: Cannot connect to the Docker daemon/,
    );
    expect(kindCalls()).toEqual([]);
  });

  test('rollout times out: the previous Corefile is restored and the cluster logs exported', async () => {
    const reportDir = join(dir, 'report');
    const kind = createKindBackend({ reportDir, timeouts: FAST }, ctx());
    await kind.provision(KIND_DEFAULTS);
    const err = await kind.setCorefile('.:53 {\n    BROKEN\n}\n', undefined).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /CoreDNS did not come up with the scenario's Corefile: timed out after/,
    );
    expect((err as Error).message).toContain('CoreDNS logged: [ERROR] plugin/errors');
    expect((err as Error).message).toContain('the previous Corefile is back in force');
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
    expect(kindCalls()).toContain(`export logs ${join(reportDir, 'kind-logs', NAME)} --name ${NAME}`);
    await kind.teardown();
  });

  test('SIGINT mid-run: the cleanup registry deletes the cluster', async () => {
    const controller = new AbortController();
    const kind = createKindBackend({ timeouts: { ...FAST, corednsMs: 20_000 } }, ctx(controller.signal));
    await kind.provision(KIND_DEFAULTS);
    await kind.apply(SCENARIO);
    api.hangRollout = true;
    api.onRestart = () => setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 200);
    const err = await kind
      .setCorefile(ORIGINAL_COREFILE.replace('ttl 30', 'ttl 1'), undefined)
      .catch((e: Error) => e);
    expect((err as Error).message).toBe('interrupted by SIGINT');
    expect(cleanups).toHaveLength(1);
    await Promise.all(cleanups.map((fn) => fn()));
    expect(kindCalls().some((c) => c.startsWith(`delete cluster --name ${NAME}`))).toBe(true);
    expect(readFileSync(join(dir, 'clusters'), 'utf8').trim()).toBe('');
  });

  test('SIGINT while kind creates the cluster: the half-made cluster is deleted', async () => {
    bin.flag('create-hangs');
    const controller = new AbortController();
    const kind = createKindBackend({ timeouts: FAST }, ctx(controller.signal));
    setTimeout(() => controller.abort(new Error('interrupted by SIGINT')), 300);
    const err = await kind.provision(KIND_DEFAULTS).catch((e: Error) => e);
    expect((err as Error).message).toBe('interrupted by SIGINT');
    await Promise.all(cleanups.map((fn) => fn()));
    expect(kindCalls().some((c) => c.startsWith(`delete cluster --name ${NAME}`))).toBe(true);
  });

  test('--keep: the cluster stays (emptied of the scenario) and the next run reuses it', async () => {
    const first = createKindBackend({ keep: true, timeouts: FAST }, ctx());
    await first.provision(KIND_DEFAULTS);
    await first.apply(SCENARIO);
    await first.teardown();
    expect(kindCalls().some((c) => c.startsWith('delete cluster'))).toBe(false);
    expect(api.namespaces()).not.toContain('test-1');
    expect(api.get('pods', 'test-1', 'debug')).toBeUndefined();

    const second = createKindBackend({ timeouts: FAST }, ctx());
    await second.provision(KIND_DEFAULTS);
    expect(kindCalls().filter((c) => c.startsWith('create cluster'))).toHaveLength(1);
    expect(kindCalls()).toContain(`get kubeconfig --name ${NAME}`);
    await second.teardown();
    // Not created by this run: left alone.
    expect(kindCalls().some((c) => c.startsWith('delete cluster'))).toBe(false);
  });

  test('probe images present locally are loaded into the nodes (offline use)', async () => {
    bin.flag('image-present');
    const kind = createKindBackend({ timeouts: FAST }, ctx());
    await kind.provision(KIND_DEFAULTS);
    expect(kindCalls()).toEqual(
      expect.arrayContaining([
        `load docker-image registry.k8s.io/e2e-test-images/jessie-dnsutils:1.7 --name ${NAME}`,
        `load docker-image docker.io/library/alpine:3.20 --name ${NAME}`,
      ]),
    );
    await kind.teardown();
  });

  test('a CoreDNS version other than the node image’s swaps the image (kubeadm registry)', async () => {
    const kind = createKindBackend({ timeouts: FAST }, ctx());
    await kind.provision(KIND_DEFAULTS);
    const inForce = await kind.setCorefile(ORIGINAL_COREFILE, '1.12.0');
    expect(inForce.corednsVersion).toBe('1.12.0');
    const image = api.get('deployments', 'kube-system', 'coredns')?.spec.template.spec.containers[0].image;
    expect(image).toBe('registry.k8s.io/coredns/coredns:v1.12.0');
    await kind.teardown();
  });
});
