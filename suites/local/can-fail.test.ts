/**
 * The harness can fail: a wrong prediction, and a CoreDNS running another Corefile than the one
 * predicted for, each end in the right difference in the report. The live side is the real
 * CoreDNS on the local backend; only what the oracle is told is changed. Also here: the runner's
 * TCP re-ask of a truncated UDP reply.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalBackend, type LocalBackend } from '../../src/backends/local/index.ts';
import type { Backend } from '../../src/backends/types.ts';
import { KIND_DEFAULTS } from '../../src/cluster/options.ts';
import type { KubeObject } from '../../src/cluster/types.ts';
import { renderMarkdown } from '../../src/report/index.ts';
import type { ScenarioPlan } from '../../src/run/plan.ts';
import type { QueryResult } from '../../src/run/result.ts';
import { runScenarios } from '../../src/run/runner.ts';
import { DEFAULT_COREFILE } from '../../src/scenario/load.ts';

const controller = new AbortController();
const log: string[] = [];
let local: LocalBackend;

beforeAll(() => {
  local = createLocalBackend({ netns: false }, { log: (l) => log.push(l), signal: controller.signal });
});
afterAll(async () => {
  await local.teardown();
});

const web: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default' },
  spec: { clusterIP: '10.96.0.50', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
};

const corefile = readFileSync(DEFAULT_COREFILE, 'utf8');

function plan(): ScenarioPlan {
  return {
    name: 'can-fail',
    file: 'suites/local/can-fail.test.ts',
    description: 'the harness reports differences',
    cluster: KIND_DEFAULTS,
    variants: [{ name: 'kind-default', corefile, corefileFile: DEFAULT_COREFILE, corednsVersion: '1.14.2' }],
    files: {},
    upstream: [],
    steps: [
      {
        name: 'initial',
        manifests: [web],
        queries: [{ name: 'web.default.svc.cluster.local.', type: 'A' }],
        sweep: 0,
      },
    ],
    deviations: [],
    compare: {},
  };
}

async function runWith(backend: Backend) {
  const result = await runScenarios([plan()], {
    backend,
    dnsconformVersion: 'test',
    log: (l) => log.push(l),
    signal: controller.signal,
  });
  const q = result.scenarios[0]!.variants[0]!.steps[0]!.queries[0] as QueryResult;
  return { result, q, markdown: renderMarkdown(result) };
}

/** The real backend, with one thing changed on its way to or from the harness. */
function altered(change: Partial<Pick<Backend, 'readState' | 'setCorefile' | 'queryWire'>>): Backend {
  return new Proxy(local, {
    get(target, prop, receiver) {
      const own = change[prop as keyof typeof change];
      if (own) return own;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the harness can fail', () => {
  it('passes when nothing is changed (control)', async () => {
    const { q } = await runWith(local);
    expect(q.verdict).toBe('pass');
  }, 60_000);

  it('a wrong prediction: the oracle is shown another ClusterIP than CoreDNS serves', async () => {
    const backend = altered({
      readState: async () => {
        const state = await local.readState();
        return {
          objects: state.objects.map((o) =>
            o.kind === 'Service' && o.metadata.name === 'web'
              ? { ...o, spec: { ...(o.spec as object), clusterIP: '10.96.0.51', clusterIPs: ['10.96.0.51'] } }
              : o,
          ),
        };
      },
    });
    const { q, markdown } = await runWith(backend);
    expect(q.verdict).toBe('diff');
    const answer = q.differences.filter((d) => d.field.startsWith('answer'));
    expect(answer.map((d) => d.expected).join(' ')).toContain('10.96.0.51');
    expect(answer.map((d) => d.live).join(' ')).toContain('10.96.0.50');
    expect(markdown).toContain('web.default.svc.cluster.local.');
    expect(markdown).toContain('10.96.0.51');
  }, 60_000);

  it('a Corefile change: CoreDNS runs ttl 10 where the oracle was given ttl 30', async () => {
    const backend = altered({
      setCorefile: (text, version, support) =>
        local.setCorefile(text.replace('ttl 30', 'ttl 10'), version, support),
    });
    const { q, markdown } = await runWith(backend);
    expect(q.verdict).toBe('diff');
    const ttl = q.differences.find((d) => d.field.includes('ttl'));
    // kubernetes `ttl` sets the record TTL; cache 30 does not raise it (reference §6.4, §8.1).
    expect(ttl).toMatchObject({ expected: '30', live: '10' });
    expect(markdown).toMatch(/ttl/i);
  }, 60_000);

  it('a truncated UDP reply is asked again over TCP, and that answer is the one compared', async () => {
    const transports: string[] = [];
    const backend = altered({
      queryWire: async (questions, transport) => {
        transports.push(transport);
        const replies = await local.queryWire(questions, transport);
        // As CoreDNS does when an answer does not fit: TC set, records dropped (RFC 1035 §4.2.1).
        return transport === 'tcp'
          ? replies
          : replies.map((r) =>
              'error' in r ? r : { ...r, flags: { ...r.flags, tc: true }, answer: [], additional: [] },
            );
      },
    });
    const { q } = await runWith(backend);
    expect(transports).toEqual(['udp', 'tcp']);
    expect(q.verdict).toBe('pass');
    expect(q.live[0]?.transport).toBe('tcp');
    expect(q.rules).toContain('udp-truncated-asked-over-tcp');
  }, 60_000);
});
