/**
 * The model inside the real server and chain (src/oracle/server.ts) next to forward and cache:
 * the ExternalName target re-enters the server (plugin/pkg/upstream), fallthrough hands name
 * errors on, a kubernetes-only block answers SERVFAIL for names it does not own
 * (reference coredns-kubernetes.md §2.1 step 5, §4.2, §8.1).
 */
import { describe, expect, it } from 'vitest';
import { cachePlugin } from '../cache/cache.ts';
import { forwardPlugin } from '../forward/forward.ts';
import { harness } from '../testkit.ts';
import { kubernetesPlugin } from './kubernetes.ts';
import { cluster, namespace, rr, service } from './testkit.ts';

const state = cluster([
  namespace('default'),
  service('default', 'web', { clusterIPs: ['10.96.0.20'], ports: [{ name: 'http', port: 80 }] }),
  service('default', 'out', { type: 'ExternalName', externalName: 'www.example.com' }),
]);
const upstream = [rr('www.example.com. 300 IN A 192.0.2.10')];
const models = [kubernetesPlugin, forwardPlugin, cachePlugin];

describe('kubernetes in the server chain', () => {
  const h = harness(
    '.:53 {\n  kubernetes cluster.local {\n    fallthrough\n  }\n  forward . 10.0.0.1\n}',
    models,
    { state, upstream, version: '1.12.1' },
  );

  it('ExternalName: the CNAME, then the target as the server resolves it (forward)', () => {
    const { out } = h.ask('out.default.svc.cluster.local.', 'A');
    expect(out.message.answer).toEqual([
      rr('out.default.svc.cluster.local. 5 IN CNAME www.example.com.'),
      rr('www.example.com. 300 IN A 192.0.2.10'),
    ]);
    expect(out.message.flags.aa).toBe(true);
  });

  it('fallthrough: a name error in the zone is forwarded', () => {
    expect(h.ask('nope.default.svc.cluster.local.', 'A').out.forwardedTo).toMatch(/^10\.0\.0\.1/);
  });

  it('a kubernetes-only block: names outside its zones → SERVFAIL (NextOrFailure)', () => {
    const only = harness('.:53 {\n  kubernetes cluster.local\n}', models, { state, version: '1.12.1' });
    expect(only.ask('example.com.', 'A').out.message).toMatchObject({
      rcode: 'SERVFAIL',
      answer: [],
      authority: [],
    });
    expect(only.ask('web.default.svc.cluster.local.', 'A').out.message.answer).toEqual([
      rr('web.default.svc.cluster.local. 5 IN A 10.96.0.20'),
    ]);
  });

  it('`kubernetes` with no zone in a `.` block owns every name: example.com → NXDOMAIN', () => {
    const all = harness('.:53 {\n  kubernetes\n}', models, { state, version: '1.12.1' });
    expect(all.ask('example.com.', 'A').out.message.rcode).toBe('NXDOMAIN');
  });

  it('behind cache 30 the plugin TTLs are rewritten (dns-version 28800 → 30)', () => {
    const c = harness('.:53 {\n  cache 30\n  kubernetes cluster.local\n}', models, {
      state,
      version: '1.12.1',
    });
    const a = c.ask('dns-version.cluster.local.', 'TXT').out;
    expect(a.message.answer[0]?.data).toBe('"1.1.0"');
    expect(a.message.answer[0]?.ttl).toBeLessThanOrEqual(30);
  });
});
