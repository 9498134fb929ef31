/**
 * The existing backend against a fake Kubernetes API (kube/testkit.ts) and a fake kubectl: the
 * foreign-context refusal, read-only prediction against the cluster's own Corefile, scratch
 * namespaces (always deleted), and the Corefile swap with backup and restore on every exit path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { KIND_DEFAULTS } from '../../cluster/options.ts';
import type { KubeObject } from '../../cluster/types.ts';
import { EnvironmentError } from '../../errors.ts';
import { FakeApi, type FakeBin, fakeBin, ORIGINAL_COREFILE } from '../kube/testkit.ts';

const cleanups: (() => unknown)[] = [];
// The run's cleanup registry (src/run/cleanup.ts): what SIGINT runs. Captured to be run by hand.
vi.mock('../../run/cleanup.ts', () => ({ onCleanup: (fn: () => unknown) => void cleanups.push(fn) }));

const { createExistingBackend, isDnsconformContext } = await import('./backend.ts');

let dir: string;
let api: FakeApi;
let bin: FakeBin;
const savedPath = process.env.PATH;
let logs: string[];

function ctx(signal = new AbortController().signal) {
  return { log: (m: string) => void logs.push(m), signal };
}

function kubeconfig(context: string): string {
  const file = join(dir, `${context}.kubeconfig`);
  writeFileSync(file, api.kubeconfig(context));
  return file;
}

const DNSCONFORM_CONTEXT = 'kind-dnsconform-0123456789ab';
const FAST = { settleMs: 3000, corednsMs: 1500 };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dnsconform-existing-'));
  api = new FakeApi();
  await api.start();
  bin = fakeBin(dir, api);
  process.env.PATH = bin.path;
  logs = [];
  cleanups.length = 0;
});

afterEach(async () => {
  process.env.PATH = savedPath;
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
});

const SCENARIO: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web-service', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  },
];

const scratchNamespaces = () => api.namespaces().filter((n) => n.startsWith('dnsconform-'));

describe('existing backend', () => {
  test('the context names kind gives dnsconform clusters are recognised, others not', () => {
    // kind prefixes contexts with `kind-` (pkg/cluster/internal/kubeconfig); names are dnsconform-<12 hex>.
    expect(isDnsconformContext('kind-dnsconform-0123456789ab')).toBe(true);
    expect(isDnsconformContext('kind-kind')).toBe(false);
    expect(isDnsconformContext('dnsconform-0123456789ab')).toBe(false);
    expect(isDnsconformContext('kind-dnsconform-prod')).toBe(false);
    expect(isDnsconformContext('arn:aws:eks:eu-west-1:1:cluster/prod')).toBe(false);
  });

  test('refuses a foreign context before sending a single request', async () => {
    const backend = createExistingBackend({ kubeconfig: kubeconfig('prod'), timeouts: FAST }, ctx());
    const err = await backend.provision(KIND_DEFAULTS).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as Error).message).toBe(
      "context 'prod' is not a dnsconform kind cluster (kind-dnsconform-*): dnsconform would create namespaces there; pass --allow-foreign-cluster to allow it",
    );
    expect(api.calls).toEqual([]);
    await backend.teardown();
    expect(api.calls).toEqual([]);
  });

  test('read-only: predicts against the cluster’s Corefile, scenario in scratch namespaces, all deleted', async () => {
    const backend = createExistingBackend(
      { kubeconfig: kubeconfig('prod'), allowForeignCluster: true, timeouts: FAST },
      ctx(),
    );
    await backend.provision(KIND_DEFAULTS);
    const inForce = await backend.setCorefile('.:53 {\n    whoami\n}\n', '1.11.3');
    expect(inForce).toEqual({ corednsVersion: '1.14.2', text: ORIGINAL_COREFILE, rewrites: [] });
    expect(api.writes().filter((w) => w.includes('kube-system'))).toEqual([]);

    await backend.apply(SCENARIO);
    const scratch = `dnsconform-${backend.runId}-default`;
    expect(scratchNamespaces()).toEqual([scratch]);
    expect(api.get('namespaces', '', scratch)?.metadata.labels).toEqual({
      'dnsconform.io/run': backend.runId,
    });
    expect(api.get('pods', scratch, 'debug')).toBeDefined();
    expect(api.get('pods', 'default', 'debug')).toBeUndefined();

    // Read back in the scenario's names; the real `default` (its kubernetes Service) is hidden.
    const state = await backend.readState();
    const ids = state.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(ids).toContain('Pod/default/debug');
    expect(ids).toContain('Service/default/web-service');
    expect(ids).toContain('Namespace//default');
    expect(ids).not.toContain('Service/default/kubernetes');
    expect(ids.some((id) => id.includes(scratch))).toBe(false);

    // Names asked go in mapped; what comes back is mapped back (a capture with the scratch name).
    const capture = readFileSync(
      join(import.meta.dirname, '../../probe/parsers/fixtures/dig-answer.txt'),
      'utf8',
    ).replaceAll('.default.', `.${scratch}.`);
    writeFileSync(join(bin.dir, 'dig', `web-service.${scratch}.svc.cluster.local`), capture);
    const run = await backend.runTool('default/debug', 'dig', 'web-service.default.svc.cluster.local', 'A');
    expect('outcome' in run && run.outcome.records).toEqual([
      { name: 'web-service.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.107.37.188' },
    ]);
    const script = bin.kubectlInputs().at(-1) ?? '';
    expect(script).toContain(`'web-service.${scratch}.svc.cluster.local'`);
    expect(bin.calls('kubectl').at(-1)).toEqual(
      expect.arrayContaining(['--context', 'prod', '-n', scratch, 'debug']),
    );

    await backend.teardown();
    expect(scratchNamespaces()).toEqual([]);
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
  });

  test('--allow-corefile-change: original backed up, swapped, restored at the end', async () => {
    const reportDir = join(dir, 'report');
    const backend = createExistingBackend(
      { kubeconfig: kubeconfig(DNSCONFORM_CONTEXT), allowCorefileChange: true, reportDir, timeouts: FAST },
      ctx(),
    );
    await backend.provision(KIND_DEFAULTS);
    await backend.apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test-1' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'a', namespace: 'test-1' },
        spec: { clusterIP: 'None' },
      },
    ]);
    const scenario = '.:53 {\n    kubernetes cluster.local {\n        namespaces test-1\n    }\n}\n';
    const inForce = await backend.setCorefile(scenario, undefined);
    const scratch = `dnsconform-${backend.runId}-test-1`;
    expect(api.corefile()).toBe(scenario.replace('namespaces test-1', `namespaces ${scratch}`));
    expect(inForce.text).toBe(scenario);
    expect(inForce.rewrites).toEqual([
      {
        line: 3,
        from: 'namespaces test-1',
        to: `namespaces ${scratch}`,
        why: 'scenario namespaces run in scratch namespaces on an existing cluster',
      },
    ]);
    expect(readFileSync(join(reportDir, 'coredns-backup', 'Corefile'), 'utf8')).toBe(ORIGINAL_COREFILE);

    await backend.teardown();
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
    expect(scratchNamespaces()).toEqual([]);
  });

  test('rollout times out: the original Corefile is back and the error says so', async () => {
    const backend = createExistingBackend(
      {
        kubeconfig: kubeconfig(DNSCONFORM_CONTEXT),
        allowCorefileChange: true,
        reportDir: join(dir, 'r'),
        timeouts: FAST,
      },
      ctx(),
    );
    await backend.provision(KIND_DEFAULTS);
    const err = await backend.setCorefile('.:53 {\n    BROKEN\n}\n', undefined).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/timed out after 2s waiting for CoreDNS to be ready/);
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
    await backend.teardown();
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
  });

  test('SIGINT mid-run: the cleanup registry restores the Corefile and deletes the scratch namespaces', async () => {
    const controller = new AbortController();
    const backend = createExistingBackend(
      {
        kubeconfig: kubeconfig(DNSCONFORM_CONTEXT),
        allowCorefileChange: true,
        reportDir: join(dir, 'r'),
        timeouts: { settleMs: 3000, corednsMs: 20_000 },
      },
      ctx(controller.signal),
    );
    await backend.provision(KIND_DEFAULTS);
    await backend.apply(SCENARIO);
    // Ctrl-C while CoreDNS restarts with the scenario's Corefile.
    api.hangRollout = true;
    api.onRestart = () => {
      api.onRestart = () => {};
      setTimeout(() => {
        api.hangRollout = false;
        controller.abort(new Error('interrupted by SIGINT'));
      }, 200);
    };
    const err = await backend.setCorefile('.:53 {\n    whoami\n}\n', undefined).catch((e: Error) => e);
    expect((err as Error).message).toBe('interrupted by SIGINT');
    expect(api.corefile()).toBe('.:53 {\n    whoami\n}\n');
    expect(cleanups).toHaveLength(1);
    await Promise.all(cleanups.map((fn) => fn()));
    expect(api.corefile()).toBe(ORIGINAL_COREFILE);
    expect(scratchNamespaces()).toEqual([]);
    // The restore restarted CoreDNS (a second restart after the interrupted one).
    const restarts = api.calls.filter(
      (c) =>
        c.method === 'PATCH' &&
        c.path.endsWith('/deployments/coredns') &&
        JSON.stringify(c.body).includes('restartedAt'),
    );
    expect(restarts).toHaveLength(2);
  });

  test('a failing step still deletes the scratch namespaces', async () => {
    const backend = createExistingBackend(
      { kubeconfig: kubeconfig(DNSCONFORM_CONTEXT), timeouts: FAST },
      ctx(),
    );
    await backend.provision(KIND_DEFAULTS);
    const err = await backend
      .apply([
        ...SCENARIO,
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' } },
      ])
      .catch((e: Error) => e);
    expect((err as Error).message).toMatch(/Widget/);
    expect(scratchNamespaces().length).toBeGreaterThan(0);
    await backend.teardown();
    expect(scratchNamespaces()).toEqual([]);
  });
});
