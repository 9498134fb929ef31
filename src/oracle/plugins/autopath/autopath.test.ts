import { describe, expect, it } from 'vitest';
import type { PluginModel } from '../../chain.ts';
import { reply } from '../../server.ts';
import { harness, inputError } from '../testkit.ts';
import { autopathPlugin } from './autopath.ts';

/**
 * A stand-in for the kubernetes plugin (test-only, owning every name): one service, NXDOMAIN/NODATA with the SOA as
 * reference §4 describes, and the search path of plugin/kubernetes/autopath.go for a client in test-1.
 */
const soa = {
  name: 'cluster.local.',
  type: 'SOA',
  ttl: 30,
  data: 'ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30',
};
const stubKubernetes: PluginModel = {
  name: 'kubernetes',
  setup() {
    return {
      serve(req) {
        const n = req.name.toLowerCase();
        if (n === 'svc-1-a.test-1.svc.cluster.local.') {
          return {
            written: true,
            message: reply(
              'NOERROR',
              true,
              req.type === 'A' ? [{ name: req.name, type: 'A', ttl: 30, data: '10.96.0.5' }] : [],
              req.type === 'A' ? [] : [soa],
            ),
          };
        }
        return { written: true, message: reply('NXDOMAIN', true, [], [soa]) };
      },
      autoPath: (req) =>
        req.clientIP === '10.244.0.9'
          ? ['test-1.svc.cluster.local.', 'svc.cluster.local.', 'cluster.local.', '']
          : undefined,
    };
  },
};
const models = [autopathPlugin, stubKubernetes];
const h = harness('cluster.local {\n  autopath @kubernetes\n  kubernetes cluster.local\n}', models);

describe('autopath @kubernetes (reference coredns-kubernetes.md §8.3)', () => {
  it('CI autopath_test.go: svc-1-a.test-1 from a pod in test-1 → CNAME to the service name + its A', () => {
    const r = h.ask('svc-1-a.test-1.test-1.svc.cluster.local.', 'A', { clientIP: '10.244.0.9' });
    expect(r.out.message.rcode).toBe('NOERROR');
    expect(r.out.message.answer).toEqual([
      {
        name: 'svc-1-a.test-1.test-1.svc.cluster.local.',
        type: 'CNAME',
        ttl: 30,
        data: 'svc-1-a.test-1.svc.cluster.local.',
      },
      { name: 'svc-1-a.test-1.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.5' },
    ]);
  });

  it('NODATA stops the walk, without a CNAME', () => {
    const r = h.ask('svc-1-a.test-1.test-1.svc.cluster.local.', 'AAAA', { clientIP: '10.244.0.9' });
    expect(r.out.message).toMatchObject({ rcode: 'NOERROR', answer: [], authority: [soa] });
  });

  it('all NXDOMAIN: the first reply (for the asked name) is returned unchanged', () => {
    const r = h.ask('nope.test-1.svc.cluster.local.', 'A', { clientIP: '10.244.0.9' });
    expect(r.out.message.rcode).toBe('NXDOMAIN');
  });

  it('does nothing for clients that are not pods (no search path) or names outside the first search domain', () => {
    expect(
      h.ask('svc-1-a.test-1.test-1.svc.cluster.local.', 'A', { clientIP: '192.0.2.1' }).out.message.rcode,
    ).toBe('NXDOMAIN');
    expect(h.ask('svc-1-a.test-1.cluster.local.', 'A', { clientIP: '10.244.0.9' }).out.message.rcode).toBe(
      'NXDOMAIN',
    );
  });

  it('refuses a handler that is not an AutoPather (autopath/setup.go OnStartup)', () => {
    expect(inputError(() => harness('. {\n  autopath @hosts\n  hosts\n}', models))).toBe(
      'Corefile:2:3: plugin/autopath: hosts does not implement the AutoPather interface',
    );
  });
});
