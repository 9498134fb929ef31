import { describe, expect, it } from 'vitest';
import { Cluster } from './testkit.ts';

// apimachinery pkg/util/rand: generated suffixes use this alphabet.
const SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]';

const sts = (spec: string, annotations = '') => `---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  selector: {matchLabels: {app: web}}
  ${spec}
  template:
    metadata: {labels: {app: web}${annotations}}
    spec: {containers: [{name: c, image: nginx}]}
`;

describe('StatefulSet', () => {
  // stateful_set_utils.go initIdentity: name <set>-<ordinal>, hostname = pod name, subdomain = serviceName.
  it('pods <set>-<ordinal> with hostname and subdomain', () => {
    const c = Cluster.of(sts('replicas: 3'));
    const pods = c.pods();
    expect(pods.map((p) => p.metadata.name)).toEqual(['web-0', 'web-1', 'web-2']);
    expect(pods.map((p) => [p.spec?.hostname, p.spec?.subdomain])).toEqual([
      ['web-0', 'nginx'],
      ['web-1', 'nginx'],
      ['web-2', 'nginx'],
    ]);
    expect(pods[1]?.metadata.labels).toMatchObject({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
    });
  });

  it('replicas defaults to 1', () => {
    expect(
      Cluster.of(sts(''))
        .pods()
        .map((p) => p.metadata.name),
    ).toEqual(['web-0']);
  });

  // stateful_set_control.go: OrderedReady waits for each pod to be Running and Ready before the next.
  it('OrderedReady with a not-ready template creates only the first pod; Parallel creates all', () => {
    const notReady = ', annotations: {dnsconform.io/ready: "false"}';
    expect(Cluster.of(sts('replicas: 3', notReady)).pods()).toHaveLength(1);
    expect(Cluster.of(sts('replicas: 3\n  podManagementPolicy: Parallel', notReady)).pods()).toHaveLength(3);
  });
});

describe('Deployment and ReplicaSet', () => {
  const deploy = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: nginx}]}
`;

  // deployment/sync.go: ReplicaSet <deployment>-<pod-template-hash>; hash SafeEncoded (rand.SafeEncodeString).
  it('creates ReplicaSet <deployment>-<hash> and pods <rs>-<5 chars>', () => {
    const c = Cluster.of(deploy);
    const rs = c.objects.filter((o) => o.kind === 'ReplicaSet');
    expect(rs).toHaveLength(1);
    const hash = rs[0]!.metadata.labels?.['pod-template-hash'];
    expect(hash).toMatch(new RegExp(`^${SUFFIX}+$`));
    expect(rs[0]!.metadata.name).toBe(`api-${hash}`);
    const pods = c.pods('shop');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^api-${hash}-${SUFFIX}{5}$`));
      expect(p.metadata.labels).toEqual({ app: 'api', 'pod-template-hash': hash });
    }
    expect(new Set(pods.map((p) => p.metadata.name)).size).toBe(2);
  });

  it('a different template gives a different hash', () => {
    const a = Cluster.of(deploy).objects.find((o) => o.kind === 'ReplicaSet')!.metadata.name;
    const b = Cluster.of(deploy.replace('image: nginx', 'image: httpd')).objects.find(
      (o) => o.kind === 'ReplicaSet',
    )!.metadata.name;
    expect(a).not.toBe(b);
  });

  it('a bare ReplicaSet makes its pods', () => {
    const c = Cluster.of(deploy.replace('kind: Deployment', 'kind: ReplicaSet'));
    expect(c.pods('shop').map((p) => p.metadata.name)).toEqual([
      expect.stringMatching(new RegExp(`^api-${SUFFIX}{5}$`)),
      expect.stringMatching(new RegExp(`^api-${SUFFIX}{5}$`)),
    ]);
  });
});

describe('Job', () => {
  const job = (spec: string) => `---
apiVersion: batch/v1
kind: Job
metadata: {name: batch}
spec:
  ${spec}
  template:
    metadata: {labels: {app: batch}}
    spec: {subdomain: workers, containers: [{name: c, image: busybox}]}
`;

  // Job controller: parallelism (default 1) pods, no more than completions; generateName <job>-.
  it('makes min(parallelism, completions) pods named <job>-<5 chars> with job-name labels', () => {
    const pods = Cluster.of(job('parallelism: 3\n  completions: 2')).pods();
    expect(pods).toHaveLength(2);
    expect(pods[0]?.metadata.name).toMatch(new RegExp(`^batch-${SUFFIX}{5}$`));
    expect(pods[0]?.metadata.labels).toMatchObject({
      'job-name': 'batch',
      'batch.kubernetes.io/job-name': 'batch',
    });
  });

  // indexed_job_utils.go: Indexed Jobs give pod hostname <job>-<index>.
  it('Indexed Jobs give each pod hostname <job>-<index>', () => {
    const pods = Cluster.of(job('completionMode: Indexed\n  completions: 2\n  parallelism: 2')).pods();
    expect(pods.map((p) => p.spec?.hostname)).toEqual(['batch-0', 'batch-1']);
    expect(pods[1]?.metadata.name).toMatch(new RegExp(`^batch-1-${SUFFIX}{5}$`));
  });
});
