/** Pure parts of the Kubernetes session: namespace mapping, exec framing, probe pods, CoreDNS image versions. */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { versionFromImage } from './coredns.ts';
import { batchScript, parseFrames, resultOf, shellQuote } from './exec.ts';
import { ScratchMapping } from './namespaces.ts';
import { asProbe, DEFAULT_PROBE_IMAGES } from './probes.ts';

describe('scratch namespace mapping', () => {
  const m = new ScratchMapping('a1b2c3');
  m.toCluster('default');
  m.toCluster('test-1');

  test('names: a namespace label before svc/pod, or ending a relative name, is mapped', () => {
    expect(m.nameToCluster('web.default.svc.cluster.local.')).toBe(
      'web.dnsconform-a1b2c3-default.svc.cluster.local.',
    );
    expect(m.nameToCluster('_http._tcp.web.test-1.svc.cluster.local.')).toBe(
      '_http._tcp.web.dnsconform-a1b2c3-test-1.svc.cluster.local.',
    );
    expect(m.nameToCluster('10-244-0-5.default.pod.cluster.local.')).toBe(
      '10-244-0-5.dnsconform-a1b2c3-default.pod.cluster.local.',
    );
    expect(m.nameToCluster('web.test-1')).toBe('web.dnsconform-a1b2c3-test-1');
    expect(m.nameToCluster('web.default.svc')).toBe('web.dnsconform-a1b2c3-default.svc');
    // Not in a namespace position: left alone.
    expect(m.nameToCluster('default.example.com.')).toBe('default.example.com.');
    expect(m.nameToCluster('web.test-1.')).toBe('web.test-1.');
    expect(m.nameToCluster('kubernetes.kube-system.svc.cluster.local.')).toBe(
      'kubernetes.kube-system.svc.cluster.local.',
    );
  });

  test('text back: whole labels only', () => {
    expect(m.textFromCluster('web.dnsconform-a1b2c3-default.svc.cluster.local. 30 IN A 10.0.0.1')).toBe(
      'web.default.svc.cluster.local. 30 IN A 10.0.0.1',
    );
    expect(m.textFromCluster('search dnsconform-a1b2c3-test-1.svc.cluster.local svc.cluster.local')).toBe(
      'search test-1.svc.cluster.local svc.cluster.local',
    );
    expect(m.textFromCluster('xdnsconform-a1b2c3-default')).toBe('xdnsconform-a1b2c3-default');
  });

  test('objects in and back; shadowed real namespaces hidden', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext', namespace: 'test-1' },
      spec: { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' },
    };
    const inCluster = m.objectToCluster(svc);
    expect(inCluster.metadata.namespace).toBe('dnsconform-a1b2c3-test-1');
    expect((inCluster.spec as { externalName: string }).externalName).toBe(
      'web.dnsconform-a1b2c3-default.svc.cluster.local',
    );
    expect(m.objectFromCluster(inCluster)).toEqual(svc);
    expect(
      m.objectFromCluster({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }),
    ).toBeUndefined();
    expect(
      m.objectFromCluster({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' } }),
    ).toBeUndefined();
    expect(
      m.objectFromCluster({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } }),
    ).toBeDefined();
  });

  test('scratch names stay valid namespace names (RFC 1123 label, ≤ 63)', () => {
    const long = 'n'.repeat(60);
    const name = new ScratchMapping('a1b2c3').toCluster(long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('exec batches', () => {
  test('frames are cut apart exactly, with and without trailing newlines', () => {
    const out = [
      '',
      '@@dnsconform:begin:0',
      'line a',
      '',
      '@@dnsconform:end:0:0',
      '',
      '@@dnsconform:begin:1',
      'no newline',
      '@@dnsconform:end:1:2',
      '',
      '@@dnsconform:begin:2.resolve',
      '',
      '@@dnsconform:end:2.resolve:2',
      '',
    ].join('\n');
    const frames = parseFrames(out);
    expect(frames.get('0')).toEqual({ output: 'line a\n', exitCode: 0 });
    expect(frames.get('1')).toEqual({ output: 'no newline', exitCode: 2 });
    expect(frames.get('2.resolve')).toEqual({ output: '', exitCode: 2 });
  });

  test('the script runs under sh and quotes hostile names', () => {
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    // `getent` here is a stand-in printing its argument, so nothing is resolved.
    const script = batchScript([{ tool: 'getent', name: "x'; echo pwned; '" }], []).replace(
      /timeout 10 getent hosts --/g,
      'printf "%s\\n"',
    );
    const out = execFileSync('sh', ['-s'], { input: script, encoding: 'utf8' });
    const frames = parseFrames(out);
    expect(frames.get('0')?.output).toBe("x'; echo pwned; '\n");
    expect(resultOf({ tool: 'getent', name: 'x' }, 0, frames, [])).toMatchObject({ exitCode: 0 });
  });

  test('a run without output (exec failed) is skipped with a reason', () => {
    expect(resultOf({ tool: 'dig', name: 'x', type: 'A' }, 0, new Map(), [])).toEqual({
      skipped: 'the probe pod gave no output for this run (kubectl exec failed or timed out)',
    });
  });
});

describe('probe pods', () => {
  test('DNS identity kept, containers replaced, not-ready marker becomes a failing readiness probe', () => {
    const pod = asProbe(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n', annotations: { 'dnsconform.io/ready': 'false' } },
        spec: {
          hostname: 'h',
          subdomain: 's',
          setHostnameAsFQDN: true,
          dnsPolicy: 'None',
          dnsConfig: { nameservers: ['10.96.0.10'] },
          hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }],
          nodeSelector: { disk: 'ssd' },
          initContainers: [
            { name: 'side', image: 'x', restartPolicy: 'Always', ports: [{ name: 'm', containerPort: 9 }] },
          ],
          containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }],
        },
        status: { podIP: '10.244.0.9' },
      },
      DEFAULT_PROBE_IMAGES,
    );
    const spec = pod.spec as Record<string, unknown> & { containers: Record<string, unknown>[] };
    expect(Object.keys(spec).sort()).toEqual(
      [
        'containers',
        'dnsConfig',
        'dnsPolicy',
        'hostAliases',
        'hostname',
        'setHostnameAsFQDN',
        'subdomain',
      ].sort(),
    );
    expect(spec.containers[0]).toMatchObject({
      name: 'glibc',
      ports: [
        { name: 'http', containerPort: 80 },
        { name: 'm', containerPort: 9 },
      ],
      readinessProbe: { exec: { command: ['false'] } },
    });
    expect(pod.status).toBeUndefined();
  });

  test('workload templates become probe pods too', () => {
    const d = asProbe(
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'web', namespace: 'n' },
        spec: {
          serviceName: 'web',
          replicas: 2,
          template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } },
        },
      },
      DEFAULT_PROBE_IMAGES,
    );
    const spec = d.spec as { serviceName: string; template: { spec: { containers: { image: string }[] } } };
    expect(spec.serviceName).toBe('web');
    expect(spec.template.spec.containers.map((c) => c.image)).toEqual([
      DEFAULT_PROBE_IMAGES.glibc,
      DEFAULT_PROBE_IMAGES.musl,
    ]);
  });
});

test('CoreDNS version from the Deployment image (kubeadm: registry.k8s.io/coredns/coredns:v1.12.0)', () => {
  expect(versionFromImage('registry.k8s.io/coredns/coredns:v1.12.0')).toBe('1.12.0');
  expect(versionFromImage('registry.k8s.io/coredns/coredns:v1.14.2@sha256:abcd')).toBe('1.14.2');
  expect(versionFromImage('localhost:5000/coredns:1.11.3')).toBe('1.11.3');
  expect(versionFromImage('localhost:5000/coredns')).toBeUndefined();
  expect(
    versionFromImage('602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.1-eksbuild.4'),
  ).toBe('1.11.1');
});
