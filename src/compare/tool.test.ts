/**
 * Tool comparison. Expected outcomes are written by hand from kubernetes-dns.md §6 (kubelet's
 * resolv.conf for a pod in `default`: `search default.svc.cluster.local svc.cluster.local
 * cluster.local`, `options ndots:5`), so `foo2.bar` (1 dot < 5) is tried with each suffix in turn.
 */
import { describe, expect, it } from 'vitest';
import type { ToolOutcome } from '../oracle/types.ts';
import { describeDifference } from './difference.ts';
import { compareTool, type ToolExpectation } from './tool.ts';

const WALK = [
  'foo2.bar.default.svc.cluster.local.',
  'foo2.bar.svc.cluster.local.',
  'foo2.bar.cluster.local.',
  'foo2.bar.',
];

function outcome(over: Partial<ToolOutcome> = {}): ToolOutcome {
  return { status: 'ok', tried: [], addresses: [], records: [], ...over };
}

const texts = (r: { differences: { field: string; expected: string; live: string }[] }) =>
  r.differences.map(describeDifference);

describe('compareTool', () => {
  it('compares which search suffix answered and the names dig +showsearch tried', () => {
    const expected: ToolExpectation = outcome({
      tried: WALK.slice(0, 1),
      answeredBy: WALK[0],
      source: 'dns',
      addresses: ['10.244.4.2'],
      records: [{ name: WALK[0]!, type: 'A', ttl: 30, data: '10.244.4.2' }],
    });
    const live = outcome({
      tried: WALK.slice(0, 2),
      answeredBy: WALK[1],
      source: 'dns',
      addresses: ['10.244.4.2'],
      records: [{ name: WALK[1]!, type: 'A', ttl: 30, data: '10.244.4.2' }],
    });
    const r = compareTool(expected, [live]);
    expect(r.verdict).toBe('diff');
    expect(texts(r)).toEqual([
      'search.answeredBy: expected foo2.bar.default.svc.cluster.local., live foo2.bar.svc.cluster.local.',
      'search.tried: expected foo2.bar.default.svc.cluster.local., live foo2.bar.default.svc.cluster.local. → foo2.bar.svc.cluster.local.',
      'records: missing A 10.244.4.2',
      'records: unexpected foo2.bar.svc.cluster.local. A 10.244.4.2',
    ]);
    expect(r.rules).toEqual(['owner-case-insensitive', 'ttl-ignored', 'search-suffix']);
    expect(compareTool(expected, [live], { 'search-suffix': false }).differences.map((d) => d.field)).toEqual(
      ['records', 'records'],
    );
  });

  it('does not compare the names tried when the tool does not show them (getent)', () => {
    const expected = outcome({ tried: WALK.slice(0, 1), answeredBy: WALK[0], addresses: ['10.244.4.2'] });
    const live = outcome({ answeredBy: 'FOO2.bar.default.svc.cluster.local.', addresses: ['10.244.4.2'] });
    expect(compareTool(expected, [live])).toMatchObject({ verdict: 'pass', differences: [] });
  });

  it('compares addresses as a multiset only where the prediction says they are unordered', () => {
    const addrs = ['10.0.0.1', 'fd00::1'];
    const live = outcome({ answeredBy: 'x.', addresses: ['fd00::1', '10.0.0.1'] });
    expect(
      compareTool({ ...outcome({ answeredBy: 'x.', addresses: addrs }), addressesUnordered: true }, [live])
        .verdict,
    ).toBe('pass');
    expect(texts(compareTool(outcome({ answeredBy: 'x.', addresses: addrs }), [live]))).toEqual([
      'addresses order: expected 10.0.0.1, fd00::1, live fd00::1, 10.0.0.1',
    ]);
  });

  it('accepts any resolved address as the one ping shows, when their order is not fixed', () => {
    const expected: ToolExpectation = {
      ...outcome({ answeredBy: 'x.', addresses: ['10.0.0.1', '10.0.0.2'] }),
      addressesUnordered: true,
    };
    expect(
      compareTool(expected, [outcome({ answeredBy: 'x.', addresses: ['10.0.0.2'] })], {}, { tool: 'ping' })
        .verdict,
    ).toBe('pass');
    const r = compareTool(
      expected,
      [outcome({ answeredBy: 'x.', addresses: ['10.0.0.9'] })],
      {},
      { tool: 'ping' },
    );
    expect(texts(r)).toEqual(['address: expected one of 10.0.0.1, 10.0.0.2, live 10.0.0.9']);
  });

  it('reports a different status, and the addresses that were expected', () => {
    const r = compareTool(outcome({ answeredBy: 'x.', addresses: ['10.0.0.1'] }), [
      outcome({ status: 'not-found' }),
    ]);
    expect(texts(r)).toEqual(['status: expected ok, live not-found', 'addresses: missing 10.0.0.1']);
  });

  it('skips an outcome the oracle cannot know', () => {
    const r = compareTool(
      {
        ...outcome(),
        unknown: true,
        explain: [
          "the pod's nameservers (8.8.8.8) are not the cluster DNS: answers are not CoreDNS's — unknown",
        ],
      },
      [outcome({ status: 'not-found' })],
    );
    expect(r.verdict).toBe('skipped');
    expect(r.reason).toMatch(/8\.8\.8\.8/);
  });

  it('calls runs that disagree unstable', () => {
    const expected = outcome({ answeredBy: 'x.', addresses: ['10.0.0.1'] });
    const r = compareTool(expected, [
      outcome({ status: 'error' }),
      outcome({ answeredBy: 'x.', addresses: ['10.0.0.1'] }),
    ]);
    expect(r.verdict).toBe('unstable');
    expect(texts(r)).toEqual([
      'ask 1: status: expected ok, live error',
      'ask 1: addresses: missing 10.0.0.1',
    ]);
  });
});
