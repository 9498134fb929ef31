import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { materialise } from '../cluster/controlplane.ts';
import { KIND_DEFAULTS } from '../cluster/options.ts';
import { buildState, indexState } from '../cluster/state.ts';
import { parseZoneLines } from '../upstream/zone.ts';
import type { PluginModel } from './chain.ts';
import { emptyIndex, corefile as readCorefile } from './plugins/testkit.ts';
import { createOracle, PLUGIN_MODELS } from './predict.ts';
import { reply } from './server.ts';

/**
 * The kind default Corefile end to end, with a test-only stand-in for the kubernetes plugin that
 * answers `dns-version.cluster.local. TXT "1.1.0"` with TTL 28800 (reference §4.6) and owns the
 * cluster zone; everything else passes on.
 */
const stubKubernetes: PluginModel = {
  name: 'kubernetes',
  setup: () => ({
    serve(req, _ctx, next) {
      if (req.name.toLowerCase() === 'dns-version.cluster.local.' && req.type === 'TXT') {
        return {
          written: true,
          message: reply('NOERROR', true, [{ name: req.name, type: 'TXT', ttl: 28800, data: '"1.1.0"' }]),
        };
      }
      return next(req);
    },
  }),
};
const models = new Map(PLUGIN_MODELS);
models.set('kubernetes', stubKubernetes);
const file = 'scenarios/corefiles/kind-default.Corefile';
const corefile = readCorefile(readFileSync(file, 'utf8'), file);
const upstream = parseZoneLines(
  ['example.com. 300 IN A 192.0.2.10', 'example.com. 300 IN A 192.0.2.11'],
  'upstream',
);

describe('createOracle on the kind default Corefile (reference coredns-kubernetes.md §12)', () => {
  const oracle = createOracle({ state: emptyIndex, corefile, version: '1.12.1', upstream, models });

  it('example.com A → the upstream answer, TTL capped at 30 and counting down on cache hits', () => {
    const p = oracle.predict({ name: 'example.com.', type: 'A' });
    expect(p.message.rcode).toBe('NOERROR');
    expect(p.message.answer.map((r) => [r.data, r.ttl])).toEqual([
      ['192.0.2.10', 30],
      ['192.0.2.11', 30],
    ]);
    expect(p.ttlRanges?.answer).toEqual([
      { min: 1, max: 30 },
      { min: 1, max: 30 },
    ]);
    expect(p.ordered).toBe(false); // loadbalance
    expect(p.forwardedTo).toBe('/etc/resolv.conf');
    expect(p.unmodelled).toEqual([]);
    expect(p.explain.some((e) => e.includes('forward'))).toBe(true);
  });

  it('dns-version.cluster.local TXT shows TTL 30 (cache cap), fresh: cluster.local is not stored (§8.1)', () => {
    const p = oracle.predict({ name: 'dns-version.cluster.local.', type: 'TXT' });
    expect(p.message.answer).toEqual([
      { name: 'dns-version.cluster.local.', type: 'TXT', ttl: 30, data: '"1.1.0"' },
    ]);
    expect(p.ttlRanges).toBeUndefined();
  });

  it('without declared upstream records, forwarded answers are unknown', () => {
    const o = createOracle({ state: emptyIndex, corefile, version: '1.12.1', models });
    expect(o.predict({ name: 'example.com.', type: 'A' }).unknown).toBe(true);
  });

  it('the disable options need CoreDNS ≥ 1.9.4 (cache setup.go)', () => {
    expect(() => createOracle({ state: emptyIndex, corefile, version: '1.9.3', models })).toThrowError(
      /disable/,
    );
  });
});

describe('createOracle with the kubernetes model on a kind baseline cluster (reference §12, kubernetes-dns.md §8)', () => {
  const state = indexState(buildState(materialise([], KIND_DEFAULTS)));
  const reverseUpstream = parseZoneLines(['7.7.7.10.in-addr.arpa. 300 IN PTR outside.example.'], 'upstream');
  const oracle = createOracle({ state, corefile, version: '1.12.1', upstream: reverseUpstream });

  it('kubernetes.default.svc.cluster.local A → 10.96.0.1, TTL 30, aa, not cached', () => {
    const p = oracle.predict({ name: 'kubernetes.default.svc.cluster.local.', type: 'A' });
    expect(p.message.rcode).toBe('NOERROR');
    expect(p.message.flags.aa).toBe(true);
    expect(p.message.answer).toEqual([
      { name: 'kubernetes.default.svc.cluster.local.', type: 'A', ttl: 30, data: '10.96.0.1' },
    ]);
    expect(p.ttlRanges).toBeUndefined();
  });

  it('nope.default.svc.cluster.local A → NXDOMAIN with the zone SOA at TTL 30', () => {
    const p = oracle.predict({ name: 'nope.default.svc.cluster.local.', type: 'A' });
    expect(p.message.rcode).toBe('NXDOMAIN');
    expect(p.message.authority).toHaveLength(1);
    expect(p.message.authority[0]).toMatchObject({ name: 'cluster.local.', type: 'SOA', ttl: 30 });
    expect(p.ttlRanges).toBeUndefined();
  });

  it('PTR for kube-dns → its service name; a PTR for an unknown IP falls through to forward and is cached', () => {
    expect(oracle.predict({ name: '10.0.96.10.in-addr.arpa.', type: 'PTR' }).message.answer[0]?.data).toBe(
      'kube-dns.kube-system.svc.cluster.local.',
    );
    const p = oracle.predict({ name: '7.7.7.10.in-addr.arpa.', type: 'PTR' });
    expect(p.message.answer).toEqual([
      { name: '7.7.7.10.in-addr.arpa.', type: 'PTR', ttl: 30, data: 'outside.example.' },
    ]);
    expect(p.forwardedTo).toBe('/etc/resolv.conf');
    expect(p.ttlRanges?.answer).toEqual([{ min: 1, max: 30 }]);
  });
});
