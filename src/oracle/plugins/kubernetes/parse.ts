/**
 * The query-name grammar (reference coredns-kubernetes.md §3; CoreDNS plugin/kubernetes/parse.go
 * parseRequest). The labels left of the zone are read right to left:
 *   [endpoint | port.protocol | topozone….pin|prefer._zone] . service . namespace . svc|pod
 */
import type { NameError } from './request.ts';

export interface RecordRequest {
  /** Named port (one leading `_` stripped); "" when not given. */
  port: string;
  /** Protocol (one leading `_` stripped); "" when not given. */
  protocol: string;
  endpoint: string;
  /** Multicluster: the cluster id label of `<endpoint>.<cluster>.<svc>…`. */
  cluster: string;
  service: string;
  namespace: string;
  /** "svc", "pod", or "" for the apex and the bare `svc.`/`pod.` names. */
  podOrSvc: string;
  /** `zonal`: the topology zone of `<zone>.pin|prefer._zone.<svc>…`; "" otherwise. */
  topologyZone: string;
  topologyPrefer: boolean;
}

export type Parsed = RecordRequest | NameError;

const EMPTY: RecordRequest = Object.freeze({
  port: '',
  protocol: '',
  endpoint: '',
  cluster: '',
  service: '',
  namespace: '',
  podOrSvc: '',
  topologyZone: '',
  topologyPrefer: false,
});

/** dnsutil.TrimZone by label count: the labels of `name` left of `zone` ("" for the zone itself). */
export function trimZone(name: string, zone: string): string {
  if (zone === '.') return name === '.' ? '' : name.slice(0, -1);
  if (name.length <= zone.length) return '';
  return name.slice(0, name.length - zone.length - 1);
}

function stripUnderscore(s: string): string {
  return s.charCodeAt(0) === 95 /* _ */ ? s.slice(1) : s;
}

export interface ParseOptions {
  multicluster: boolean;
  zonal: boolean;
}

function request(podOrSvc: string, namespace: string, service: string): RecordRequest {
  return {
    port: '',
    protocol: '',
    endpoint: '',
    cluster: '',
    service,
    namespace,
    podOrSvc,
    topologyZone: '',
    topologyPrefer: false,
  };
}

/** parseRequest(name, zone): `name` is the lowercased question, `zone` the matched zone as spelled. */
export function parseRequest(name: string, zone: string, o: ParseOptions): Parsed {
  const base = trimZone(name, zone);
  // The apex and the bare type labels are empty requests: NODATA for types that consult Records.
  if (base === '' || base === 'svc' || base === 'pod') return EMPTY;
  // Labels right to left without splitting the whole name (this runs for every question).
  let end = base.length;
  let dot = base.lastIndexOf('.', end - 1);
  const podOrSvc = base.slice(dot + 1, end);
  if (podOrSvc !== 'pod' && podOrSvc !== 'svc') return 'errInvalidRequest';
  if (dot === -1) return request(podOrSvc, '', '');
  end = dot;
  dot = base.lastIndexOf('.', end - 1);
  const namespace = base.slice(dot + 1, end);
  if (dot === -1) return request(podOrSvc, namespace, '');
  end = dot;
  dot = base.lastIndexOf('.', end - 1);
  const r = request(podOrSvc, namespace, base.slice(dot + 1, end));
  if (dot === -1) return r;
  // One label: an endpoint. Two: port and protocol (or endpoint and cluster id in a
  // multicluster zone when neither starts with `_`). More: too long, or a zonal name.
  const segs = base.slice(0, dot).split('.');
  const last = segs.length - 1;
  if (last === 0) {
    r.endpoint = segs[0] as string;
  } else if (last === 1) {
    const left = segs[0] as string;
    const right = segs[1] as string;
    if (!o.multicluster || right.startsWith('_') || left.startsWith('_')) {
      r.protocol = stripUnderscore(right);
      r.port = stripUnderscore(left);
    } else {
      r.cluster = right;
      r.endpoint = left;
    }
  } else {
    if (!o.zonal || o.multicluster || segs[last] !== '_zone' || r.podOrSvc !== 'svc')
      return 'errInvalidRequest';
    const directive = segs[last - 1];
    if (directive === 'prefer') r.topologyPrefer = true;
    else if (directive !== 'pin') return 'errInvalidRequest';
    r.topologyZone = segs.slice(0, last - 1).join('.');
  }
  return r;
}
