import { describe, expect, it } from 'vitest';
import { ownerReferences } from './raw.ts';
import { Cluster, DUAL } from './testkit.ts';

// Expectations: kubernetes-dns.md §5.1–§5.5 (EndpointSlice controller, k8s.io/endpointslice
// reconciler.go / utils.go / util/controller_utils.go).

const headless = (name: string, selector: string, extra = '') =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}, labels: {team: a}}\nspec: {clusterIP: None, selector: {${selector}}${extra}}\n`;
const clusterIP = (name: string, selector: string, ports: string) =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {selector: {${selector}}, ports: ${ports}}\n`;
const pod = (name: string, o: { labels?: string; spec?: string; status?: string; meta?: string } = {}) =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {${o.labels ?? 'app: db'}}${o.meta ?? ''}}\n` +
  (o.spec ? `spec: {${o.spec}}\n` : '') +
  (o.status ? `status: {${o.status}}\n` : '');

describe('which Services get controller slices (§5.1)', () => {
  it('a Service with a selector: one slice of its pods', () => {
    const c = Cluster.of(headless('db', 'app: db') + pod('a'));
    expect(c.slices('db')).toHaveLength(1);
  });

  it('no selector, or ExternalName: none', () => {
    const c = Cluster.of(
      '---\napiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 80}]}\n' +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: a.example, selector: {app: db}}\n' +
        pod('a'),
    );
    expect(c.slices('manual')).toEqual([]);
    expect(c.slices('ext')).toEqual([]);
  });

  it('only pods of the Service namespace with every selector label', () => {
    const c = Cluster.of(
      headless('db', 'app: db, tier: x') +
        pod('a', { labels: 'app: db, tier: x' }) +
        pod('b', { labels: 'app: db' }) +
        '---\napiVersion: v1\nkind: Pod\nmetadata: {name: c, namespace: other, labels: {app: db, tier: x}}\n',
    );
    expect(c.endpoints('db').map((e) => e.pod)).toEqual(['a']);
  });

  it('labels: service-name, managed-by, headless for headless Services, Service labels copied', () => {
    const c = Cluster.of(headless('db', 'app: db') + clusterIP('web', 'app: db', '[{port: 80}]') + pod('a'));
    expect(c.slices('db')[0]?.metadata.labels).toEqual({
      team: 'a',
      'kubernetes.io/service-name': 'db',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      'service.kubernetes.io/headless': '',
    });
    expect(c.slices('web')[0]?.metadata.labels?.['service.kubernetes.io/headless']).toBeUndefined();
    expect(c.slices('web')[0]?.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(ownerReferences(c.slices('web')[0]!)[0]).toMatchObject({ kind: 'Service', name: 'web' });
  });
});

describe('pod inclusion and conditions (§5.2)', () => {
  const deleting = ', deletionTimestamp: "2024-01-01T00:00:00Z"';
  const notReady = 'phase: Running, conditions: [{type: Ready, status: "False"}]';

  it('ready/serving/terminating follow readiness and deletion', () => {
    const c = Cluster.of(
      headless('db', 'app: db') +
        pod('ready') +
        pod('unready', { status: notReady }) +
        pod('terminating', { meta: deleting }) +
        pod('unready-terminating', { meta: deleting, status: notReady }),
    );
    expect(c.endpoints('db').map((e) => [e.pod, e.ready, e.serving, e.terminating])).toEqual([
      ['ready', true, true, false],
      ['terminating', false, true, true],
      ['unready', false, false, false],
      ['unready-terminating', false, false, true],
    ]);
  });

  it('publishNotReadyAddresses makes every endpoint ready, terminating ones included', () => {
    const c = Cluster.of(
      headless('db', 'app: db', ', publishNotReadyAddresses: true') +
        pod('unready', { status: notReady }) +
        pod('terminating', { meta: deleting }),
    );
    expect(c.endpoints('db').map((e) => [e.pod, e.ready, e.serving, e.terminating])).toEqual([
      ['terminating', true, true, true],
      ['unready', true, false, false],
    ]);
  });

  it('terminal pods and pods without an IP are left out', () => {
    const c = Cluster.of(
      headless('db', 'app: db') +
        pod('done', { status: 'phase: Succeeded, podIP: 10.244.0.50' }) +
        pod('failed', { status: 'phase: Failed, podIP: 10.244.0.51' }) +
        pod('pending', { status: 'phase: Pending' }),
    );
    expect(c.endpoints('db')).toEqual([]);
  });

  // ShouldSetHostname: spec.hostname AND spec.subdomain == Service name AND same namespace.
  it('hostname only with spec.hostname and subdomain naming this Service', () => {
    const c = Cluster.of(
      headless('db', 'app: db') +
        headless('other', 'app: db') +
        pod('both', { spec: 'hostname: h1, subdomain: db' }) +
        pod('subdomain-only', { spec: 'subdomain: db' }) +
        pod('hostname-only', { spec: 'hostname: h3' }),
    );
    expect(c.endpoints('db').map((e) => [e.pod, e.hostname])).toEqual([
      ['both', 'h1'],
      ['hostname-only', undefined],
      ['subdomain-only', undefined],
    ]);
    // The pod whose subdomain names db still appears in `other`, without a hostname.
    expect(c.endpoints('other').find((e) => e.pod === 'both')?.hostname).toBeUndefined();
  });

  it('targetRef and nodeName are filled', () => {
    const c = Cluster.of(headless('db', 'app: db') + pod('a'));
    const ep = c.slices('db')[0]?.endpoints?.[0];
    expect(ep?.targetRef).toMatchObject({ kind: 'Pod', namespace: 'default', name: 'a' });
    expect(ep?.nodeName).toBe('kind-control-plane');
  });
});

describe('address families (§5.3)', () => {
  it('one slice set per Service family; each endpoint holds that family’s pod IP', () => {
    const c = Cluster.of(
      `${headless('db', 'app: db', ', ipFamilyPolicy: RequireDualStack')}${pod('a')}`,
      DUAL,
    );
    const slices = c.slices('db');
    expect(slices.map((s) => [s.addressType, s.endpoints?.[0]?.addresses])).toEqual([
      ['IPv4', ['10.244.0.2']],
      ['IPv6', ['fd00:10:244::2']],
    ]);
  });

  it('a single-stack Service on a dual-stack cluster has slices of its family only', () => {
    const c = Cluster.of(headless('db', 'app: db') + pod('a'), DUAL);
    expect(c.slices('db').map((s) => s.addressType)).toEqual(['IPv4']);
  });
});

describe('ports (§5.4)', () => {
  it('named targetPort resolves against container ports of the same protocol', () => {
    const c = Cluster.of(
      clusterIP('dns', 'app: db', '[{name: dns, port: 53, protocol: UDP, targetPort: dns}]') +
        pod('a', {
          spec: 'containers: [{name: c, ports: [{name: dns, containerPort: 5353, protocol: TCP}, {name: dns, containerPort: 5354, protocol: UDP}]}]',
        }),
    );
    expect(c.slices('dns')[0]?.ports).toEqual([{ name: 'dns', port: 5354, protocol: 'UDP' }]);
  });

  it('pods lacking a named port omit it, and land in a separate slice', () => {
    const c = Cluster.of(
      clusterIP('web', 'app: db', '[{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090}]') +
        pod('with', { spec: 'containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]' }) +
        pod('without', { spec: 'containers: [{name: c}]' }),
    );
    const byPorts = c.slices('web').map((s) => [s.ports, s.endpoints?.map((e) => e.targetRef?.name)]);
    expect(byPorts).toEqual([
      [
        [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
        ['with'],
      ],
      [[{ name: 'metrics', port: 9090, protocol: 'TCP' }], ['without']],
    ]);
  });

  it('unnamed Service ports give slice ports named ""', () => {
    const c = Cluster.of(clusterIP('web', 'app: db', '[{port: 80}]') + pod('a'));
    expect(c.slices('web')[0]?.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  it('a headless Service without ports has slices without ports (null)', () => {
    const c = Cluster.of(headless('db', 'app: db') + pod('a'));
    expect(c.slices('db')[0]?.ports).toBeNull();
  });
});

describe('slice sizing and placeholder (§5.5)', () => {
  it('at most 100 endpoints per slice', () => {
    const pods = Array.from({ length: 101 }, (_, i) => pod(`p${String(i).padStart(3, '0')}`)).join('');
    const c = Cluster.of(headless('db', 'app: db') + pods);
    expect(c.slices('db').map((s) => s.endpoints?.length)).toEqual([100, 1]);
  });

  it('a Service with no matching pods keeps one placeholder slice: no endpoints, no ports', () => {
    const c = Cluster.of(clusterIP('web', 'app: nobody', '[{port: 80}]'));
    const slices = c.slices('web');
    expect(slices).toHaveLength(1);
    expect(slices[0]?.endpoints).toBeNull();
    expect(slices[0]?.ports).toBeNull();
  });

  it('given EndpointSlices are kept as written', () => {
    const given =
      '---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: extra, labels: {kubernetes.io/service-name: web}}\naddressType: IPv4\nendpoints: [{addresses: [192.0.2.7]}]\n';
    const c = Cluster.of(clusterIP('web', 'app: nobody', '[{port: 80}]') + given);
    const extra = c.find('EndpointSlice', 'extra');
    expect(extra).toMatchObject({ endpoints: [{ addresses: ['192.0.2.7'] }] });
    expect(extra?.ports).toBeUndefined();
    expect(c.slices('web')).toHaveLength(2);
  });
});
