/**
 * Live throughput of the local backend: questions per second that are sent to a real CoreDNS,
 * parsed and compared with the oracle's prediction (predict + compareWire, the runner's per-query
 * work), next to dnsperf's raw rate against the same CoreDNS in the same run, same questions.
 * dnsperf only sends and counts replies, so the ratio shows what the checking costs.
 *
 *   node --import tsx scripts/bench/throughput.ts [--seconds N] [--coredns-version X.Y.Z]
 *
 * Loopback only (no network namespaces); every phase is bounded by --seconds.
 * Target: checked questions/s ≥ 0.5 × dnsperf's rate.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalBackend } from '../../src/backends/local/index.ts';
import { KIND_DEFAULTS } from '../../src/cluster/options.ts';
import { buildState, indexState } from '../../src/cluster/state.ts';
import { syntheticManifests } from '../../src/cluster/synthetic.ts';
import { compareWire } from '../../src/compare/wire.ts';
import { parseCorefile } from '../../src/corefile/parse.ts';
import type { Question } from '../../src/dns/message.ts';
import { createOracle } from '../../src/oracle/predict.ts';
import { DEFAULT_COREDNS_VERSION } from '../../src/oracle/versions.ts';
import { askMany } from '../../src/probe/wire.ts';
import { parseZoneLines } from '../../src/upstream/zone.ts';

const TARGET_RATIO = 0.5;
const COREFILE = new URL('../../scenarios/corefiles/kind-default.Corefile', import.meta.url);
const BATCH = 2000;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    'coredns-version': { type: 'string', default: DEFAULT_COREDNS_VERSION },
  },
});
const seconds = Number(values.seconds);
const version = values['coredns-version'] as string;

/** Service lookups, AAAA NODATA, misses, SRV and a forwarded name: what a busy cluster asks. */
function questions(
  services: { name: string; namespace: string; ports: { name?: string; protocol: string }[] }[],
) {
  const qs: Question[] = [];
  services.forEach((s, i) => {
    const fq = `${s.name}.${s.namespace}.svc.cluster.local.`;
    qs.push(
      { name: fq, type: 'A' },
      { name: fq, type: 'AAAA' },
      { name: `nope-${i}.${s.namespace}.svc.cluster.local.`, type: 'A' },
    );
    const port = s.ports.find((p) => p.name);
    if (port) qs.push({ name: `_${port.name}._${port.protocol.toLowerCase()}.${fq}`, type: 'SRV' });
    if (i % 5 === 0) qs.push({ name: 'example.com.', type: 'A' });
  });
  return qs;
}

function dnsperf(server: string, port: number, file: string): Promise<{ qps: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'dnsperf',
      ['-s', server, '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'],
      { timeout: (seconds + 15) * 1000 },
      (error, stdout, stderr) => {
        const qps = /Queries per second:\s+([\d.]+)/.exec(stdout)?.[1];
        if (qps) resolve({ qps: Number(qps), output: stdout });
        else reject(new Error(`dnsperf failed: ${error?.message ?? ''} ${stderr.trim()}`));
      },
    );
  });
}

async function main(): Promise<void> {
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const backend = createLocalBackend({ netns: false }, { log, signal: new AbortController().signal });
  const dir = mkdtempSync(join(tmpdir(), 'dnsconform-bench-'));
  try {
    await backend.provision(KIND_DEFAULTS);
    const text = readFileSync(COREFILE, 'utf8');
    const upstream = parseZoneLines(['example.com. 300 IN A 192.0.2.10'], 'bench');
    const inForce = await backend.setCorefile(text, version, { files: {}, upstream });
    await backend.apply(syntheticManifests(200, 1000));
    const index = indexState(buildState((await backend.readState()).objects));
    const oracle = createOracle({
      state: index,
      corefile: parseCorefile(text, 'kind-default.Corefile'),
      version: inForce.corednsVersion,
      upstream,
      serverIPs: inForce.serverIPs ?? [],
    });
    const qs = questions(index.state.services);
    const [address, port] = (backend.details().dns as string).split(':') as [string, string];

    // Checked: send, parse, predict, compare. Warm up once (JIT, CoreDNS cache), then measure.
    let n = 0;
    let diffs = 0;
    const check = async (batch: Question[]) => {
      const replies = await askMany({ address, port: Number(port) }, batch, {
        transport: 'udp',
        concurrency: 64,
      });
      for (const r of replies) {
        if (!('message' in r)) {
          diffs++;
          continue;
        }
        const c = compareWire(oracle.predict(r.question), [r.message]);
        if (c.verdict !== 'pass') diffs++;
      }
      n += batch.length;
    };
    await check(qs.slice(0, BATCH));
    n = 0;
    diffs = 0;
    const start = performance.now();
    for (let i = 0; performance.now() - start < seconds * 1000; i = (i + BATCH) % qs.length) {
      await check(qs.slice(i, i + BATCH));
    }
    const checked = n / ((performance.now() - start) / 1000);

    const file = join(dir, 'queries');
    writeFileSync(file, qs.map((q) => `${q.name} ${q.type}`).join('\n'));
    const raw = await dnsperf(address, Number(port), file);

    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    const ratio = checked / raw.qps;
    process.stdout.write(
      [
        `CoreDNS ${inForce.corednsVersion}, kind default Corefile, ${index.state.services.length} services, ${index.state.pods.length} pods; ${qs.length} distinct questions; ${seconds} s per phase`,
        `checked questions/s (send + parse + predict + compare, UDP, 64 in flight): ${fmt(checked)} (${diffs} not passing)`,
        `dnsperf raw queries/s (4 clients, 200 outstanding): ${fmt(raw.qps)}`,
        `ratio: ${ratio.toFixed(2)}  target ≥ ${TARGET_RATIO}  ${ratio >= TARGET_RATIO ? 'OK' : 'MISS'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
  await bundledSuiteWallTime();
}

/** The whole bundled library as a user runs it (`dnsconform run`), timed end to end. */
async function bundledSuiteWallTime(): Promise<void> {
  const report = mkdtempSync(join(tmpdir(), 'dnsconform-bench-run-'));
  const bin = new URL('../../bin/dnsconform', import.meta.url).pathname;
  const start = performance.now();
  const exit = await new Promise<number>((resolve) => {
    execFile(bin, ['run', '--report', report, '--json'], { maxBuffer: 1 << 26 }, (err, stdout) => {
      if (stdout) process.stdout.write(`bundled suite summary: ${stdout.trim()}\n`);
      resolve(err ? Number((err as { code?: number }).code ?? 1) : 0);
    });
  });
  const seconds = (performance.now() - start) / 1000;
  process.stdout.write(`bundled suite wall time (dnsconform run, exit ${exit}): ${seconds.toFixed(1)} s\n`);
  rmSync(report, { recursive: true, force: true });
}

await main();
