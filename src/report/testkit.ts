/**
 * A hand-built run for the report and diff tests: every verdict, a wire and a tool probe, a variant
 * that did not run, and text that needs escaping. Differences are written out by hand.
 */
import { KUBEADM_COREFILE } from '../corefile/testkit.ts';
import type { DnsMessage, ResourceRecord } from '../dns/message.ts';
import { type QueryResult, RUN_FORMAT, type RunResult } from '../run/result.ts';

const rr = (name: string, ttl: number, type: string, data: string): ResourceRecord => ({
  name,
  ttl,
  type,
  data,
});

export function message(over: Partial<DnsMessage> = {}): DnsMessage {
  return {
    rcode: 'NOERROR',
    flags: { aa: true, tc: false, rd: true, ra: true },
    answer: [],
    authority: [],
    additional: [],
    ...over,
  };
}

const WEB = 'web.default.svc.cluster.local.';
const SOA = rr(
  'cluster.local.',
  30,
  'SOA',
  'ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 30',
);
const KUBE_EXPLAIN = [
  'server block .:53 serves cluster.local. — CoreDNS core/dnsserver/server.go',
  `service default/web has cluster IP 10.96.0.10 — CoreDNS plugin/kubernetes/kubernetes.go findServices`,
];

function wire(id: string, name: string, over: Partial<QueryResult>): QueryResult {
  return {
    id,
    probe: { kind: 'wire', transport: 'udp' },
    query: { name, type: 'A' },
    expected: {
      prediction: {
        query: { name, type: 'A' },
        message: message({ answer: [rr(name, 30, 'A', '10.96.0.10')] }),
        ordered: false,
        explain: KUBE_EXPLAIN,
        unmodelled: [],
      },
    },
    live: [{ message: message({ answer: [rr(name, 30, 'A', '10.96.0.10')] }) }],
    verdict: 'pass',
    differences: [],
    rules: ['rcode', 'sections-as-multisets', 'ttl-exact'],
    ...over,
  };
}

export const PASS = wire('initial/web.default.svc.cluster.local./A', WEB, {});

export const DIFF = wire('initial/gone.default.svc.cluster.local./A', 'gone.default.svc.cluster.local.', {
  live: [{ message: message({ rcode: 'NXDOMAIN', authority: [SOA] }) }],
  verdict: 'diff',
  differences: [
    { field: 'rcode', expected: 'NOERROR', live: 'NXDOMAIN' },
    { field: 'answer', expected: 'A 10.96.0.10 (TTL 30)', live: '' },
    { field: 'authority', expected: '', live: `${SOA.name} SOA ${SOA.data} (TTL 30)` },
  ],
});

export const UNSTABLE = wire(
  'initial/flaky.default.svc.cluster.local./A',
  'flaky.default.svc.cluster.local.',
  {
    live: [
      { message: message({ answer: [rr('flaky.default.svc.cluster.local.', 30, 'A', '10.96.0.10')] }) },
      { message: message({ rcode: 'SERVFAIL' }) },
    ],
    verdict: 'unstable',
    differences: [
      { field: 'ask 2: rcode', expected: 'NOERROR', live: 'SERVFAIL' },
      { field: 'ask 2: answer', expected: 'A 10.96.0.10 (TTL 30)', live: '' },
    ],
  },
);

export const DEVIATION = wire('initial/*.default.svc.cluster.local./A', '*.default.svc.cluster.local.', {
  live: [{ message: message({ rcode: 'NXDOMAIN', authority: [SOA] }) }],
  verdict: 'expected-deviation',
  differences: [{ field: 'rcode', expected: 'NOERROR', live: 'NXDOMAIN' }],
  reason: 'wildcards were removed in CoreDNS 1.9.0 (coredns#7117) & the oracle still "knows" them',
});

export const SKIPPED: QueryResult = {
  id: 'initial/default/debug/getent/web/A',
  probe: { kind: 'tool', tool: 'getent', pod: 'default/debug' },
  query: { name: 'web', type: 'A' },
  expected: {
    tool: { status: 'ok', tried: [], answeredBy: WEB, addresses: ['10.96.0.10'], records: [], explain: [] },
  },
  live: [],
  verdict: 'skipped',
  differences: [],
  rules: [],
  reason: 'no network namespaces <without root>\u0007',
};

export const TOOL_DIFF: QueryResult = {
  id: 'initial/default/debug/dig-search/foo2.bar/A',
  probe: { kind: 'tool', tool: 'dig-search', pod: 'default/debug' },
  query: { name: 'foo2.bar', type: 'A' },
  expected: {
    tool: {
      status: 'ok',
      tried: ['foo2.bar.default.svc.cluster.local.'],
      answeredBy: 'foo2.bar.default.svc.cluster.local.',
      source: 'dns',
      addresses: ['10.244.4.2'],
      records: [rr('foo2.bar.default.svc.cluster.local.', 30, 'A', '10.244.4.2')],
      explain: ['search default.svc.cluster.local svc.cluster.local cluster.local — kubelet'],
    },
  },
  live: [
    {
      tool: {
        status: 'ok',
        tried: ['foo2.bar.default.svc.cluster.local.', 'foo2.bar.svc.cluster.local.'],
        answeredBy: 'foo2.bar.svc.cluster.local.',
        source: 'dns',
        addresses: ['10.244.4.2'],
        records: [rr('foo2.bar.svc.cluster.local.', 30, 'A', '10.244.4.2')],
      },
      stdout: ';; <<>> DiG 9.18 <<>> +search foo2.bar & more\n',
    },
  ],
  verdict: 'diff',
  differences: [
    {
      field: 'search.answeredBy',
      expected: 'foo2.bar.default.svc.cluster.local.',
      live: 'foo2.bar.svc.cluster.local.',
    },
  ],
  rules: ['search-suffix'],
};

/** A fresh copy each call: tests may change it. */
export function fixtureRun(): RunResult {
  return structuredClone({
    format: RUN_FORMAT,
    dnsconform: '0.1.0',
    startedAt: '2026-11-23T08:00:00.000Z',
    finishedAt: '2026-11-23T08:00:12.500Z',
    backend: { name: 'local', details: { coredns: '/root/.cache/dnsconform/coredns/1.14.7/coredns' } },
    scenarios: [
      {
        name: 'basic',
        file: 'scenarios/basic.yaml',
        description: 'Services & pods <in> default',
        variants: [
          {
            name: 'kind-default',
            corednsVersion: '1.14.7',
            corefile: KUBEADM_COREFILE,
            corefileAsRun: KUBEADM_COREFILE.replace('forward . /etc/resolv.conf', 'forward . 127.0.0.1:5300'),
            rewrites: [
              {
                line: 13,
                from: 'forward . /etc/resolv.conf {',
                to: 'forward . 127.0.0.1:5300 {',
                why: 'the fake upstream serves the scenario’s records',
              },
              {
                line: 1,
                from: '.:53 {',
                to: '.:53 {\n    bind 127.0.0.10',
                why: 'listen inside the cluster namespace',
              },
              {
                line: 7,
                from: '',
                to: 'kubeconfig /tmp/k/kubeconfig',
                why: "list/watch the harness's API endpoint",
              },
            ],
            states: [{ step: 'initial', objects: [] }],
            steps: [{ name: 'initial', queries: [PASS, DIFF, UNSTABLE, DEVIATION, SKIPPED, TOOL_DIFF] }],
          },
          {
            name: 'broken',
            corednsVersion: '1.14.7',
            corefile: '.:53 {\n    kubernetes cluster.local {\n        nope\n    }\n}\n',
            corefileAsRun: '',
            rewrites: [],
            states: [],
            steps: [],
            error: "CoreDNS refused the Corefile: plugin/kubernetes: unknown property 'nope'",
          },
        ],
      },
      {
        name: 'quiet',
        file: 'scenarios/quiet.yaml',
        description: '',
        variants: [
          {
            name: 'kind-default',
            corednsVersion: '1.11.3',
            corefile: KUBEADM_COREFILE,
            corefileAsRun: KUBEADM_COREFILE,
            rewrites: [],
            states: [],
            steps: [{ name: 'initial', queries: [{ ...structuredClone(PASS), id: 'quiet/web' }] }],
          },
        ],
      },
    ],
    summary: { total: 7, pass: 2, diff: 2, unstable: 1, expectedDeviation: 1, skipped: 1 },
  } satisfies RunResult);
}
