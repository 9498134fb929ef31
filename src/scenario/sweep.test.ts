import { describe, expect, it } from 'vitest';
import { materialise } from '../cluster/controlplane.ts';
import { loadObjects } from '../cluster/load.ts';
import { KIND_DEFAULTS } from '../cluster/options.ts';
import { buildState, indexState } from '../cluster/state.ts';
import { sweepQueries } from './sweep.ts';

const MANIFESTS = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { clusterIP: 10.96.0.100, selector: { app: web }, ports: [ { name: http, port: 80 } ] }
---
apiVersion: v1
kind: Service
metadata: { name: db, namespace: default }
spec: { clusterIP: None, selector: { app: db }, ports: [ { name: pg, port: 5432 } ] }
---
apiVersion: v1
kind: Pod
metadata: { name: db-0, namespace: default, labels: { app: db } }
spec: { hostname: db-0, subdomain: db, containers: [ { name: c, image: x } ] }
status: { podIP: 10.244.0.7, podIPs: [ { ip: 10.244.0.7 } ], phase: Running, conditions: [ { type: Ready, status: "True" } ] }
`;
const index = indexState(buildState(materialise(loadObjects(MANIFESTS, 'm.yaml').objects, KIND_DEFAULTS)));
const asked = (limit = 10_000) => sweepQueries(index, KIND_DEFAULTS, limit).map((q) => `${q.name} ${q.type}`);

describe('sweepQueries', () => {
  it('asks every record the DNS spec mandates for the state (kubernetes-dns.md §1.2)', () => {
    const all = asked();
    for (const q of [
      'web.default.svc.cluster.local. A', // ClusterIP A
      '_http._tcp.web.default.svc.cluster.local. SRV', // named port SRV
      'web.default.svc.cluster.local. SRV', // bare SRV
      '100.0.96.10.in-addr.arpa. PTR', // ClusterIP PTR
      'db.default.svc.cluster.local. A', // headless: endpoint A records
      'db-0.db.default.svc.cluster.local. A', // endpoint hostname (pod hostname + subdomain)
      '7.0.244.10.in-addr.arpa. PTR', // endpoint PTR
      '10-244-0-7.default.pod.cluster.local. A', // dashed pod IP (pods insecure/verified)
      'dns-version.cluster.local. TXT', // schema version record
      'cluster.local. SOA',
      'cluster.local. NS',
      'default.svc.cluster.local. A',
    ]) {
      expect(all).toContain(q);
    }
  });

  it('adds near misses that must be negative', () => {
    const all = asked();
    for (const q of [
      'web.default-x.svc.cluster.local. A', // wrong namespace
      'webx.default.svc.cluster.local. A', // typo'd service
      'extra.web.default.svc.cluster.local. A', // extra label
      '_nope._tcp.web.default.svc.cluster.local. SRV', // wrong port
      '_http._udp.web.default.svc.cluster.local. SRV', // wrong protocol
      'missing-endpoint.db.default.svc.cluster.local. A',
      'web.default.svc.cluster.local. AAAA', // AAAA of an IPv4-only service
      'web.default.svc.cluster.local. TXT',
    ]) {
      expect(all).toContain(q);
    }
  });

  it('is deterministic and asks each question once', () => {
    const all = asked();
    expect(asked()).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
  });

  it('trims to the limit with a share for every kind', () => {
    const some = asked(7);
    expect(some).toHaveLength(7);
    // One of each of the seven kinds: service, endpoint, SRV, PTR, pod, zone, near miss.
    expect(some.some((q) => q.endsWith(' SRV'))).toBe(true);
    expect(some.some((q) => q.endsWith(' PTR'))).toBe(true);
    expect(some.some((q) => q.includes('.pod.'))).toBe(true);
    expect(some).toContain('db-0.db.default.svc.cluster.local. A');
    expect(some).toContain('dns-version.cluster.local. TXT');
    expect(asked(0)).toEqual([]);
  });
});
