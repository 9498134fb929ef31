/**
 * Corefile refusals and defaults. Expectations from coredns/coredns plugin/kubernetes/setup.go
 * (HEAD 4b26cced, v1.12.1) and the negative cases of plugin/kubernetes/setup_test.go
 * TestKubernetesParse (endpoint/namespaces/labels without arguments, bad label selector,
 * `pods giant_seed`, two kubernetes directives, kubeconfig argument counts, namespaces with
 * namespace_labels).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../errors.ts';
import { profileFor } from '../../versions.ts';
import { corefile, inputError } from '../testkit.ts';
import { kubernetesPlugin } from './kubernetes.ts';
import { parseKubernetes } from './setup.ts';

function parse(text: string, version = '1.12.1', serverIPs: string[] = []) {
  const cf = corefile(text, 'Corefile');
  const b = cf.blocks[0];
  if (!b) throw new Error('no block');
  return parseKubernetes(
    b.directives.filter((d) => d.name === 'kubernetes'),
    b,
    cf.file,
    profileFor(version),
    {
      files: { '/etc/resolv.conf': 'search corp.example.com example.com\nnameserver 10.0.0.1\n' },
      upstream: undefined,
      serverIPs,
    },
  );
}

const block = (opts: string, args = 'coredns.local') =>
  `coredns.local {\n  kubernetes ${args} {\n    ${opts}\n  }\n}`;

describe('kubernetes setup — refusals (setup_test.go TestKubernetesParse negatives)', () => {
  const refusals: [string, string][] = [
    [
      block('endpoint'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'endpoint'",
    ],
    [
      block('namespaces'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'namespaces'",
    ],
    [
      block('labels'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'labels'",
    ],
    [
      block('pods giant_seed'),
      'Corefile:3:5: plugin/kubernetes: wrong value for pods: giant_seed,  must be one of: disabled, verified, insecure',
    ],
    [
      block('kubeconfig'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'kubeconfig'",
    ],
    [
      block('kubeconfig file context extraarg'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'kubeconfig'",
    ],
    [block('ttl 3601'), 'Corefile:3:5: plugin/kubernetes: ttl must be in range [0, 3600]: 3601'],
    [block('ttl -1'), 'Corefile:3:5: plugin/kubernetes: ttl must be in range [0, 3600]: -1'],
    [block('ttl five'), 'Corefile:3:5: plugin/kubernetes: strconv.Atoi: parsing "five": invalid syntax'],
    [block('ignore nothing'), "Corefile:3:5: plugin/kubernetes: unable to parse ignore value: 'nothing'"],
    [block('upstream'), "Corefile:3:5: plugin/kubernetes: unknown property 'upstream'"],
    [block('resyncperiod 30s'), "Corefile:3:5: plugin/kubernetes: unknown property 'resyncperiod'"],
    [
      block('noendpoints extra'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'noendpoints'",
    ],
    [
      block('tls a b'),
      "Corefile:3:5: plugin/kubernetes: Wrong argument count or unexpected line ending after 'tls'",
    ],
  ];
  for (const [text, message] of refusals) {
    it(message, () => expect(inputError(() => parse(text))).toBe(message));
  }

  it('a bad label selector (labels environment in (production, qa)', () => {
    expect(inputError(() => parse(block('labels environment in (production, qa')))).toMatch(
      /^Corefile:3:5: plugin\/kubernetes: unable to parse label selector value: 'environment in \(production, qa': /,
    );
  });

  it('namespaces with namespace_labels', () => {
    expect(
      inputError(() => parse(block('namespaces foo bar\n    namespace_labels istio-injection=enabled'))),
    ).toBe('Corefile:2:3: plugin/kubernetes: namespaces and namespace_labels cannot both be set');
  });

  it('a second kubernetes directive in the block (plugin.ErrOnce)', () => {
    expect(
      inputError(() => parse('coredns.local {\n  kubernetes coredns.local\n  kubernetes cluster.local\n}')),
    ).toBe('Corefile:3:3: plugin/kubernetes: this plugin can only be used once per Server Block');
  });

  it('only reverse zones', () => {
    expect(inputError(() => parse(block('pods insecure', '10.0.0.0/8')))).toBe(
      'Corefile:2:3: plugin/kubernetes: non-reverse zone name must be used',
    );
  });

  it('options newer than the release are unknown properties', () => {
    expect(inputError(() => parse(block('startup_timeout 10s'), '1.12.2'))).toBe(
      "Corefile:3:5: plugin/kubernetes: unknown property 'startup_timeout'",
    );
    expect(() => parse(block('startup_timeout 10s'), '1.12.3')).not.toThrow();
    expect(inputError(() => parse(block('multicluster coredns.local'), '1.12.1'))).toBe(
      "Corefile:3:5: plugin/kubernetes: unknown property 'multicluster'",
    );
    expect(inputError(() => parse(block('apiserver_qps 5'), '1.13.1'))).toBe(
      "Corefile:3:5: plugin/kubernetes: unknown property 'apiserver_qps'",
    );
    expect(inputError(() => parse(block('zonal'), '1.14.6'))).toBe(
      "Corefile:3:5: plugin/kubernetes: unknown property 'zonal'",
    );
  });

  it('startup_timeout must be a Go duration; apiserver_* must be ≥ 0; zonal needs endpoints', () => {
    expect(inputError(() => parse(block('startup_timeout soon'), '1.12.3'))).toMatch(
      /failed to parse startup_timeout: soon/,
    );
    expect(inputError(() => parse(block('apiserver_burst -1'), '1.14.0'))).toBe(
      'Corefile:3:5: plugin/kubernetes: apiserver_burst must be >= 0',
    );
    expect(inputError(() => parse(block('zonal\n    noendpoints'), '1.14.7'))).toBe(
      'Corefile:2:3: plugin/kubernetes: zonal requires the endpoint cache; remove noendpoints',
    );
  });

  it('a multicluster zone the plugin is not authoritative for', () => {
    expect(inputError(() => parse(block('multicluster clusterset.local'), '1.12.2'))).toMatch(
      /is not authoritative for the multicluster zone clusterset.local./,
    );
  });

  it('an InputError, not a crash, from the plugin model', () => {
    const cf = corefile(block('pods maybe'));
    const b = cf.blocks[0] as (typeof cf.blocks)[0];
    expect(() => kubernetesPlugin.setup(b.directives, b, cf.file, profileFor('1.12.1'))).toThrow(InputError);
  });
});

describe('kubernetes setup — what is kept', () => {
  it('defaults: server block zones, ttl 5, pods disabled, endpoints on, no fallthrough', () => {
    const c = parse('cluster.local {\n  kubernetes\n}');
    expect(c).toMatchObject({
      zones: ['cluster.local.'],
      primaryZone: 'cluster.local.',
      ttl: 5,
      podMode: 'disabled',
      endpoints: true,
      fallthrough: undefined,
      ignoreEmptyService: false,
    });
  });

  it('the kubeadm stanza: zones incl. reverse zones, pods insecure, fallthrough zones, ttl 30', () => {
    const c = parse(
      '.:53 {\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    pods insecure\n    fallthrough in-addr.arpa ip6.arpa\n    ttl 30\n  }\n}',
    );
    expect(c).toMatchObject({
      zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'],
      primaryZone: 'cluster.local.',
      podMode: 'insecure',
      fallthrough: ['in-addr.arpa.', 'ip6.arpa.'],
      ttl: 30,
    });
  });

  it('CIDR arguments become reverse zones (plugin.OriginsFromArgsOrServerBlock)', () => {
    expect(parse(block('ttl 0', 'cluster.local 10.96.0.0/16')).zones).toEqual([
      'cluster.local.',
      '96.10.in-addr.arpa.',
    ]);
  });

  it('`fallthrough` alone covers every zone; `ignore` alone is accepted and does nothing', () => {
    const c = parse(block('fallthrough\n    ignore'));
    expect(c.fallthrough).toEqual(['.']);
    expect(c.ignoreEmptyService).toBe(false);
  });

  it("autopath search entries come from CoreDNS's own /etc/resolv.conf; loopback is no local address", () => {
    const c = parse(block('pods verified'), '1.12.1', ['127.0.0.1', '10.244.0.5', '::1', 'fd00::5']);
    expect(c.resolvSearch).toEqual(['corp.example.com.', 'example.com.']);
    expect(c.localIPs).toEqual(['10.244.0.5', 'fd00::5']);
  });

  it('with `bind`, boundIPs finds no address (ParseCIDR fails on each listen host)', () => {
    const c = parse('cluster.local {\n  bind 10.244.0.5\n  kubernetes\n}', '1.12.1', ['10.244.0.5']);
    expect(c.localIPs).toEqual([]);
  });
});

describe('profileFor', () => {
  it('accepts 1.8.0 … 1.15.x and refuses others', () => {
    expect(profileFor('1.8.0').version).toBe('1.8.0');
    expect(profileFor('v1.15.9').version).toBe('1.15.9');
    expect(() => profileFor('1.7.1')).toThrow(/not modelled/);
    expect(() => profileFor('1.16.0')).toThrow(/not modelled/);
    expect(() => profileFor('latest')).toThrow(/not a CoreDNS version/);
  });
});
