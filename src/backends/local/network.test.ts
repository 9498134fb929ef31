/**
 * Network namespaces for real (root only; skipped with the reason otherwise): a real CoreDNS in the
 * cluster namespace, probe pods with kubelet's files, and a before/after comparison proving nothing
 * survives destroy(), SIGINT or a killed run.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod } from '../../oracle/client/testzone.ts';
import { addPod, skipReason, startTestCluster } from './fixtures/cluster.ts';
import { type ClusterNetwork, type ProbeNamespace, sweepStaleNamespaces } from './network.ts';
import { runTool } from './tools.ts';

const reason = await skipReason();
const ROOT = new URL('../../../', import.meta.url).pathname;
/** Everything of ours the root namespace can show: namespaces, root veths, routes, /etc/netns. */
function leftovers(names: string[], uplink: string): string[] {
  const found: string[] = [];
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const routes = execFileSync('ip', ['route', 'show'], { encoding: 'utf8' });
  const etc = existsSync('/etc/netns') ? readdirSync('/etc/netns') : [];
  for (const name of names) {
    if (netns.split('\n').some((l) => l.split(' ')[0] === name)) found.push(`netns ${name}`);
    if (etc.includes(name)) found.push(`/etc/netns/${name}`);
  }
  if (new RegExp(`: ${uplink}[@:]`).test(links)) found.push(`link ${uplink}`);
  if (routes.includes(`dev ${uplink} `)) found.push(`route via ${uplink}`);
  return found;
}

async function waitForLine(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not get ready in 20 s')), 20_000);
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => l.startsWith(prefix));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', () => reject(new Error(`child exited before "${prefix}"`)));
  });
}

describe.skipIf(reason !== '')('cluster network with a real CoreDNS', () => {
  let network: ClusterNetwork;
  let debug: ProbeNamespace;
  const debugPod = pod({ hostname: 'foo', subdomain: 'bar' });
  const debug2Pod = pod({
    name: 'debug2',
    podIP: '10.244.4.2',
    podIPs: ['10.244.4.2'],
    hostname: 'foo2',
    subdomain: 'bar',
  });

  beforeAll(async () => {
    network = await startTestCluster();
    debug = await addPod(network, debugPod);
    await addPod(network, debug2Pod);
  }, 60_000);

  afterAll(async () => {
    await network?.destroy();
  });

  it('the uplink /30 and the cluster DNS IP are where the topology says', () => {
    expect(network.hostAddress).toMatch(/^169\.254\.53\.\d+$/);
    expect(network.bindAddresses).toEqual([network.clusterAddress, '10.96.0.10']);
    const wire = execFileSync(
      'dig',
      [`@${network.clusterAddress}`, '+short', 'foo2.bar.default.svc.cluster.local'],
      {
        encoding: 'utf8',
      },
    );
    expect(wire.trim()).toBe('10.244.4.2');
  });

  it('probe namespaces have routes only to the pod subnet and the cluster DNS IP (no default route)', () => {
    const routes = execFileSync('ip', ['-n', debug.netns, 'route', 'show'], { encoding: 'utf8' });
    expect(
      routes
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0])
        .sort(),
    ).toEqual(['10.244.0.0/16', '10.96.0.10']);
  });

  it('ping foo2.bar from debug: the seed 003 output, ICMP between two of our namespaces', async () => {
    const run = await runTool(debug, 'ping', 'foo2.bar');
    expect(run.stdout).toMatch(/^PING foo2\.bar\.default\.svc\.cluster\.local \(10\.244\.4\.2\)/m);
    expect(run.stdout).toMatch(/1 received/);
    expect(run.outcome).toMatchObject({ status: 'ok', addresses: ['10.244.4.2'] });
  });

  it('ping 1-1-1-1.default.pod resolves but sends no ICMP to 1.1.1.1 (seed 000)', async () => {
    const run = await runTool(debug, 'ping', '1-1-1-1.default.pod');
    expect(run.stdout).toContain('ICMP not sent: 1.1.1.1 is not a namespace of this run');
    expect(run.outcome).toMatchObject({
      status: 'ok',
      answeredBy: '1-1-1-1.default.pod.cluster.local.',
      addresses: ['1.1.1.1'],
    });
  });

  it('removeProbe() takes one pod away: its namespace and /etc/netns entry go, its IP is no longer ours', async () => {
    const gone = await addPod(network, pod({ name: 'gone', podIP: '10.244.9.9', podIPs: ['10.244.9.9'] }));
    expect(network.ownsAddress('10.244.9.9')).toBe(true);
    await network.removeProbe(gone.key);
    expect(network.ownsAddress('10.244.9.9')).toBe(false);
    expect(leftovers([gone.netns], network.uplink).filter((l) => !l.includes(network.uplink))).toEqual([]);
  });

  it('destroy() leaves no namespace, veth, route or /etc/netns entry', async () => {
    const names = [network.netns, ...[...network.probes.values()].map((p) => p.netns)];
    expect(leftovers(names, network.uplink).length).toBeGreaterThan(0);
    await network.destroy();
    expect(leftovers(names, network.uplink)).toEqual([]);
  });
});

describe.skipIf(reason !== '')('cleanup when the run is interrupted', () => {
  const child = () =>
    // node itself (not the tsx wrapper) so that the signal reaches the process that owns the run.
    spawn(
      process.execPath,
      ['--import', 'tsx', new URL('fixtures/netns-child.ts', import.meta.url).pathname],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );

  it('SIGINT: the cleanup registry removes everything before the process exits', async () => {
    const proc = child();
    const [, netns, uplink, probe] = (await waitForLine(proc, 'ready ')).split(' ');
    expect(leftovers([netns as string, probe as string], uplink as string)).not.toEqual([]);
    const exited = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGINT');
    await exited;
    expect(leftovers([netns as string, probe as string], uplink as string)).toEqual([]);
  }, 30_000);

  it('SIGKILL: the stale sweep removes what a dead run left behind', async () => {
    const proc = child();
    const [, netns, uplink, probe] = (await waitForLine(proc, 'ready ')).split(' ');
    const exited = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGKILL');
    await exited;
    expect(leftovers([netns as string, probe as string], uplink as string)).not.toEqual([]);
    const removed = await sweepStaleNamespaces();
    expect(removed).toEqual(expect.arrayContaining([netns, probe]));
    expect(leftovers([netns as string, probe as string], uplink as string)).toEqual([]);
  }, 30_000);
});
