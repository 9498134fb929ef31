/**
 * Real tools in a probe namespace against a real CoreDNS, each live outcome compared with the client
 * model's prediction (oracle/client/tools.ts) over the same zones. The live run is the expectation:
 * a difference means the model of glibc, musl or BIND is wrong. Root only (skips with the reason).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPTIONS, pod, zoneResolve } from '../../oracle/client/testzone.ts';
import { predictTool } from '../../oracle/client/tools.ts';
import type { Tool, ToolOutcome } from '../../oracle/types.ts';
import { addPod, skipReason, startTestCluster } from './fixtures/cluster.ts';
import type { ClusterNetwork, ProbeNamespace } from './network.ts';
import { muslClientPath, runTool } from './tools.ts';

const reason = await skipReason();
const debugPod = pod({ hostname: 'foo', subdomain: 'bar' });
const debug2Pod = pod({
  name: 'debug2',
  podIP: '10.244.4.2',
  podIPs: ['10.244.4.2'],
  hostname: 'foo2',
  subdomain: 'bar',
});

/** What both sides show: tried only where the tool prints it (dig), addresses as a set where unordered. */
function shown(o: ToolOutcome, tool: Tool) {
  return {
    status: o.status,
    answeredBy: o.answeredBy,
    addresses: [...o.addresses].sort(),
    ...(tool === 'dig' || tool === 'dig-search' ? { tried: o.tried } : {}),
  };
}

const CASES: [Tool, string, string?][] = [
  ['ping', 'foo2.bar'], // seed 003
  ['host', 'web-service'], // seed 004
  ['dig-search', '10-244-4-2.default.pod', 'A'], // seed 003
  ['getent', 'foo.bar.default.svc.cluster.local'], // seed 003, from /etc/hosts
  ['getent', 'foo'],
  ['getent', 'FOO'],
  ['getent', 'foo.'],
  ['getent', 'localhost'],
  ['getent', 'svc'],
  ['getent', 'alias.default'],
  ['getent', 'dual.default'],
  ['getent', 'txtonly.default'],
  ['ping', 'web-service.default.svc.cluster'], // 4 dots: every suffix first
  ['ping', 'web-service.default.svc.cluster.local'],
  ['ping', 'nope'],
  ['ping', 'txtonly.default'],
  ['ping', 'x.broken.test.'],
  ['ping', '1-1-1-1.default.pod'], // seed 000: resolved, ICMP not sent
  ['dig', 'foo2.bar', 'A'], // no search: a partial name fails
  ['dig', '_foo._tcp.bar.default.svc.cluster.local', 'SRV'],
  ['dig-search', 'svc', 'A'],
  ['dig-search', 'nope.a.b.c.d.e', 'A'],
  ['dig-search', 'web-service.', 'A'],
  ['host', 'alias.default'],
  ['host', 'nope'],
  ['host', 'dual.default'],
  ['host', 'example.com'],
  ['host', 'svc'],
  ['host', 'txtonly.default', 'A'],
  ['musl', 'foo2.bar'],
  ['musl', 'svc'],
  ['musl', 'FOO'],
  ['musl', 'x.broken.test.'],
];

describe.skipIf(reason !== '')('live tools agree with the client model', () => {
  let network: ClusterNetwork;
  let debug: ProbeNamespace;

  beforeAll(async () => {
    network = await startTestCluster();
    debug = await addPod(network, debugPod);
    await addPod(network, debug2Pod);
  }, 60_000);

  afterAll(async () => {
    await network?.destroy();
  });

  it.each(CASES.map(([tool, name, type]) => [tool, name, type ?? ''] as const))(
    '%s %s %s',
    async (tool, name, t) => {
      const type = t || undefined;
      if (tool === 'musl' && !existsSync(muslClientPath())) return;
      const live = await runTool(debug, tool, name, type);
      const predicted = predictTool({
        pod: debugPod,
        tool,
        name,
        ...(type ? { type } : {}),
        options: OPTIONS,
        resolve: zoneResolve,
      });
      expect(shown(live.outcome, tool), live.stdout).toEqual(shown(predicted, tool));
    },
  );

  it('ping sends ICMP only to addresses of this run', async () => {
    const ours = await runTool(debug, 'ping', 'foo2.bar');
    expect(ours.stdout).toMatch(/1 packets transmitted, 1 received/);
    const foreign = await runTool(debug, 'ping', '1-1-1-1.default.pod');
    expect(foreign.stdout).toContain('ICMP not sent: 1.1.1.1 is not a namespace of this run');
    expect(foreign.stdout).not.toMatch(/packets transmitted/);
  });
});
