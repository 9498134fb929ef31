/**
 * Oracle benchmark: predictions per second on one core and state load time, over a synthetic
 * cluster (1000 Services, 10000 Pods) with the kind default Corefile and a realistic query mix.
 * A bare Map lookup loop over the same names runs in the same process as the baseline, so the
 * figures can be read on any machine as a ratio too.
 *
 *   node --import tsx scripts/bench/oracle.ts [--seconds N]
 *
 * Targets: ≥ 300,000 predictions/s; load (materialise + buildState + indexState) < 1 s.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { materialise } from '../../src/cluster/controlplane.ts';
import { KIND_DEFAULTS } from '../../src/cluster/options.ts';
import { buildState, indexState } from '../../src/cluster/state.ts';
import { syntheticManifests } from '../../src/cluster/synthetic.ts';
import type { ClusterIndex } from '../../src/cluster/types.ts';
import { parseCorefile } from '../../src/corefile/parse.ts';
import { createOracle } from '../../src/oracle/predict.ts';
import type { OracleQuery } from '../../src/oracle/types.ts';
import { parseZoneLines } from '../../src/upstream/zone.ts';

const TARGET_PREDICTIONS = 300_000;
const TARGET_LOAD_MS = 1000;
const COREFILE = new URL('../../scenarios/corefiles/kind-default.Corefile', import.meta.url);

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);

function reverse(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

/** The mix a busy cluster sends: service lookups, search-path misses (ndots:5), pods, PTR, external names. */
function queryMix(ix: ClusterIndex): OracleQuery[] {
  const qs: OracleQuery[] = [];
  const zone = 'cluster.local.';
  const pods = ix.state.pods.filter((p) => p.podIP);
  ix.state.services.forEach((s, i) => {
    const fq = `${s.name}.${s.namespace}.svc.${zone}`;
    const clientIP = pods[i % pods.length]?.podIP;
    qs.push({ name: fq, type: 'A', clientIP });
    qs.push({ name: fq, type: 'A', clientIP });
    qs.push({ name: fq, type: 'AAAA', clientIP });
    // What a ClusterFirst pod's resolver tries first for `svc.ns` and for an FQDN without the dot.
    qs.push({ name: `${s.name}.${s.namespace}.${s.namespace}.svc.${zone}`, type: 'A', clientIP });
    qs.push({ name: `${fq}${s.namespace}.svc.${zone}`, type: 'A', clientIP });
    qs.push({ name: `nope-${i}.${s.namespace}.svc.${zone}`, type: 'A', clientIP });
    const port = s.ports.find((p) => p.name);
    if (port) qs.push({ name: `_${port.name}._${port.protocol.toLowerCase()}.${fq}`, type: 'SRV', clientIP });
    const ip = s.clusterIPs[0];
    if (ip && ip !== 'None' && i % 4 === 0) qs.push({ name: reverse(ip), type: 'PTR', clientIP });
    if (i % 5 === 0) qs.push({ name: 'example.com.', type: 'A', clientIP });
  });
  pods.slice(0, 2000).forEach((p) => {
    qs.push({
      name: `${(p.podIP as string).replaceAll('.', '-')}.${p.namespace}.pod.${zone}`,
      type: 'A',
      clientIP: p.podIP,
    });
  });
  return qs;
}

function main(): void {
  const t0 = performance.now();
  const manifests = syntheticManifests(1000, 10000);
  const t1 = performance.now();
  const objects = materialise(manifests, KIND_DEFAULTS);
  const state = buildState(objects);
  const index = indexState(state);
  const t2 = performance.now();
  const corefile = parseCorefile(readFileSync(COREFILE, 'utf8'), 'kind-default.Corefile');
  const upstream = parseZoneLines(['example.com. 300 IN A 192.0.2.10'], 'bench');
  const oracle = createOracle({ state: index, corefile, version: '1.12.1', upstream });
  const t3 = performance.now();
  const queries = queryMix(index);

  // Warm up (JIT), then measure predictions.
  for (let i = 0; i < 3; i++) for (const q of queries) oracle.predict(q);
  let n = 0;
  let checksum = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (const q of queries) checksum += oracle.predict(q).message.answer.length;
    n += queries.length;
  }
  const rate = n / ((performance.now() - start) / 1000);

  // Baseline: a bare Map from lowercased name to answer, over the same questions.
  const table = new Map<string, string>();
  for (const q of queries) table.set(`${q.name.toLowerCase()} ${q.type}`, q.name);
  for (const q of queries) table.get(`${q.name.toLowerCase()} ${q.type}`);
  let m = 0;
  const bstart = performance.now();
  while (performance.now() - bstart < seconds * 1000) {
    for (const q of queries) if (table.get(`${q.name.toLowerCase()} ${q.type}`)) checksum++;
    m += queries.length;
  }
  const baseline = m / ((performance.now() - bstart) / 1000);

  const load = t2 - t1;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  process.stdout.write(
    [
      `cluster: ${state.services.length} services, ${state.pods.length} pods, ${state.endpointSlices.length} EndpointSlices (manifests generated in ${fmt(t1 - t0)} ms)`,
      `load (materialise + buildState + indexState): ${fmt(load)} ms  target < ${TARGET_LOAD_MS} ms  ${load < TARGET_LOAD_MS ? 'OK' : 'MISS'}`,
      `oracle build (Corefile → servers): ${(t3 - t2).toFixed(1)} ms`,
      `query mix: ${queries.length} questions`,
      `predictions/s (one core): ${fmt(rate)}  target ≥ ${fmt(TARGET_PREDICTIONS)}  ${rate >= TARGET_PREDICTIONS ? 'OK' : 'MISS'}`,
      `baseline Map lookups/s: ${fmt(baseline)}  → oracle at 1/${(baseline / rate).toFixed(1)} of a bare lookup`,
      `(checksum ${checksum})`,
      '',
    ].join('\n'),
  );
}

main();
