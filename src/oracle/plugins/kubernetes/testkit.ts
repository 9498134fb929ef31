/**
 * Test helpers for the kubernetes plugin model: API objects in (built into a ClusterIndex by the
 * real cluster/state.ts), the plugin set up from a Corefile snippet, questions served through it
 * with a fake `next` and a fake upstream, and records written as CoreDNS's own tests write them.
 */
import type { RawEndpoint, RawEndpointPort, RawServicePort } from '../../../cluster/raw.ts';
import { buildState, indexState } from '../../../cluster/state.ts';
import type { ClusterIndex, KubeObject } from '../../../cluster/types.ts';
import type { DnsMessage, Rcode, ResourceRecord } from '../../../dns/message.ts';
import type { ChainContext, Outcome, PluginInstance, Request } from '../../chain.ts';
import { profileFor } from '../../versions.ts';
import { corefile } from '../testkit.ts';
import { kubernetesPlugin } from './kubernetes.ts';

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIPs?: string[];
  externalName?: string;
  ports?: RawServicePort[];
  labels?: Record<string, string>;
}

export function service(ns: string, name: string, spec: ServiceSpec): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: spec.labels ?? {} },
    spec: {
      type: spec.type ?? 'ClusterIP',
      ...(spec.clusterIPs ? { clusterIP: spec.clusterIPs[0], clusterIPs: spec.clusterIPs } : {}),
      ...(spec.externalName ? { externalName: spec.externalName } : {}),
      ports: spec.ports ?? [],
    },
  };
}

export interface SliceSpec {
  name?: string;
  endpoints: RawEndpoint[];
  ports?: RawEndpointPort[];
  labels?: Record<string, string>;
}

export function slice(ns: string, svc: string, spec: SliceSpec): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: spec.name ?? `${svc}-slice1`,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': svc, ...spec.labels },
    },
    addressType: spec.endpoints[0]?.addresses[0]?.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: spec.endpoints,
    ports: spec.ports ?? [],
  };
}

/** An endpoint with one address; ready unless told otherwise. */
export function ep(ip: string, more: Partial<RawEndpoint> = {}): RawEndpoint {
  return { addresses: [ip], conditions: { ready: true }, ...more };
}

export function pod(
  ns: string,
  name: string,
  podIP: string,
  more: { phase?: string; labels?: Record<string, string>; deletionTimestamp?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: more.labels ?? {},
      ...(more.deletionTimestamp ? { deletionTimestamp: more.deletionTimestamp } : {}),
    },
    spec: { containers: [] },
    status: { phase: more.phase ?? 'Running', podIP, podIPs: [{ ip: podIP }] },
  };
}

export function cluster(objects: KubeObject[]): ClusterIndex {
  return indexState(buildState(objects));
}

/** `name ttl [IN] type data…` as CoreDNS's tests write records (test.A("…")). */
export function rr(text: string): ResourceRecord {
  const f = text.trim().split(/\s+/);
  const [name = '', ttl = '0'] = f;
  const rest = f[2] === 'IN' ? f.slice(3) : f.slice(2);
  const [type = '', ...data] = rest;
  const fq = name.endsWith('.') ? name : `${name}.`;
  return { name: fq, type, ttl: Number(ttl), data: data.join(' ') };
}

/** A row of CoreDNS's kubernetes test tables (test.Case): the question and the reply's sections. */
export interface Case {
  q: string;
  type: string;
  rcode: Rcode;
  answer?: string[];
  ns?: string[];
  extra?: string[];
}

/** The reply a Case describes, from the plugin as an authority: aa set, ra clear, rd echoed. */
export function caseReply(c: Case): DnsMessage {
  return {
    rcode: c.rcode,
    flags: { aa: true, tc: false, rd: true, ra: false },
    answer: (c.answer ?? []).map(rr),
    authority: (c.ns ?? []).map(rr),
    additional: (c.extra ?? []).map(rr),
  };
}

/** The SOA of negative answers with the serial normalised (CoreDNS's tests never compare it). */
export function normalise(m: DnsMessage): DnsMessage {
  const norm = (rrs: ResourceRecord[]) =>
    rrs
      .map((r) => (r.type === 'SOA' ? { ...r, data: r.data.replace(/^(\S+ \S+) \d+ /, '$1 SERIAL ') } : r))
      .sort((a, b) => `${a.name} ${a.type} ${a.data}`.localeCompare(`${b.name} ${b.type} ${b.data}`));
  return { ...m, answer: norm(m.answer), authority: norm(m.authority), additional: norm(m.additional) };
}

export interface Asked {
  out: Outcome;
  message: DnsMessage;
  explain: string[];
  unmodelled: string[];
  /** The question reached the next plugin. */
  passedOn: boolean;
}

export interface K8sHarness {
  instance: PluginInstance;
  ctx: ChainContext;
  ask(name: string, type: string, clientIP?: string): Asked;
}

/** The reply of the fake next plugin: NOERROR with a TXT marker, so tests see that it answered. */
export const NEXT_MARKER = '"next plugin"';

/**
 * Set up `kubernetes <args> { <options> }` in a server block `keys` and serve questions through
 * it. `upstream(req)` answers re-entrant lookups (ExternalName targets outside the zone); by default
 * they come back through this plugin and then the fake next plugin.
 */
export function k8s(
  block: string,
  objects: KubeObject[],
  opts: {
    version?: string;
    serverIPs?: string[];
    files?: Record<string, string>;
    upstream?: (req: Request) => Outcome;
  } = {},
): K8sHarness {
  const cf = corefile(block);
  const b = cf.blocks[0];
  if (!b) throw new Error('no server block');
  const version = profileFor(opts.version ?? '1.12.1');
  const instance = kubernetesPlugin.setup(
    b.directives.filter((d) => d.name === 'kubernetes'),
    b,
    cf.file,
    version,
    { files: opts.files ?? {}, upstream: undefined, serverIPs: opts.serverIPs ?? [] },
  );
  const state = cluster(objects);
  let explain: string[] = [];
  let unmodelled: string[] = [];
  let passedOn = false;
  const next = (req: Request): Outcome => {
    passedOn = true;
    return {
      written: true,
      message: {
        rcode: 'NOERROR',
        flags: { aa: false, tc: false, rd: true, ra: true },
        answer: [{ name: req.name, type: 'TXT', ttl: 0, data: NEXT_MARKER }],
        authority: [],
        additional: [],
      },
    };
  };
  const ctx: ChainContext = {
    state,
    version,
    explain: (r) => explain.push(r),
    unmodelled: (p) => unmodelled.push(p),
    lookup: (req) => (opts.upstream ? opts.upstream(req) : instance.serve(req, ctx, next)),
  };
  return {
    instance,
    ctx,
    ask(name, type, clientIP) {
      explain = [];
      unmodelled = [];
      passedOn = false;
      const out = instance.serve({ name, type, clientIP, port: 53 }, ctx, next);
      const message: DnsMessage = out.written
        ? out.message
        : {
            rcode: out.rcode,
            flags: { aa: false, tc: false, rd: true, ra: false },
            answer: [],
            authority: [],
            additional: [],
          };
      return { out, message, explain, unmodelled, passedOn };
    },
  };
}
